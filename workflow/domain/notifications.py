"""What people are told, and who: the events that concern each person, derived from the history the services
record (and from deadlines drawing near). Plain Python: the services find the people and store the rows."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from .states import State


class Event(StrEnum):
    """Something that happened to an adaptation that someone should hear about."""

    DRAFT_READY = "draft_ready"  #: a machine draft is ready to claim (adaptors of the language pair)
    DRAFT_FAILED = "draft_failed"  #: no machine draft could be made (adaptors of the language pair)
    CLAIMED = "claimed"  #: an adaptor took it (the reporter)
    CHANGES_REQUESTED = "changes_requested"  #: an editor sent it back (the reporter and the adaptor)
    APPROVED = "approved"  #: approved and scheduled (the reporter and the adaptor)
    PUBLISHED = "published"  #: on the public site (the reporter and the adaptor)
    CORRECTED = "corrected"  #: a correction went out (the reporter and the adaptor)
    SUBMITTED = "submitted"  #: waiting for review (editors)
    SOURCE_CHANGED = "source_changed"  #: the original was revised after the draft was made (editors)
    REASSIGNED = "reassigned"  #: it was handed to you (the new holder)
    DEADLINE_SOON = "deadline_soon"  #: due within the hour (the holder, or the adaptors of the pair)


class Audience(StrEnum):
    """Who an event concerns (the person who caused it is never told)."""

    PAIR_ADAPTORS = (
        "pair_adaptors"  #: active adaptors of the language pair (or of every pair, if they set none)
    )
    REPORTER_AND_ADAPTOR = (
        "reporter_and_adaptor"  #: the original's reporter, the holder and credited adaptors
    )
    EDITORS = "editors"  #: every active editor
    HOLDER = "holder"  #: whoever holds it now
    HOLDER_OR_PAIR_ADAPTORS = "holder_or_pair_adaptors"  #: the holder; nobody holds it: the pair's adaptors


AUDIENCE: Mapping[Event, Audience] = {
    Event.DRAFT_READY: Audience.PAIR_ADAPTORS,
    Event.DRAFT_FAILED: Audience.PAIR_ADAPTORS,
    Event.CLAIMED: Audience.REPORTER_AND_ADAPTOR,
    Event.CHANGES_REQUESTED: Audience.REPORTER_AND_ADAPTOR,
    Event.APPROVED: Audience.REPORTER_AND_ADAPTOR,
    Event.PUBLISHED: Audience.REPORTER_AND_ADAPTOR,
    Event.CORRECTED: Audience.REPORTER_AND_ADAPTOR,
    Event.SUBMITTED: Audience.EDITORS,
    Event.SOURCE_CHANGED: Audience.EDITORS,
    Event.REASSIGNED: Audience.HOLDER,
    Event.DEADLINE_SOON: Audience.HOLDER_OR_PAIR_ADAPTORS,
}

#: What each event says, with {pair} ("Arabic → English") and {round} filled in; the title is shown beside it.
MESSAGES: Mapping[Event, str] = {
    Event.DRAFT_READY: "Machine draft ready to adapt ({pair}).",
    Event.DRAFT_FAILED: "No machine draft could be made ({pair}); it can be adapted from the original.",
    Event.CLAIMED: "An adaptor took the adaptation ({pair}).",
    Event.CHANGES_REQUESTED: "An editor asked for changes ({pair}).",
    Event.APPROVED: "Approved and scheduled for publication ({pair}).",
    Event.PUBLISHED: "Published ({pair}).",
    Event.CORRECTED: "A correction was published ({pair}).",
    Event.SUBMITTED: "Submitted for review, round {round} ({pair}).",
    Event.SOURCE_CHANGED: "The original was revised after the adaptation started ({pair}).",
    Event.REASSIGNED: "Handed to you: you hold the adaptation now ({pair}).",
    Event.DEADLINE_SOON: "Due within the hour ({pair}).",
}


def event_for(action: str, to_state: str | None, details: Mapping[str, Any]) -> Event | None:
    """The event a history entry announces, if it announces one."""
    match action:
        case "draft-ready":
            return Event.DRAFT_READY
        case "draft-failed":
            return Event.DRAFT_FAILED
        case "claim":
            return Event.CLAIMED
        case "request-changes":
            return Event.CHANGES_REQUESTED
        case "submit":
            return Event.SUBMITTED
        case "source-revised":
            return Event.SOURCE_CHANGED
        case "reassign" | "correct":
            return Event.REASSIGNED
        case "approve" if to_state == State.SCHEDULED.value:
            return Event.APPROVED
        case "approve" | "publish" if to_state == State.PUBLISHED.value:
            return Event.CORRECTED if (details.get("version") or 1) > 1 else Event.PUBLISHED
    return None


def message_for(event: Event, details: Mapping[str, Any]) -> str:
    """The sentence a notification shows."""
    return MESSAGES[event].format(pair=details.get("pair", ""), round=details.get("round", ""))


def parse_language_pairs(text: str) -> list[tuple[str, str]] | None:
    """Language pairs written as "ar-en, fr-en" (or ar>en, ar→en); None when one is not two ISO codes."""
    pairs: list[tuple[str, str]] = []
    for item in text.replace(",", " ").split():
        for sep in ("-", ">", "→"):
            if sep in item:
                source, _, target = item.partition(sep)
                break
        else:
            return None
        source, target = source.strip().lower(), target.strip().lower()
        if (
            not (len(source) == len(target) == 2 and source.isalpha() and target.isalpha())
            or source == target
        ):
            return None
        if (source, target) not in pairs:
            pairs.append((source, target))
    return pairs
