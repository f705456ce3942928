"""Term bases in and out of other tools, as pure functions: TBX-Basic (TBX v3 written; v2 `martif` and v3
read) and CSV.

A term's renderings map onto TBX's administrative status: the preferred rendering is `preferredTerm-admn-sts`,
other accepted ones `admittedTerm-admn-sts`, forbidden ones `deprecatedTerm-admn-sts` (`supersededTerm-admn-sts`
is read as forbidden too). A target term without a status counts as preferred if it comes first, else as
accepted. In CSV the lists are one cell each, renderings separated by ` | `.

TBX is read through defusedxml (entities refused, as for TMX). CSV cells that a spreadsheet would run as a
formula (starting with = + - @) are written with a leading apostrophe, which reading takes off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Protocol
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .tmx import NO_ELEMENTS, XML_LANG, primary_language

PREFERRED, ADMITTED, DEPRECATED = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"
FORBIDDEN_STATUSES = frozenset({DEPRECATED, "supersededTerm-admn-sts"})
TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
CSV_COLUMNS = ("source_lang", "target_lang", "source", "target", "alternatives", "forbidden", "note")
SEPARATOR = " | "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TermbaseError(ValueError):
    """The file is not a term base this reader accepts; the message says what is wrong, for people."""


class ExportTerm(Protocol):
    """What the writers read from a glossary term (a `GlossaryTerm` row fits)."""

    id: int
    source_lang: str
    target_lang: str
    source: str
    target: str
    alternatives: list[str]
    forbidden: list[str]
    note: str


@dataclass
class TermEntry:
    """One entry read from a file: the source term, the preferred target, other accepted and forbidden ones."""

    source: str = ""
    target: str = ""
    alternatives: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    note: str = ""
    source_lang: str = ""  #: CSV only, when the file names the pair per row
    target_lang: str = ""


def _x(text: str) -> str:
    return escape(text or "")


def _term_section(text: str, status: str) -> str:
    return (
        f'<termSec><term>{_x(text)}</term><termNote type="administrativeStatus">{status}</termNote></termSec>'
    )


def write_tbx(terms: Iterable[ExportTerm], source_lang: str, target_lang: str) -> str:
    """A TBX-Basic (TBX v3, DCA style) document of the pair's terms."""
    entries = []
    for term in terms:
        targets = [_term_section(term.target, PREFERRED)]
        targets += [_term_section(a, ADMITTED) for a in term.alternatives or []]
        targets += [_term_section(f, DEPRECATED) for f in term.forbidden or []]
        note = f"<note>{_x(term.note)}</note>" if term.note else ""
        entries.append(
            f'<conceptEntry id="term-{term.id}">{note}'
            f'<langSec xml:lang="{source_lang}"><termSec><term>{_x(term.source)}</term></termSec></langSec>'
            f'<langSec xml:lang="{target_lang}">{"".join(targets)}</langSec></conceptEntry>\n'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="{TBX_NAMESPACE}">\n'
        "<tbxHeader><fileDesc><sourceDesc><p>Adaptdesk glossary, "
        f"{source_lang} to {target_lang}</p></sourceDesc></fileDesc></tbxHeader>\n"
        f"<text><body>\n{''.join(entries)}</body></text>\n</tbx>\n"
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: Element) -> str:
    return " ".join("".join(element.itertext()).split())


def read_tbx(stream: IO[bytes], source_lang: str, target_lang: str) -> Iterator[TermEntry]:
    """The entries of a TBX file (v2 `martif`/`termEntry` or v3 `tbx`/`conceptEntry`) for the pair, one at a
    time; TermbaseError for a file that is not (safe) TBX."""
    seen = {"root": False}
    try:
        yield from _read_tbx(stream, source_lang, target_lang, seen)
    except DefusedXmlException:
        raise TermbaseError(
            "The file declares XML entities or refers to external ones; they are refused for safety "
            "(entity expansion and external entities)."
        ) from None
    except ParseError as error:
        if error.code == NO_ELEMENTS and not seen["root"]:
            raise TermbaseError("The file is empty: choose a TBX or CSV file.") from None
        line, column = error.position
        raise TermbaseError(
            f"The file is not well-formed XML (line {line}, column {column + 1}); check that it is a "
            "complete TBX file saved as UTF-8."
        ) from None


def _read_tbx(stream: IO[bytes], source_lang: str, target_lang: str, seen: dict) -> Iterator[TermEntry]:
    for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=False):
        name = _local(element.tag)
        if event == "start":
            if not seen["root"]:
                seen["root"] = True
                if name not in ("tbx", "martif"):
                    raise TermbaseError(
                        f"This is XML, but not TBX: its root is <{name}>, not <tbx> or <martif>."
                    )
            continue
        if name not in ("conceptEntry", "termEntry"):
            continue
        yield _entry(element, source_lang, target_lang)
        element.clear()


def _entry(element: Element, source_lang: str, target_lang: str) -> TermEntry:
    entry = TermEntry()
    notes = [_text(child) for child in element if _local(child.tag) in ("note", "descrip") and _text(child)]
    entry.note = notes[0] if notes else ""
    for language_section in element:
        if _local(language_section.tag) not in ("langSec", "langSet"):
            continue
        language = primary_language(language_section.get(XML_LANG))
        if language not in (source_lang, target_lang):
            continue
        for section in language_section.iter():
            if _local(section.tag) not in ("termSec", "tig", "ntig"):
                continue
            term = next((_text(t) for t in section.iter() if _local(t.tag) == "term"), "")
            status = next(
                (
                    _text(n)
                    for n in section.iter()
                    if _local(n.tag) == "termNote"
                    and n.get("type") in ("administrativeStatus", "normativeAuthorization")
                ),
                "",
            )
            if term:
                _place(entry, language == source_lang, term, status)
    return entry


def _place(entry: TermEntry, is_source: bool, term: str, status: str) -> None:
    if is_source:
        entry.source = entry.source or term
    elif status in FORBIDDEN_STATUSES:
        entry.forbidden.append(term)
    elif status == PREFERRED or (not entry.target and status != ADMITTED):
        if entry.target:
            entry.alternatives.append(entry.target)
        entry.target = term
    else:
        entry.alternatives.append(term)


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _uncell(value: str) -> str:
    value = " ".join((value or "").split())
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START[:4]) else value


def write_csv(terms: Iterable[ExportTerm]) -> str:
    """The terms as CSV (UTF-8 text with a header row; lists joined with ` | `)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for term in terms:
        writer.writerow(
            _cell(value)
            for value in (
                term.source_lang,
                term.target_lang,
                term.source,
                term.target,
                SEPARATOR.join(term.alternatives or []),
                SEPARATOR.join(term.forbidden or []),
                term.note or "",
            )
        )
    return out.getvalue()


def read_csv(data: bytes) -> Iterator[TermEntry]:
    """The entries of a CSV file with a header row naming at least `source` and `target` (UTF-8, BOM allowed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TermbaseError(
            "The CSV file is not UTF-8 text; save it as CSV UTF-8 and import it again."
        ) from None
    if not text.strip():
        raise TermbaseError("The file is empty: choose a TBX or CSV file.")
    try:
        rows = csv.DictReader(io.StringIO(text, newline=""))
        header = [(name or "").strip().lower() for name in rows.fieldnames or []]
        if not {"source", "target"} <= set(header):
            raise TermbaseError(
                "The CSV file needs a header row with at least the columns source and target "
                f"(and optionally {', '.join(c for c in CSV_COLUMNS if c not in ('source', 'target'))})."
            )
        rows.fieldnames = header
        for row in rows:

            def cell(name: str, row: dict = row) -> str:
                return _uncell(row.get(name) or "")

            yield TermEntry(
                source=cell("source"),
                target=cell("target"),
                alternatives=[p for p in (_uncell(x) for x in cell("alternatives").split("|")) if p],
                forbidden=[p for p in (_uncell(x) for x in cell("forbidden").split("|")) if p],
                note=cell("note"),
                source_lang=cell("source_lang").lower(),
                target_lang=cell("target_lang").lower(),
            )
    except csv.Error as error:
        raise TermbaseError(f"The CSV file could not be read: {error}.") from None
