"""Adaptors' pages: the queue, their own adaptations, and the workbench where an adaptation is written.

URL map:
    GET  /desk/queue[?state=&language=]        adaptation.queue               adaptors
    GET  /desk/mine                            adaptation.mine                adaptors
    GET  /desk/adaptations/<id>                adaptation.workbench           adaptors and editors
    POST /desk/adaptations/<id>/save           adaptation.save                the holder, or an editor
                                               (HTML form; with `Accept: application/json`, the editor's
                                               autosave: JSON answers, with the QA panel of the saved
                                               version; 409 with both texts when stale)

Acknowledging a revised original is the workflow action `acknowledge-source` (web/actions.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, get_template_attribute, jsonify, redirect, request, url_for
from flask_babel import gettext

from ..domain.diff import word_diff
from ..domain.effort import MAX_SECONDS_PER_SAVE
from ..domain.messages import N_
from ..domain.states import FINAL_STATES, Role, State
from ..domain.text import normalize_body
from ..extensions import db
from ..models import Adaptation
from ..services import queries
from ..services.adaptation_view import adaptation_view
from ..services.adaptations import get_adaptation, save_adaptation
from ..services.effort import parse_active_seconds, record_editing_time
from ..services.errors import ServiceError, StaleVersion
from ..services.glossary import source_terms
from ..services.inputs import parse_body, parse_title, parse_version
from ..services.qa import findings_for
from .access import actions_by_id, roles_required, self_approval_allowed, signed_in
from .forms import Refused, input_limits, language_arg, refusal, render_page, state_filter
from .paging import page_args_for_page, page_links

bp = Blueprint("adaptation", __name__, url_prefix="/desk")

#: States the adaptors' queue shows by default: everything that can be claimed or is being adapted.
QUEUE_STATES = [
    State.DRAFT_READY,
    State.MT_FAILED,
    State.TRANSLATING,
    State.QUEUED,
    State.CHANGES_REQUESTED,
    State.IN_ADAPTATION,
]


def render_queue(refused: Refused | None = None):
    """The adaptors' queue, with a refusal when there is one."""
    states, state = state_filter(QUEUE_STATES)
    language = language_arg()
    number, size, bad_page = page_args_for_page()
    stmt = queries.work_queue_select(
        states=states, language=language or None, state_order=[s.value for s in QUEUE_STATES]
    )
    page = queries.page_of(db.session, stmt, number, size)
    rows = page.items
    return render_page(
        "adaptation/queue.html",
        refused=refused or bad_page,
        rows=rows,
        page=page,
        links=page_links(page),
        state=state,
        language=language,
        actions=actions_by_id(rows),
        state_choices=list(State),
    )


@bp.get("/queue")
@roles_required(Role.ADAPTOR)
def queue():
    """Adaptations waiting for an adaptor (and who holds the rest), filterable by state and language."""
    return render_queue()


def render_mine(refused: Refused | None = None):
    """The adaptor's own adaptations, with a refusal when there is one."""
    number, size, bad_page = page_args_for_page()
    in_progress_first = [s.value for s in State if s not in FINAL_STATES]
    stmt = queries.work_queue_select(holder_id=signed_in().id, state_order=in_progress_first)
    page = queries.page_of(db.session, stmt, number, size)
    rows = page.items
    return render_page(
        "adaptation/mine.html",
        refused=refused or bad_page,
        page=page,
        links=page_links(page),
        active=[a for a in rows if State(a.state) not in FINAL_STATES],
        done=[a for a in rows if State(a.state) in FINAL_STATES],
        actions=actions_by_id(rows),
    )


@bp.get("/mine")
@roles_required(Role.ADAPTOR)
def mine():
    """The adaptations this adaptor holds, in progress and finished."""
    return render_mine()


def _kept_active_seconds(typed: Mapping[str, Any] | None, refused: Refused | None) -> int:
    """Active seconds a refused save reported, kept in the form so they are not lost (0 if they were the fault)."""
    raw = str((typed or {}).get("active_seconds", "")).strip()
    if not raw.isdigit() or (refused is not None and refused.field == "active_seconds"):
        return 0
    return min(int(raw), MAX_SECONDS_PER_SAVE)


def render_workbench(
    adaptation: Adaptation,
    *,
    refused: Refused | None = None,
    typed: Mapping[str, Any] | None = None,
    stale: Mapping[str, Any] | None = None,
):
    """The workbench; after a refusal, with the typed text kept (and the stored one, when it was stale)."""
    view = adaptation_view(db.session, signed_in(), adaptation, allow_self_approval=self_approval_allowed())
    if not view.workings:
        if refused is not None:  # what they tried was refused for its own reason: say that one
            abort(refused.status, description=refused.message)
        abort(
            403,
            description=N_(
                "This story is published: its workbench (the review thread, QA and machine draft) is for "
                "editors and the people credited on it. Read it on the public site."
            ),
        )
    form = {"title": adaptation.title, "body": adaptation.body, "version": adaptation.version}
    if typed is not None:
        form = {
            "title": typed.get("title", ""),
            "body": typed.get("body", ""),
            "version": stale["version"] if stale else typed.get("version", adaptation.version),
        }
    form["active_seconds"] = _kept_active_seconds(typed, refused)
    original = adaptation.article.latest
    return render_page(
        "adaptation/workbench.html",
        refused=refused,
        adaptation=adaptation,
        article=adaptation.article,
        draft=view.draft,
        ready=view.ready,
        form=form,
        stale=stale,
        stale_diff=word_diff(stale["body"], normalize_body(form["body"])) if stale else None,
        editable=view.can_edit,
        actions=view.actions,
        source_change=view.source_change,
        thread=view.thread,
        late_draft=view.late_draft,
        effort=view.effort,
        glossary=source_terms(
            db.session, adaptation.article.language, adaptation.language, original.title, original.body
        ),
        tm=view.matches(view.working_draft),
        qa=view.qa,
    )


@bp.get("/adaptations/<int:adaptation_id>")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def workbench(adaptation_id: int):
    """The workbench: the original, the machine draft by sentence, and the adaptation form."""
    page = render_workbench(get_adaptation(db.session, signed_in(), adaptation_id))
    db.session.commit()  # keeps memory matches computed for this read: the next one reads them
    return page


def wants_json() -> bool:
    """Whether the caller is the editor's script (it asks for JSON) rather than the plain form."""
    accepted = request.accept_mimetypes
    return accepted.best_match(["text/html", "application/json"]) == "application/json"


def saved_answer(adaptation: Adaptation) -> dict[str, Any]:
    """What the editor's script needs after a save: the new version and text, and the QA panel on them.

    `qa_html` is the workbench's own QA panel (templates/_qa.html) rendered for the saved version: the script
    puts it in place of the one the page was loaded with. No script in it, so the CSP is unaffected.
    """
    results = findings_for(db.session, adaptation)
    editor = Role.EDITOR in signed_in().roles
    panel = get_template_attribute("_qa.html", "panel")
    review_url = url_for("review.adaptation", adaptation_id=adaptation.id) if editor else ""
    return {
        "version": adaptation.version,
        "title": adaptation.title,
        "body": adaptation.body,
        "qa": [r.as_dict() for r in results],
        "qa_html": str(panel(results, adaptation, level=3, review_url=review_url)),
    }


@bp.post("/adaptations/<int:adaptation_id>/save")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def save(adaptation_id: int):
    """Save the adaptation's title and body, if nobody saved since the version the form was opened at."""
    form = request.form
    limits = input_limits()
    person = signed_in()
    try:
        title = parse_title(form, limits) if form.get("title", "").strip() else ""
        body = parse_body(form, limits, required=False)
        version = parse_version(form)
        active_seconds = parse_active_seconds(form.get("active_seconds"))
        adaptation = get_adaptation(db.session, person, adaptation_id, for_update=True)
        save_adaptation(
            db.session, person, adaptation, title=title, body=body, version=version, limits=limits
        )
        if active_seconds:
            record_editing_time(db.session, person, adaptation, active_seconds)
    except ServiceError as error:
        refused = refusal(error)
        stale = error.details.get("current") if isinstance(error, StaleVersion) else None
        if wants_json():
            return jsonify(error.to_json()), refused.status
        return render_workbench(
            get_adaptation(db.session, person, adaptation_id), refused=refused, typed=form, stale=stale
        )
    db.session.commit()
    if wants_json():
        return jsonify(saved_answer(adaptation))
    flash(gettext("Saved (version %(version)s).", version=adaptation.version), "success")
    return redirect(url_for("adaptation.workbench", adaptation_id=adaptation_id))
