"""Editors' review: the queue of submitted adaptations, the review page, and letting a QA finding through.

URL map:
    GET  /desk/review[?state=&language=]        review.queue        editors
    GET  /desk/review/<id>                      review.adaptation   editors
    POST /desk/adaptations/<id>/qa/override     review.override_qa  editors
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext

from ..domain.diff import kept_word_diff
from ..domain.states import Role, State
from ..extensions import db
from ..models import Adaptation
from ..services import queries
from ..services.adaptation_view import adaptation_view
from ..services.adaptations import get_adaptation
from ..services.errors import ServiceError
from ..services.qa import override_finding
from .access import roles_required, self_approval_allowed, signed_in
from .forms import Refused, language_arg, refusal, render_page, state_filter
from .paging import page_args_for_page, page_links

bp = Blueprint("review", __name__, url_prefix="/desk")


def _changes(old_title: str, old_body: str, adaptation: Adaptation) -> dict[str, Any]:
    return {
        "title": kept_word_diff(old_title, adaptation.title),
        "body": kept_word_diff(old_body, adaptation.body),
    }


def render_queue(refused: Refused | None = None):
    """The review queue, with a refusal when there is one."""
    states, state = state_filter([State.IN_REVIEW])
    language = language_arg()
    number, size, bad_page = page_args_for_page()
    in_review_first = [State.IN_REVIEW.value, *sorted(s.value for s in State if s != State.IN_REVIEW)]
    stmt = queries.work_queue_select(states=states, language=language or None, state_order=in_review_first)
    page = queries.page_of(db.session, stmt, number, size)
    return render_page(
        "review/queue.html",
        refused=refused or bad_page,
        rows=page.items,
        page=page,
        links=page_links(page),
        flagged=queries.source_changed_stories(db.session),
        state=state,
        language=language,
        state_choices=list(State),
    )


@bp.get("/review")
@roles_required(Role.EDITOR)
def queue():
    """Adaptations waiting for review first; other states on request."""
    return render_queue()


def render_review(
    adaptation: Adaptation,
    *,
    refused: Refused | None = None,
    typed: Mapping[str, Any] | None = None,
    typed_action: str = "",
):
    """The review page; after a refusal, with what was typed into the form that was refused."""
    view = adaptation_view(db.session, signed_in(), adaptation, allow_self_approval=self_approval_allowed())
    ready, rounds = view.ready, adaptation.rounds
    previous = rounds[-2] if len(rounds) >= 2 else None
    adaptors = queries.active_adaptors(db.session)
    return render_page(
        "review/adaptation.html",
        refused=refused,
        adaptation=adaptation,
        article=adaptation.article,
        ready=ready,
        mt_diff=_changes(ready.title, ready.body, adaptation) if ready else None,
        previous=previous,
        round_diff=_changes(previous.title, previous.body, adaptation) if previous else None,
        thread=view.thread,
        history=view.history,
        rounds=rounds,
        actions=view.actions,
        adaptors=adaptors,
        typed=typed or {},
        typed_action=typed_action,
        source_change=view.source_change,
        source_acknowledged=view.source_acknowledged,
        round_source_changes=view.round_source_changes,
        credits=view.credits,
        effort=view.effort,
        qa=view.qa,
    )


@bp.get("/review/<int:adaptation_id>")
@roles_required(Role.EDITOR)
def adaptation(adaptation_id: int):
    """The review page: the adaptation, what changed against the draft and the last round, decisions."""
    return render_review(get_adaptation(db.session, signed_in(), adaptation_id))


@bp.post("/adaptations/<int:adaptation_id>/qa/override")
@roles_required(Role.EDITOR)
def override_qa(adaptation_id: int):
    """An editor lets one QA finding through, with a reason recorded in the history."""
    form = request.form
    person = signed_in()
    try:
        found = get_adaptation(db.session, person, adaptation_id, for_update=True)
        override_finding(
            db.session,
            person,
            found,
            form.get("check", ""),
            form.get("key", ""),
            form.get("reason", ""),
            allow_self_approval=self_approval_allowed(),
        )
    except ServiceError as error:
        refused = refusal(error)
        return render_review(
            get_adaptation(db.session, person, adaptation_id),
            refused=refused,
            typed=form,
            typed_action="qa-override",
        )
    db.session.commit()
    flash(
        gettext("Overridden: the finding no longer blocks submission, and your reason is in the history."),
        "success",
    )
    return redirect(url_for("review.adaptation", adaptation_id=adaptation_id, _anchor="qa"))
