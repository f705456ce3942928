"""Filters and globals every template may use (any blueprint's pages share them)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_babel import gettext, lazy_gettext
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..domain.diff import Chunk
from ..domain.languages import language_name, text_direction
from ..domain.states import State
from ..domain.text import paragraphs, reading_minutes
from ..extensions import db
from ..models import DraftState, utcnow
from ..services.notifications import unread_count
from .access import current_person
from .i18n import interface_language

#: Draft states in which a machine translation is still coming.
DRAFT_ACTIVE = (DraftState.QUEUED.value, DraftState.TRANSLATING.value)


def age(value: datetime | None, now: datetime | None = None) -> str:
    """How long ago a time was, as a newsroom says it, in the interface language: "just now", "5 min", "3 h",
    "2 d"."""
    if value is None:
        return ""
    seconds = max(0, int(((now or utcnow()) - value).total_seconds()))
    if seconds < 60:
        return gettext("just now")
    if seconds < 3600:
        return gettext("%(count)s min", count=seconds // 60)
    if seconds < 86400:
        return gettext("%(count)s h", count=seconds // 3600)
    return gettext("%(count)s d", count=seconds // 86400)


#: Each state as words, in the interface language.
STATE_LABELS = {
    State.QUEUED.value: lazy_gettext("queued"),
    State.TRANSLATING.value: lazy_gettext("translating"),
    State.DRAFT_READY.value: lazy_gettext("draft ready"),
    State.MT_FAILED.value: lazy_gettext("mt failed"),
    State.IN_ADAPTATION.value: lazy_gettext("in adaptation"),
    State.IN_REVIEW.value: lazy_gettext("in review"),
    State.CHANGES_REQUESTED.value: lazy_gettext("changes requested"),
    State.SCHEDULED.value: lazy_gettext("scheduled"),
    State.PUBLISHED.value: lazy_gettext("published"),
    State.REJECTED.value: lazy_gettext("rejected"),
    State.WITHDRAWN.value: lazy_gettext("withdrawn"),
    State.CORRECTING.value: lazy_gettext("correcting"),
    State.UNPUBLISHED.value: lazy_gettext("unpublished"),
}


def _word(labels: dict, value: str | None) -> str:
    """A code's word from `labels` in the interface language; a code it lacks as words (`in_review` → "in
    review")."""
    label = labels.get(value or "")
    return str(label) if label is not None else (value or "").replace("_", " ")


#: Each priority as a word, in the interface language.
PRIORITY_LABELS = {
    "urgent": lazy_gettext("urgent"),
    "high": lazy_gettext("high"),
    "normal": lazy_gettext("normal"),
    "low": lazy_gettext("low"),
}


def priority_label(value: str) -> str:
    """A priority as a word in the interface language: `urgent` → "urgent" (« عاجل »)."""
    return _word(PRIORITY_LABELS, value)


#: Each role as a word, in the interface language.
ROLE_LABELS = {
    "reporter": lazy_gettext("reporter"),
    "adaptor": lazy_gettext("adaptor"),
    "editor": lazy_gettext("editor"),
    "admin": lazy_gettext("admin"),
}


def role_label(value: str) -> str:
    """A role as a word in the interface language: `editor` → "editor" (« محرر »)."""
    return _word(ROLE_LABELS, value)


#: Each audit log action as words, in the interface language.
AUDIT_LABELS = {
    "user_created": lazy_gettext("user created"),
    "user_disabled": lazy_gettext("user disabled"),
    "user_enabled": lazy_gettext("user enabled"),
    "roles_changed": lazy_gettext("roles changed"),
    "password_reset": lazy_gettext("password reset"),
    "password_changed": lazy_gettext("password changed"),
    "token_revoked": lazy_gettext("token revoked"),
    "sessions_ended": lazy_gettext("sessions ended"),
    "token_issued": lazy_gettext("token issued"),
    "model_imported": lazy_gettext("model imported"),
    "model_installed": lazy_gettext("model installed"),
    "drafts_retried": lazy_gettext("drafts retried"),
    "webhook_added": lazy_gettext("webhook added"),
    "webhook_removed": lazy_gettext("webhook removed"),
    "memory_imported": lazy_gettext("memory imported"),
    "glossary_imported": lazy_gettext("glossary imported"),
    "settings_changed": lazy_gettext("settings changed"),
}


def audit_label(value: str) -> str:
    """An audit log action as words in the interface language: `roles_changed` → "roles changed"."""
    return _word(AUDIT_LABELS, value)


def state_label(value: str) -> str:
    """A state as words in the interface language: `in_review` → "in review"."""
    return _word(STATE_LABELS, value)


def state_labels() -> dict[str, str]:
    """Every state's words in the interface language, for desk.js to relabel the badges it updates."""
    return {value: str(label) for value, label in STATE_LABELS.items()}


def draft_progress_words() -> Markup:
    """The words desk.js writes into a running draft's progress, as JSON: made once per request and language
    (a queue page shows fifty running drafts; each one translating them again was a third of the page's time)."""
    key = f"draft_progress_words_{interface_language()}"
    if key not in g:
        words = {
            "queued": gettext("waiting for a translator"),
            "translating": gettext("translating"),
            "translating_n": gettext(
                "translating %(done)s of %(total)s sentences", done="{done}", total="{total}"
            ),
            "ready": gettext("ready"),
            "failed": gettext("failed"),
            "label": gettext("Machine draft: %(state)s", state="{state}"),
            "states": state_labels(),
        }
        setattr(g, key, htmlsafe_json_dumps(words))  # as the tojson filter writes it
    return g.get(key)


#: The element each kind of diff chunk is written in.
_DIFF_TAGS = {"insert": "ins", "delete": "del"}


@functools.lru_cache(maxsize=128)
def diff_html(chunks: Sequence[Chunk], code: str | None) -> Markup:
    """A word diff as the review pages show it — `<ins>` for words only in the new text, `<del>` for words only
    in the old, `<span>` for the rest, each marked with the text's language — or empty when nothing changed.
    Written in one pass and kept per process for the same chunks (a long article's diff has thousands of chunks,
    and the review page shows it at every visit)."""
    if all(c.op == "equal" for c in chunks):
        return Markup("")
    attrs = (
        Markup('lang="%s" dir="%s"') % (code, text_direction(code)) if code else Markup('lang="" dir="auto"')
    )
    parts = [f'<div class="diff" {attrs}>']
    for chunk in chunks:
        tag = _DIFF_TAGS.get(chunk.op, "span")
        parts.append(f"<{tag} {attrs}>{escape(chunk.text)}</{tag}>")
    parts.append("</div>")
    return Markup("".join(parts))


def absolute_url(endpoint: str, **values) -> str:
    """The address readers reach a page at: ADAPTDESK_PUBLIC_URL and the page's path. Never built from the
    request's Host header, which the client chooses (feeds, JSON-LD and canonical links would follow it)."""
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root) :]  # the public address already names where the app is mounted
    return current_app.config["ADAPTDESK"].public_url + path


def unread_notifications() -> int:
    """The signed-in person's unread notifications, for the navigation (0 when nobody is signed in)."""
    person = current_person()
    return unread_count(db.session, person) if person else 0


def register_template_helpers(app: Flask) -> None:
    """Make the filters and globals available to every template."""
    app.jinja_env.globals.update(
        language_name=language_name,
        text_direction=text_direction,
        State=State,
        DRAFT_ACTIVE=DRAFT_ACTIVE,
        current_person=current_person,
        unread_notifications=unread_notifications,
        state_labels=state_labels,
        draft_progress_words=draft_progress_words,
        absolute_url=absolute_url,
    )
    app.jinja_env.filters.update(
        paragraphs=paragraphs,
        reading_minutes=reading_minutes,
        dir=text_direction,
        language_name=language_name,
        state_label=state_label,
        priority_label=priority_label,
        role_label=role_label,
        audit_label=audit_label,
        age=age,
        diff_html=lambda chunks, code: diff_html(tuple(chunks), code),
    )
