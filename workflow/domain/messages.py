"""Words for people, marked for the interface's catalog but not translated here (the domain and the services
know no request and no reader). The web edge translates them into the reader's language.

`N_("Only %(role)s may do this.", role=...)` is a `Message`: a plain `str` (its English text, so logs, tests and
code that only read it need nothing else) that also remembers its catalog id and its values. pybabel extracts
every `N_("...")` (babel.cfg, `-k N_`); tests/unit/test_catalogs.py checks they are all translated.

Values that are themselves words for people (a state, an action's name, a list of roles) are `Message`s or
`Listing`s too and are translated with the sentence; any other value (a name, a title, a number) is data and
is shown as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class Message(str):
    """A sentence for people: its English text, with the catalog id (`msgid`) and the `params` it was filled
    in with kept for translation."""

    msgid: str
    params: Mapping[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Message:
        text = (
            msgid % {k: (str(v) if isinstance(v, str) else v) for k, v in params.items()} if params else msgid
        )
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self):  # pickles (Celery, caches) keep it a Message
        return (_rebuild, (self.msgid, dict(self.params)))


def _rebuild(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


def N_(msgid: str, /, **params: Any) -> Message:
    """Mark a sentence for the catalog, with the values its %(name)s placeholders are filled in with."""
    return Message(msgid, **params)


class Listing(str):
    """Several words for people as one list ("editors or adaptors"; "claim, release"), written the way the
    reader's language lists things. `style` is "or" or "and" (a plain comma list in English)."""

    items: tuple[str, ...]
    style: str

    def __new__(cls, items: Iterable[str], style: str = "and") -> Listing:
        items = tuple(items)
        last = " or " if style == "or" else ", "
        text = last.join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)
        self = super().__new__(cls, text)
        self.items = items
        self.style = style
        return self

    def __reduce__(self):
        return (Listing, (self.items, self.style))
