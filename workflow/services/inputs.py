"""Parsing and checking what people send, field by field, with messages that say what to fix."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from ..domain.actions import ACTIONS, Action, Change
from ..domain.languages import is_known_language, language_name
from ..domain.messages import N_
from ..domain.priority import DEFAULT_PRIORITY, Priority
from ..domain.text import has_bidi_controls, normalize_body, strip_bidi_embeddings
from .errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Limits:
    """Size limits for what people submit."""

    max_title_chars: int = 300
    max_body_chars: int = 100_000
    max_tags: int = 20
    max_tag_chars: int = 64
    max_section_chars: int = 80
    max_comment_chars: int = 10_000
    max_targets: int = 10

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """The limits configured in the app's settings."""
        return cls(
            max_title_chars=settings.max_title_chars,
            max_body_chars=settings.max_body_chars,
            max_tags=settings.max_tags,
        )


def parse_text(
    data: Mapping[str, Any], field: str, *, required: bool = True, default: str | None = ""
) -> str | None:
    """A text field: 400 naming it when missing (if required), not text, or holding lone surrogates."""
    value = data.get(field, None)
    if value is None:
        if required:
            raise InvalidInput(field, N_("The field '%(field)s' is required.", field=field))
        return default
    if not isinstance(value, str):
        raise InvalidInput(
            field,
            N_("The field '%(field)s' must be text, not %(name)s.", field=field, name=type(value).__name__),
        )
    if any(unicodedata.category(ch) == "Cs" for ch in value):
        raise InvalidInput(
            field, N_("The field '%(field)s' holds invalid characters (lone surrogates).", field=field)
        )
    return value


def _no_controls(field: str, value: str, *, allow_newlines: bool) -> None:
    for ch in value:
        if ch in "\n\r\t" and allow_newlines:
            continue
        if unicodedata.category(ch) == "Cc":
            raise InvalidInput(
                field,
                N_(
                    "The field '%(field)s' holds a control character (U+%(code)s).",
                    field=field,
                    code=format(ord(ch), "04X"),
                ),
            )


def parse_title(data: Mapping[str, Any], limits: Limits, field: str = "title") -> str:
    """A one-line title of bounded length without hidden direction controls."""
    title = " ".join(parse_text(data, field).split())
    if not title:
        raise InvalidInput(field, N_("The title must not be empty."))
    if len(title) > limits.max_title_chars:
        raise InvalidInput(
            field,
            N_(
                "The title is %(count)s characters; the limit is %(max_title_chars)s.",
                count=len(title),
                max_title_chars=limits.max_title_chars,
            ),
        )
    _no_controls(field, title, allow_newlines=False)
    if has_bidi_controls(title):
        raise InvalidInput(
            field, N_("The title holds invisible text-direction control characters; remove them.")
        )
    return title


def parse_body(data: Mapping[str, Any], limits: Limits, field: str = "body", required: bool = True) -> str:
    """A body with paragraphs kept and a bounded length; bidi embedding and override controls are dropped."""
    body = normalize_body(strip_bidi_embeddings(parse_text(data, field, required=required)))
    if required and not body:
        raise InvalidInput(field, N_("The body must not be empty."))
    if len(body) > limits.max_body_chars:
        raise InvalidInput(
            field,
            N_(
                "The body is %(count)s characters; the limit is %(max_body_chars)s.",
                count=len(body),
                max_body_chars=limits.max_body_chars,
            ),
        )
    _no_controls(field, body, allow_newlines=True)
    return body


def parse_language(value: Any, field: str) -> str:
    """An ISO 639-1 code, lower-cased."""
    if not isinstance(value, str) or not is_known_language(value.strip().lower()):
        raise InvalidInput(
            field,
            N_("%(value)s is not an ISO 639-1 language code (e.g. 'ar', 'en', 'fr').", value=repr(value)),
        )
    return value.strip().lower()


def parse_tags(data: Mapping[str, Any], limits: Limits) -> list[str]:
    """Tags from a list or a comma-separated string; duplicates dropped, order kept."""
    raw = data.get("tags") or []
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise InvalidInput("tags", N_("Tags must be a list of words or a comma-separated text."))
    tags: list[str] = []
    for tag in (" ".join(t.split()) for t in raw):
        if not tag or tag in tags:
            continue
        if len(tag) > limits.max_tag_chars or has_bidi_controls(tag):
            raise InvalidInput(
                "tags", N_("The tag %(tag)s… is too long or holds control characters.", tag=repr(tag[:20]))
            )
        _no_controls("tags", tag, allow_newlines=False)
        tags.append(tag)
    if len(tags) > limits.max_tags:
        raise InvalidInput(
            "tags",
            N_("%(count)s tags given; the limit is %(max_tags)s.", count=len(tags), max_tags=limits.max_tags),
        )
    return tags


def parse_priority(value: Any, field: str = "priority") -> Priority | None:
    """A priority (urgent, high, normal, low), None when not sent; 400 naming the field otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().lower() in {p.value for p in Priority}:
        return Priority(value.strip().lower())
    raise InvalidInput(
        field,
        N_(
            "'%(field)s' must be one of %(choices)s (not %(value)s).",
            field=field,
            choices=", ".join(Priority),
            value=repr(value),
        ),
    )


@dataclass(frozen=True)
class Timing:
    """How urgent one adaptation is and when it is due, as sent with a submission."""

    priority: Priority = DEFAULT_PRIORITY
    deadline: datetime | None = None


def _parse_target(value: Any, default: Timing) -> tuple[str, Timing]:
    """A target language as a code, or as {language, priority, deadline} (what is not sent comes from `default`)."""
    if not isinstance(value, Mapping):
        return parse_language(value, "targets"), default
    code = parse_language(value.get("language"), "targets")
    priority = parse_priority(value.get("priority"), "targets.priority") or default.priority
    deadline = (
        parse_datetime(value["deadline"], "targets.deadline") if "deadline" in value else default.deadline
    )
    return code, Timing(priority, deadline)


@dataclass(frozen=True)
class ArticleInput:
    """A checked original as a reporter submits it."""

    title: str
    body: str
    language: str
    section: str
    tags: list[str]
    targets: list[str]
    #: By target language: its priority and deadline (every target has one).
    timings: Mapping[str, Timing] = field(default_factory=dict)

    def timing(self, code: str) -> Timing:
        """The priority and deadline asked for the adaptation into `code`."""
        return self.timings.get(code, Timing())

    @classmethod
    def parse(cls, data: Mapping[str, Any], limits: Limits, naive_zone: tzinfo = UTC) -> ArticleInput:
        """Check every field of a submission (a deadline without an offset is in `naive_zone`); the first
        problem found is raised."""
        if not isinstance(data, Mapping):
            raise InvalidInput(
                "body", N_("Send a JSON object with title, body, language, section, tags, targets.")
            )
        title = parse_title(data, limits)
        body = parse_body(data, limits)
        language = parse_language(data.get("language"), "language")
        section = " ".join(parse_text(data, "section", required=False, default="News").split()) or "News"
        if len(section) > limits.max_section_chars or has_bidi_controls(section):
            raise InvalidInput(
                "section",
                N_(
                    "The section name is limited to %(max_section_chars)s characters.",
                    max_section_chars=limits.max_section_chars,
                ),
            )
        _no_controls("section", section, allow_newlines=False)
        tags = parse_tags(data, limits)
        raw_targets = data.get("targets")
        if raw_targets is None or raw_targets == "" or raw_targets == []:
            raw_targets = ["en"]
        if isinstance(raw_targets, str):
            raw_targets = [t for t in raw_targets.replace(" ", ",").split(",") if t]
        if not isinstance(raw_targets, list):
            raise InvalidInput("targets", N_('Targets must be a list of language codes, e.g. ["en"].'))
        for_all = Timing(
            parse_priority(data.get("priority")) or DEFAULT_PRIORITY,
            parse_datetime(data.get("deadline"), "deadline", naive_zone),
        )
        targets: list[str] = []
        timings: dict[str, Timing] = {}
        for value in raw_targets:
            code, timing = _parse_target(value, for_all)
            timings.setdefault(code, timing)
            if code == language:
                raise InvalidInput(
                    "targets",
                    N_(
                        "The original is already in %(language_name)s; pick another target.",
                        language_name=language_name(code),
                    ),
                )
            if code not in targets:
                targets.append(code)
        if len(targets) > limits.max_targets:
            raise InvalidInput(
                "targets", N_("At most %(max_targets)s target languages.", max_targets=limits.max_targets)
            )
        return cls(title, body, language, section, tags, targets, timings)


def parse_comment(data: Mapping[str, Any], limits: Limits) -> str:
    """An optional comment, trimmed, of bounded length; bidi embedding and override controls are dropped."""
    comment = strip_bidi_embeddings(parse_text(data, "comment", required=False)).strip()
    if len(comment) > limits.max_comment_chars:
        raise InvalidInput(
            "comment",
            N_(
                "The comment is limited to %(max_comment_chars)s characters.",
                max_comment_chars=limits.max_comment_chars,
            ),
        )
    _no_controls("comment", comment, allow_newlines=True)
    return comment


def parse_version(data: Mapping[str, Any]) -> int:
    """The version a save or decision was based on."""
    value = data.get("version")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput(
            "version", N_("Send the 'version' you started from (a whole number from the last read).")
        )
    return value


#: Times people may send: a newsroom's records start after 1900 and plan no further than 2100.
FIRST_DATETIME = datetime(1900, 1, 1, tzinfo=UTC)
END_DATETIME = datetime(2101, 1, 1, tzinfo=UTC)


def parse_datetime(value: Any, field: str, naive_zone: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 time from 1900 to 2100, in UTC; naive times are taken in `naive_zone` (UTC for the API, the
    newsroom's zone for the pages' date-time fields). 400 naming the field for anything else (including times
    whose offset would carry them past year 1 or 9999)."""
    if value in (None, ""):
        return None
    example = N_("'%(field)s' must be an ISO 8601 date and time, e.g. 2026-12-01T09:00:00Z.", field=field)
    if not isinstance(value, str):
        raise InvalidInput(field, example)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=naive_zone)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidInput(field, example) from None
    if not FIRST_DATETIME <= parsed < END_DATETIME:
        raise InvalidInput(
            field,
            N_(
                "'%(field)s' must be an ISO 8601 date and time, e.g. 2026-12-01T09:00:00Z, between the years "
                "1900 and 2100.",
                field=field,
            ),
        )
    return parsed


def parse_action(name: str) -> Action:
    """The workflow action of that name; 404 naming the actions there are otherwise."""
    action = ACTIONS.get(name)
    if action is None:
        raise NotFound(
            N_(
                "Unknown action %(name)s. Actions are: %(choices)s.",
                name=repr(name),
                choices=", ".join(ACTIONS),
            )
        )
    return action


@dataclass(frozen=True)
class ActionRequest:
    """A checked request to take a workflow action, from a page's form or an API body."""

    action: Action
    comment: str = ""
    assignee: str | None = None
    publish_at: datetime | None = None
    #: The version the request was decided on (required where the action says so); None when not named.
    version: int | None = None
    #: approve, on a published story: the public note saying what was corrected.
    correction_note: str = ""
    #: acknowledge-source: the revision of the original that was read (None when not named).
    revision: int | None = None
    #: prioritize: the new priority (None: unchanged).
    priority: Priority | None = None
    #: prioritize: the new deadline (None with `deadline_sent`: no deadline any more).
    deadline: datetime | None = None
    #: prioritize: whether a deadline (or its removal) was sent; without it the deadline stays as it is.
    deadline_sent: bool = False

    @classmethod
    def parse(
        cls, action: Action, data: Mapping[str, Any], limits: Limits, naive_zone: tzinfo = UTC
    ) -> ActionRequest:
        """Check what came with the action (a time without an offset is in `naive_zone`); the first problem
        found is raised."""
        if action.comment_field == "comment":
            comment = parse_comment(data, limits)
        else:  # the same rules for a reason or a note sent under its own name
            comment = _parse_note(data, action.comment_field, limits)
        assignee = parse_text(data, "assignee", required=False, default=None)
        publish_at = parse_datetime(data.get("publish_at"), "publish_at", naive_zone)
        named = data.get("version") not in (None, "")
        version = parse_version(data) if action.names_version or named else None
        correction_note = _parse_note(data, "correction_note", limits) if action.needs_correction_note else ""
        revision = _parse_revision(data.get("revision")) if action.needs_changed_source else None
        priority, deadline, deadline_sent = None, None, False
        if Change.SET_PRIORITY in action.changes:
            priority = parse_priority(data.get("priority"))
            deadline_sent = "deadline" in data
            deadline = parse_datetime(data.get("deadline"), "deadline", naive_zone)
            if priority is None and not deadline_sent:
                raise InvalidInput(
                    "priority",
                    N_(
                        "Send a 'priority' (%(choices)s), a 'deadline', or both.", choices=", ".join(Priority)
                    ),
                )
        return cls(
            action,
            comment,
            assignee,
            publish_at,
            version,
            correction_note,
            revision,
            priority,
            deadline,
            deadline_sent,
        )


def _parse_revision(value: Any) -> int | None:
    """The revision of the original a person read (None when not named)."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInput("revision", N_("Send the 'revision' of the original you read (a whole number)."))
    return value


def _parse_note(data: Mapping[str, Any], field: str, limits: Limits) -> str:
    """An optional note sent as `field`: trimmed, of bounded length, plain text."""
    note = parse_text(data, field, required=False).strip()
    if len(note) > limits.max_comment_chars:
        name = field.replace("_", " ")
        raise InvalidInput(
            field,
            N_(
                "The %(name)s is limited to %(max_comment_chars)s characters.",
                name=name,
                max_comment_chars=limits.max_comment_chars,
            ),
        )
    _no_controls(field, note, allow_newlines=True)
    return note
