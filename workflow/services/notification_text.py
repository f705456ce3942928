"""What notifications say to people, in their interface language (Flask-Babel: the page's language in a
request, or the one `flask_babel.force_locale` sets, as the mail does in a worker). The domain's MESSAGES are
the English the API returns."""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale, lazy_gettext

from ..domain.languages import language_name
from ..domain.notifications import Event
from ..models import Notification

#: What each event says on the pages and in the mail, in the interface language; %(pair)s is the language pair
#: ("Arabic → English", "العربية → الإنجليزية"), %(round)s the review round.
SENTENCES = {
    Event.DRAFT_READY: lazy_gettext("Machine draft ready to adapt (%(pair)s)."),
    Event.DRAFT_FAILED: lazy_gettext(
        "No machine draft could be made (%(pair)s); it can be adapted from the original."
    ),
    Event.CLAIMED: lazy_gettext("An adaptor took the adaptation (%(pair)s)."),
    Event.CHANGES_REQUESTED: lazy_gettext("An editor asked for changes (%(pair)s)."),
    Event.APPROVED: lazy_gettext("Approved and scheduled for publication (%(pair)s)."),
    Event.PUBLISHED: lazy_gettext("Published (%(pair)s)."),
    Event.CORRECTED: lazy_gettext("A correction was published (%(pair)s)."),
    Event.SUBMITTED: lazy_gettext("Submitted for review, round %(round)s (%(pair)s)."),
    Event.SOURCE_CHANGED: lazy_gettext("The original was revised after the adaptation started (%(pair)s)."),
    Event.REASSIGNED: lazy_gettext("Handed to you: you hold the adaptation now (%(pair)s)."),
    Event.DEADLINE_SOON: lazy_gettext("Due within the hour (%(pair)s)."),
}

#: Each event named in a few words, for the mail settings ("Mail me when …").
EVENT_LABELS = {
    Event.DRAFT_READY: lazy_gettext("Machine draft ready to adapt"),
    Event.DRAFT_FAILED: lazy_gettext("No machine draft could be made"),
    Event.CLAIMED: lazy_gettext("An adaptor took the adaptation"),
    Event.CHANGES_REQUESTED: lazy_gettext("An editor asked for changes"),
    Event.APPROVED: lazy_gettext("Approved and scheduled for publication"),
    Event.PUBLISHED: lazy_gettext("Published"),
    Event.CORRECTED: lazy_gettext("A correction was published"),
    Event.SUBMITTED: lazy_gettext("Submitted for review"),
    Event.SOURCE_CHANGED: lazy_gettext("The original was revised after the adaptation started"),
    Event.REASSIGNED: lazy_gettext("Handed to you: you hold the adaptation now"),
    Event.DEADLINE_SOON: lazy_gettext("Due within the hour"),
}


def localized_language_name(code: str) -> str:
    """A language's name in the current interface language; the English name when Babel has none."""
    locale = get_locale()
    name = locale.languages.get(code) if isinstance(locale, Locale) else None
    return name or language_name(code)


def pair_label(notification: Notification) -> str:
    """The notification's language pair in the interface language ("Arabic → English"), or as stored."""
    adaptation = notification.adaptation
    if adaptation is None:
        return (notification.details or {}).get("pair", "")
    source, target = adaptation.article.language, adaptation.language
    return f"{localized_language_name(source)} → {localized_language_name(target)}"


def sentence_for(notification: Notification, *, localized_pair: bool = False) -> str:
    """The sentence a notification shows, in the interface language (the pair named in it too, when
    `localized_pair`; as stored otherwise)."""
    details = notification.details or {}
    pair = pair_label(notification) if localized_pair else details.get("pair", "")
    return SENTENCES[Event(notification.event)] % {"pair": pair, "round": details.get("round", "")}
