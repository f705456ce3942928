"""What the newsroom pages share about what people send: list filters, input limits (the API's too), and
the one way a refused form comes back.

A refusal the person can act on (400, 403, 409) re-renders the page they came from with the message in
words and everything they typed kept; only a missing thing (404) leaves the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, request

from ..domain.languages import is_known_language
from ..domain.states import State
from ..extensions import db
from ..services.errors import ServiceError
from ..services.inputs import Limits
from .i18n import translate


@dataclass(frozen=True)
class Refused:
    """A refusal shown on a page: the words, the field it concerns (if any), and the HTTP status."""

    message: str
    status: int
    field: str | None = None


def refusal(error: ServiceError) -> Refused:
    """Undo the failed work and turn the error into words for the page; a missing thing stays a 404."""
    db.session.rollback()
    if error.status == 404:
        raise error
    return Refused(translate(error.message), error.status, error.details.get("field"))


def render_page(template: str, *, refused: Refused | None = None, **context: Any) -> tuple[str, int]:
    """The page, with the refusal shown (and its status) when there is one."""
    return render_template(template, refused=refused, **context), (refused.status if refused else 200)


def input_limits() -> Limits:
    """Size limits for what people send, from the app's settings."""
    return Limits.from_settings(current_app.config["ADAPTDESK"])


def language_arg(name: str = "language") -> str:
    """A language filter from the query string; an unknown code is ignored ("")."""
    value = request.args.get(name, "").strip().lower()
    return value if is_known_language(value) else ""


def state_filter(default: list[State]) -> tuple[list[str], str]:
    """States from the `state` query argument ("" → `default`, "all" → every state), and the value to show."""
    raw = request.args.get("state", "")
    if raw == "all":
        return [s.value for s in State], raw
    if raw in {s.value for s in State}:
        return [raw], raw
    return [s.value for s in default], ""
