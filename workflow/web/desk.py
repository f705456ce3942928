"""The newsroom desk: reporters' reports, the adaptors' queue and editor, the editors' review.

Every POST handler runs parse → check access → one service call → commit → flash and redirect.
A refusal the person can act on (400, 403, 409) re-renders the page they came from with the
message in words and everything they typed kept; only a missing thing (404) leaves the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..domain.diff import word_diff
from ..domain.effort import MAX_SECONDS_PER_SAVE
from ..domain.languages import LANGUAGE_NAMES, RTL_LANGUAGES, is_known_language
from ..domain.rules import available_actions, can_edit, can_revise_article
from ..domain.states import FINAL_STATES, Role, State
from ..domain.text import normalize_body, word_count
from ..extensions import db
from ..models import Adaptation, Article, DraftState, HistoryEntry, utcnow
from ..services import queries
from ..services.adaptations import (
    acknowledge_source_change,
    get_adaptation,
    latest_ready_draft,
    perform_action,
    save_adaptation,
)
from ..services.articles import get_article, revise_article, submit_article
from ..services.effort import effort_for, parse_active_seconds, record_editing_time
from ..services.errors import ServiceError, StaleVersion
from ..services.glossary import source_terms
from ..services.inputs import (
    ArticleInput,
    Limits,
    parse_body,
    parse_comment,
    parse_datetime,
    parse_title,
    parse_version,
)
from ..services.memory import draft_matches
from ..services.qa import findings_for, override_finding
from .access import current_person, roles_required

bp = Blueprint("desk", __name__, url_prefix="/desk")

#: Sections offered as suggestions on the report form (any other name may be typed).
COMMON_SECTIONS = [
    "News",
    "News Bulletin Reports",
    "Politics",
    "Economy",
    "World",
    "Culture",
    "Society",
    "Opinion",
    "Features",
    "Sports",
    "Science",
    "Health",
]
#: Target languages offered as checkboxes; any other ISO code may be typed.
COMMON_TARGETS = ["en", "fr", "es", "de", "tr", "fa", "ru", "zh", "ar"]
#: States the adaptors' queue shows by default: everything that can be claimed or is being adapted.
ADAPTOR_QUEUE_STATES = [
    State.DRAFT_READY,
    State.MT_FAILED,
    State.TRANSLATING,
    State.QUEUED,
    State.CHANGES_REQUESTED,
    State.IN_ADAPTATION,
]
#: Where an action form was posted from, so a refusal re-renders that very page.
ORIGINS = ("queue", "mine", "edit", "review", "report")
DRAFT_ACTIVE = (DraftState.QUEUED.value, DraftState.TRANSLATING.value)


@dataclass(frozen=True)
class Refused:
    """A refusal shown on the page: the words, the field it concerns (if any), and the HTTP status."""

    message: str
    status: int
    field: str | None = None

    @classmethod
    def of(cls, error: ServiceError) -> Refused:
        """The refusal of a service error."""
        return cls(error.message, error.status, error.details.get("field"))


def _limits() -> Limits:
    return Limits.from_settings(current_app.config["ADAPTDESK"])


def _person():
    person = current_person()
    assert person is not None  # roles_required let only logged-in people through
    return person


def _recover(error: ServiceError) -> Refused:
    """Undo the failed work and turn the error into words for the page; a missing thing stays a 404."""
    db.session.rollback()
    if error.status == 404:
        raise error
    return Refused.of(error)


# ---------------------------------------------------------------------------------------------- helpers


@bp.app_template_filter("age")
def age(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago a time was, as a newsroom says it: "just now", "5 min", "3 h", "2 d"."""
    if value is None:
        return ""
    seconds = max(0, int(((now or utcnow()) - value).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


@bp.app_template_filter("words")
def words(text: str) -> int:
    """Number of words in a text."""
    return word_count(text)


def _languages() -> list[tuple[str, str]]:
    return sorted(LANGUAGE_NAMES.items(), key=lambda item: item[1])


def _actions_for(adaptation: Adaptation) -> list[str]:
    return available_actions(_person().actor, adaptation.subject)


def _same_text(typed_title: str, typed_body: str, adaptation: Adaptation) -> bool:
    same_title = " ".join(typed_title.split()) == " ".join(adaptation.title.split())
    return same_title and normalize_body(typed_body) == normalize_body(adaptation.body)


def _kept_active_seconds(typed: Mapping[str, Any] | None, refused: Refused | None) -> int:
    """Active seconds a refused save reported, kept in the form so they are not lost (0 if they were the fault)."""
    raw = str((typed or {}).get("active_seconds", "")).strip()
    if not raw.isdigit() or (refused is not None and refused.field == "active_seconds"):
        return 0
    return min(int(raw), MAX_SECONDS_PER_SAVE)


def _last_taken_at(entries: list[HistoryEntry]) -> datetime | None:
    return next((e.at for e in reversed(entries) if e.action in ("claim", "reassign")), None)


# ------------------------------------------------------------------------------------------- reporters


@bp.get("/")
@roles_required()
def index() -> Response:
    """The desk's front door: each person's own first page."""
    return redirect(url_for("auth.home"))


@bp.get("/reports")
@roles_required(Role.REPORTER)
def my_reports() -> str:
    """A reporter's originals, newest first, with where each adaptation stands."""
    articles = queries.articles_by_reporter(db.session, _person().id)
    return render_template("desk/my_reports.html", articles=articles)


def _render_new_report(form: Mapping[str, Any] | None = None, refused: Refused | None = None):
    form = form or {}
    targets = form.getlist("targets") if hasattr(form, "getlist") else ["en"]
    return render_template(
        "desk/new_report.html",
        form=form,
        refused=refused,
        languages=_languages(),
        sections=COMMON_SECTIONS,
        common_targets=COMMON_TARGETS,
        chosen_targets=targets or [],
        rtl_languages=sorted(RTL_LANGUAGES),
    ), (refused.status if refused else 200)


@bp.route("/reports/new", methods=["GET", "POST"])
@roles_required(Role.REPORTER)
def new_report():
    """Show the form for a new original, and submit it (one adaptation per target language)."""
    if request.method == "GET":
        return _render_new_report()
    form = request.form
    targets = form.getlist("targets") + [
        t for t in form.get("other_targets", "").replace(",", " ").split() if t
    ]
    data = {
        "title": form.get("title", ""),
        "body": form.get("body", ""),
        "language": form.get("language", ""),
        "section": form.get("section", ""),
        "tags": form.get("tags", ""),
        "targets": targets,
    }
    try:
        article = submit_article(db.session, _person(), ArticleInput.parse(data, _limits()))
    except ServiceError as error:
        return _render_new_report(form, _recover(error))
    db.session.commit()
    languages = ", ".join(LANGUAGE_NAMES.get(a.language, a.language) for a in article.adaptations)
    flash(f"Report submitted. Machine drafts are on their way for: {languages}.", "success")
    return redirect(url_for("desk.report", article_id=article.id))


def _render_report(
    article: Article, *, refused: Refused | None = None, form: Mapping[str, Any] | None = None
):
    person = _person()
    shown = article.latest
    wanted = request.args.get("revision", "")
    if wanted.isdigit() and article.revision(int(wanted)) is not None:
        shown = article.revision(int(wanted))
    any_published = any(a.state == State.PUBLISHED.value for a in article.adaptations)
    return render_template(
        "desk/report.html",
        article=article,
        shown=shown,
        refused=refused,
        form=form or {"title": article.latest.title, "body": article.latest.body, "note": ""},
        can_revise=can_revise_article(person.actor, article.reporter_id, any_published),
        actions={a.id: _actions_for(a) for a in article.adaptations},
    ), (refused.status if refused else 200)


@bp.get("/reports/<int:article_id>")
@roles_required(Role.REPORTER)
def report(article_id: int):
    """One original: its current text, its revisions, its adaptations, and the revise form."""
    return _render_report(get_article(db.session, _person(), article_id))


@bp.post("/reports/<int:article_id>/revise")
@roles_required(Role.REPORTER)
def revise_report(article_id: int):
    """Add a revision of the original; drafts are redone and adaptors see what changed."""
    form = request.form
    data = {"title": form.get("title", ""), "body": form.get("body", "")}
    try:
        article = get_article(db.session, _person(), article_id)
        revision = revise_article(db.session, _person(), article, data, _limits(), note=form.get("note", ""))
    except ServiceError as error:
        refused = _recover(error)
        return _render_report(get_article(db.session, _person(), article_id), refused=refused, form=form)
    db.session.commit()
    flash(f"Revision {revision.number} saved. Adaptors working on it are told what changed.", "success")
    return redirect(url_for("desk.report", article_id=article_id))


# -------------------------------------------------------------------------------------------- adaptors


def _state_filter(allowed: list[State]) -> tuple[list[str], str]:
    """States from the `state` query argument ("" → the default set), and the value to show."""
    raw = request.args.get("state", "")
    if raw == "all":
        return [s.value for s in State], raw
    if raw in {s.value for s in State}:
        return [raw], raw
    return [s.value for s in allowed], ""


def _language_filter() -> str:
    raw = request.args.get("language", "").strip().lower()
    return raw if is_known_language(raw) else ""


def _render_adaptor_queue(refused: Refused | None = None):
    states, state = _state_filter(ADAPTOR_QUEUE_STATES)
    language = _language_filter()
    rows = queries.work_queue(db.session, states=states, language=language or None)
    order = {s.value: i for i, s in enumerate(ADAPTOR_QUEUE_STATES)}
    rows.sort(key=lambda a: order.get(a.state, len(order)))
    return render_template(
        "desk/queue.html",
        rows=rows,
        state=state,
        language=language,
        refused=refused,
        actions={a.id: _actions_for(a) for a in rows},
        languages=_languages(),
        state_choices=list(State),
    ), (refused.status if refused else 200)


@bp.get("/queue")
@roles_required(Role.ADAPTOR)
def adaptor_queue():
    """Adaptations waiting for an adaptor (and who holds the rest), filterable by state and language."""
    return _render_adaptor_queue()


def _render_my_adaptations(refused: Refused | None = None):
    rows = queries.work_queue(db.session, holder_id=_person().id)
    active = [a for a in rows if State(a.state) not in FINAL_STATES]
    done = [a for a in rows if State(a.state) in FINAL_STATES]
    return render_template(
        "desk/mine.html",
        active=active,
        done=done,
        refused=refused,
        actions={a.id: _actions_for(a) for a in rows},
    ), (refused.status if refused else 200)


@bp.get("/mine")
@roles_required(Role.ADAPTOR)
def my_adaptations():
    """The adaptations this adaptor holds, in progress and finished."""
    return _render_my_adaptations()


def _source_change(adaptation: Adaptation) -> dict | None:
    if not adaptation.source_changed:
        return None
    article = adaptation.article
    old, new = article.revision(adaptation.based_on_revision), article.latest
    if old is None:
        return None
    return {
        "old": old,
        "new": new,
        "title": word_diff(old.title, new.title),
        "body": word_diff(old.body, new.body),
    }


def _render_editor(
    adaptation: Adaptation,
    *,
    refused: Refused | None = None,
    typed: Mapping[str, Any] | None = None,
    stale: Mapping[str, Any] | None = None,
):
    person = _person()
    history = queries.history_for(db.session, adaptation)
    draft = adaptation.draft
    ready = latest_ready_draft(adaptation)
    taken_at = _last_taken_at(history)
    late_draft = bool(ready and taken_at and ready.finished_at and ready.finished_at > taken_at)
    form = {"title": adaptation.title, "body": adaptation.body, "version": adaptation.version}
    if typed is not None:
        form = {
            "title": typed.get("title", ""),
            "body": typed.get("body", ""),
            "version": stale["version"] if stale else typed.get("version", adaptation.version),
        }
    form["active_seconds"] = _kept_active_seconds(typed, refused)
    stale_diff = word_diff(stale["body"], normalize_body(form["body"])) if stale else None
    return render_template(
        "desk/editor.html",
        adaptation=adaptation,
        article=adaptation.article,
        draft=draft,
        ready=ready,
        form=form,
        refused=refused,
        stale=stale,
        stale_diff=stale_diff,
        editable=can_edit(person.actor, adaptation.subject),
        actions=_actions_for(adaptation),
        source_change=_source_change(adaptation),
        thread=[e for e in history if e.comment],
        late_draft=late_draft,
        rounds=adaptation.rounds,
        effort=effort_for(db.session, adaptation),
        glossary=source_terms(
            db.session,
            adaptation.article.language,
            adaptation.language,
            adaptation.article.latest.title,
            adaptation.article.latest.body,
        ),
        tm=draft_matches(db.session, adaptation, ready or draft),
        qa=findings_for(db.session, adaptation),
    ), (refused.status if refused else 200)


@bp.get("/adaptations/<int:adaptation_id>")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def edit_adaptation(adaptation_id: int):
    """The adaptation editor: the original, the machine draft by sentence, and the adaptation form."""
    return _render_editor(get_adaptation(db.session, _person(), adaptation_id))


@bp.post("/adaptations/<int:adaptation_id>/save")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def save(adaptation_id: int):
    """Save the adaptation's title and body, if nobody saved since the version the form was opened at."""
    form = request.form
    limits = _limits()
    try:
        title = parse_title(form, limits) if form.get("title", "").strip() else ""
        body = parse_body(form, limits, required=False)
        version = parse_version(form)
        active_seconds = parse_active_seconds(form.get("active_seconds"))
        adaptation = get_adaptation(db.session, _person(), adaptation_id, for_update=True)
        adaptation = save_adaptation(
            db.session, _person(), adaptation, title=title, body=body, version=version, limits=limits
        )
        if active_seconds:
            record_editing_time(db.session, _person(), adaptation, active_seconds)
    except ServiceError as error:
        refused = _recover(error)
        stale = error.details.get("current") if isinstance(error, StaleVersion) else None
        return _render_editor(
            get_adaptation(db.session, _person(), adaptation_id), refused=refused, typed=form, stale=stale
        )
    db.session.commit()
    flash(f"Saved (version {adaptation.version}).", "success")
    return redirect(url_for("desk.edit_adaptation", adaptation_id=adaptation_id))


@bp.post("/adaptations/<int:adaptation_id>/acknowledge")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def acknowledge_source(adaptation_id: int):
    """Mark the original's newer revision as taken into account."""
    try:
        adaptation = get_adaptation(db.session, _person(), adaptation_id, for_update=True)
        acknowledge_source_change(db.session, _person(), adaptation)
    except ServiceError as error:
        refused = _recover(error)
        return _render_editor(get_adaptation(db.session, _person(), adaptation_id), refused=refused)
    db.session.commit()
    flash(
        f"Noted: the adaptation now follows revision {adaptation.based_on_revision} of the original.",
        "success",
    )
    return redirect(url_for("desk.edit_adaptation", adaptation_id=adaptation_id))


# ------------------------------------------------------------------------------------------- editors


def _render_review_queue(refused: Refused | None = None):
    states, state = _state_filter([State.IN_REVIEW])
    language = _language_filter()
    rows = queries.work_queue(db.session, states=states, language=language or None)
    rows.sort(key=lambda a: (a.state != State.IN_REVIEW.value, a.state))
    return render_template(
        "desk/review_queue.html",
        rows=rows,
        state=state,
        language=language,
        refused=refused,
        languages=_languages(),
        state_choices=list(State),
    ), (refused.status if refused else 200)


@bp.get("/review")
@roles_required(Role.EDITOR)
def review_queue():
    """Adaptations waiting for review first; other states on request."""
    return _render_review_queue()


def _render_review(
    adaptation: Adaptation,
    *,
    refused: Refused | None = None,
    typed: Mapping[str, Any] | None = None,
    typed_action: str = "",
):
    history = queries.history_for(db.session, adaptation)
    ready = latest_ready_draft(adaptation)
    rounds = adaptation.rounds
    previous = rounds[-2] if len(rounds) >= 2 else None
    adaptors = [u for u in queries.users(db.session) if u.active and Role.ADAPTOR in u.roles]
    return render_template(
        "desk/review.html",
        adaptation=adaptation,
        article=adaptation.article,
        ready=ready,
        mt_diff={
            "title": word_diff(ready.title, adaptation.title),
            "body": word_diff(ready.body, adaptation.body),
        }
        if ready
        else None,
        previous=previous,
        round_diff={
            "title": word_diff(previous.title, adaptation.title),
            "body": word_diff(previous.body, adaptation.body),
        }
        if previous
        else None,
        thread=[e for e in history if e.comment],
        history=history,
        rounds=rounds,
        actions=_actions_for(adaptation),
        adaptors=adaptors,
        refused=refused,
        typed=typed or {},
        typed_action=typed_action,
        source_change=_source_change(adaptation),
        credits=queries.credits_for(db.session, adaptation),
        effort=effort_for(db.session, adaptation),
        qa=findings_for(db.session, adaptation),
    ), (refused.status if refused else 200)


@bp.get("/review/<int:adaptation_id>")
@roles_required(Role.EDITOR)
def review(adaptation_id: int):
    """The review page: the adaptation, what changed against the draft and the last round, decisions."""
    return _render_review(get_adaptation(db.session, _person(), adaptation_id))


@bp.post("/adaptations/<int:adaptation_id>/qa/override")
@roles_required(Role.EDITOR)
def override_qa(adaptation_id: int):
    """An editor lets one QA finding through, with a reason recorded in the history."""
    form = request.form
    try:
        adaptation = get_adaptation(db.session, _person(), adaptation_id, for_update=True)
        override_finding(
            db.session,
            _person(),
            adaptation,
            form.get("check", ""),
            form.get("key", ""),
            form.get("reason", ""),
        )
    except ServiceError as error:
        refused = _recover(error)
        return _render_review(
            get_adaptation(db.session, _person(), adaptation_id),
            refused=refused,
            typed=form,
            typed_action="qa-override",
        )
    db.session.commit()
    flash(
        "Overridden: the finding no longer blocks submission, and your reason is in the history.", "success"
    )
    return redirect(url_for("desk.review", adaptation_id=adaptation_id, _anchor="qa"))


# ------------------------------------------------------------------------------------ workflow actions


def _action_message(name: str, adaptation: Adaptation) -> str:
    if name == "approve":
        if adaptation.state == State.SCHEDULED.value:
            return f"Approved; it will be published at {adaptation.publish_at:%Y-%m-%d %H:%M} UTC."
        return "Approved and published."
    # Flash messages carry no names or titles: people's text needs its own lang and dir markup.
    return {
        "claim": "You hold this adaptation now; nobody else can edit it until you submit or release it.",
        "release": f"Released; it is back in the queue ({adaptation.state.replace('_', ' ')}).",
        "reassign": "Reassigned; the adaptor you chose holds it now.",
        "submit": f"Submitted for review (round {len(adaptation.rounds)}).",
        "request-changes": "Sent back to the adaptor with your comment.",
        "reject": "Rejected; the reason is recorded in its history.",
        "withdraw": "Withdrawn; it will not be published.",
    }.get(name, "Done.")


def _redirect_after(name: str, origin: str, adaptation: Adaptation) -> Response:
    if name == "claim":
        return redirect(url_for("desk.edit_adaptation", adaptation_id=adaptation.id))
    if origin == "report":
        return redirect(url_for("desk.report", article_id=adaptation.article_id))
    if name in ("request-changes", "approve", "reject"):
        return redirect(url_for("desk.review_queue"))
    if origin == "review":
        return redirect(url_for("desk.review", adaptation_id=adaptation.id))
    if name == "release":
        return redirect(url_for("desk.adaptor_queue"))
    if name == "submit" or origin == "mine":
        return redirect(url_for("desk.my_adaptations"))
    return redirect(url_for("desk.edit_adaptation", adaptation_id=adaptation.id))


def _render_origin(
    origin: str,
    adaptation_id: int,
    name: str,
    refused: Refused,
    form: Mapping[str, Any],
    stale: Mapping[str, Any] | None = None,
):
    """Re-render the page the action was taken on, with the refusal and the typed text."""
    if origin == "queue":
        return _render_adaptor_queue(refused)
    if origin == "mine":
        return _render_my_adaptations(refused)
    adaptation = get_adaptation(db.session, _person(), adaptation_id)
    if origin == "report":
        return _render_report(adaptation.article, refused=refused)
    if origin == "review":
        return _render_review(adaptation, refused=refused, typed=form, typed_action=name)
    typed = form if "body" in form else None
    return _render_editor(adaptation, refused=refused, typed=typed, stale=stale if typed else None)


@bp.post("/adaptations/<int:adaptation_id>/actions/<name>")
@roles_required(Role.REPORTER, Role.ADAPTOR, Role.EDITOR)
def act(adaptation_id: int, name: str):
    """Take one workflow action (claim, release, reassign, submit, request-changes, approve, reject…)."""
    form = request.form
    origin = form.get("origin") if form.get("origin") in ORIGINS else "edit"
    try:
        comment = parse_comment(form, _limits())
        publish_at = parse_datetime(form.get("publish_at"), "publish_at") if name == "approve" else None
        version = parse_version(form) if form.get("version") else None
        # The editor's submit and release buttons post its form: the time since the last save counts too.
        active_seconds = (
            parse_active_seconds(form.get("active_seconds")) if name in ("submit", "release") else 0
        )
        adaptation = get_adaptation(db.session, _person(), adaptation_id, for_update=True)
        if (
            name in ("submit", "release")
            and "body" in form
            and version == adaptation.version
            and not _same_text(form.get("title", ""), form["body"], adaptation)
        ):
            what = "submitting it for review" if name == "submit" else "releasing it"
            raise ServiceError(
                f"You have unsaved changes. Save them (or undo them) before {what}; "
                "your text is still in the form below.",
                code="unsaved",
                status=409,
            )
        if active_seconds:
            record_editing_time(db.session, _person(), adaptation, active_seconds)
        perform_action(
            db.session,
            _person(),
            adaptation,
            name,
            comment=comment,
            assignee=form.get("assignee"),
            publish_at=publish_at,
            version=version,
        )
    except ServiceError as error:
        refused = _recover(error)
        stale = error.details.get("current") if isinstance(error, StaleVersion) else None
        return _render_origin(origin, adaptation_id, name, refused, form, stale)
    db.session.commit()
    flash(_action_message(name, adaptation), "success")
    return _redirect_after(name, origin, adaptation)


@bp.context_processor
def desk_helpers() -> dict[str, Any]:
    """Names the desk pages share: the draft states in which a translation is still coming."""
    return {"DRAFT_ACTIVE": DRAFT_ACTIVE}
