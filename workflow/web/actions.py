"""Workflow actions taken from the newsroom pages (claim, submit, approve, withdraw…), whichever page they
are on: the declaration in `domain.actions` says what each needs, does and tells; a refusal re-renders the
page the action was taken on.

URL map:
    POST /desk/adaptations/<id>/actions/<name>   actions.take   reporters, adaptors and editors
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from ..domain.actions import Action, GoesOn
from ..domain.messages import N_
from ..domain.states import Role, State
from ..domain.text import normalize_body
from ..extensions import db
from ..models import Adaptation
from ..services.adaptations import get_adaptation, perform_action
from ..services.effort import parse_active_seconds, record_editing_time
from ..services.errors import ServiceError, StaleVersion
from ..services.inputs import ActionRequest, parse_action
from . import adaptation as adaptation_pages
from . import reporter as reporter_pages
from . import review as review_pages
from .access import roles_required, self_approval_allowed, signed_in
from .forms import Refused, input_limits, refusal
from .i18n import newsroom_zone, translate

bp = Blueprint("actions", __name__, url_prefix="/desk")


def done_message(action: Action, adaptation: Adaptation) -> str:
    """The sentence a finished action flashes, in the interface language."""
    state = State(adaptation.state)
    said = action.done_message(state, rounds=len(adaptation.rounds), publish_at=adaptation.publish_at)
    return translate(said)


#: Pages an action form is posted from (its `origin` field), so a refusal re-renders that very page.
ORIGINS = ("queue", "mine", "edit", "review", "report")


def _same_text(typed_title: str, typed_body: str, adaptation: Adaptation) -> bool:
    same_title = " ".join(typed_title.split()) == " ".join(adaptation.title.split())
    return same_title and normalize_body(typed_body) == normalize_body(adaptation.body)


def _page_after(action: Action, origin: str, adaptation: Adaptation) -> str:
    """Where the person goes on: where the action leads, unless the page it was taken on comes first."""
    goes_on = action.goes_on
    if goes_on is GoesOn.WORKBENCH:
        return url_for("adaptation.workbench", adaptation_id=adaptation.id)
    if origin == "report":
        return url_for("reporter.report", article_id=adaptation.article_id)
    if goes_on is GoesOn.REVIEW_QUEUE:
        return url_for("review.queue")
    if origin == "review":
        return url_for("review.adaptation", adaptation_id=adaptation.id)
    if goes_on is GoesOn.ADAPTOR_QUEUE:
        return url_for("adaptation.queue")
    if goes_on is GoesOn.MY_ADAPTATIONS or origin == "mine":
        return url_for("adaptation.mine")
    return url_for("adaptation.workbench", adaptation_id=adaptation.id)


def _render_origin(
    origin: str,
    adaptation_id: int,
    action: Action,
    refused: Refused,
    form: Mapping[str, Any],
    stale: Mapping[str, Any] | None = None,
):
    """Re-render the page the action was taken on, with the refusal and the typed text."""
    if origin == "queue":
        return adaptation_pages.render_queue(refused)
    if origin == "mine":
        return adaptation_pages.render_mine(refused)
    adaptation = get_adaptation(db.session, signed_in(), adaptation_id)
    if origin == "report":
        return reporter_pages.render_report(adaptation.article, refused=refused)
    if origin == "review":
        return review_pages.render_review(adaptation, refused=refused, typed=form, typed_action=action.name)
    typed = form if "body" in form else None
    return adaptation_pages.render_workbench(
        adaptation, refused=refused, typed=typed, stale=stale if typed else None
    )


@bp.post("/adaptations/<int:adaptation_id>/actions/<name>")
@roles_required(Role.REPORTER, Role.ADAPTOR, Role.EDITOR)
def take(adaptation_id: int, name: str) -> Response | tuple[str, int]:
    """Take one workflow action (claim, release, reassign, submit, request-changes, approve, reject…)."""
    form = request.form
    origin = form.get("origin") if form.get("origin") in ORIGINS else "edit"
    action = parse_action(name)
    person = signed_in()
    try:
        # A date-time field on the page is the newsroom's local time; it is stored in UTC.
        asked = ActionRequest.parse(action, form, input_limits(), newsroom_zone())
        # The workbench posts its text form with these: the time since the last save counts too.
        active_seconds = parse_active_seconds(form.get("active_seconds")) if action.ends_editing else 0
        adaptation = get_adaptation(db.session, person, adaptation_id, for_update=True)
        if (
            action.ends_editing
            and "body" in form
            and asked.version == adaptation.version
            and not _same_text(form.get("title", ""), form["body"], adaptation)
        ):
            raise ServiceError(
                N_(
                    "You have unsaved changes. Save them (or undo them) before %(ends_editing)s; your text "
                    "is still in the form below.",
                    ends_editing=action.ends_editing,
                ),
                code="unsaved",
                status=409,
            )
        if active_seconds:
            record_editing_time(db.session, person, adaptation, active_seconds)
        perform_action(
            db.session,
            person,
            adaptation,
            action.name,
            comment=asked.comment,
            assignee=asked.assignee,
            publish_at=asked.publish_at,
            version=asked.version,
            correction_note=asked.correction_note,
            revision=asked.revision,
            priority=asked.priority,
            deadline=asked.deadline,
            deadline_sent=asked.deadline_sent,
            allow_self_approval=self_approval_allowed(),
        )
    except ServiceError as error:
        refused = refusal(error)
        stale = error.details.get("current") if isinstance(error, StaleVersion) else None
        return _render_origin(origin, adaptation_id, action, refused, form, stale)
    db.session.commit()
    flash(done_message(action, adaptation), "success")
    return redirect(_page_after(action, origin, adaptation))
