"""TMX 1.4b, the translation-memory exchange format: writing a memory out and reading units in, as pure functions.

Reading goes through defusedxml: a file that declares entities (the "billion laughs" expansion) or refers to
external ones is refused before anything is expanded or fetched. A DOCTYPE line naming tmx14.dtd, which most
tools write, is allowed (the DTD itself is never loaded). Inline markup inside `<seg>` is read as the text it
holds: `<hi>` and `<sub>` text is kept, native codes (`<bpt>`, `<ept>`, `<it>`, `<ph>`, `<ut>`) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Protocol
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import errors as expat_errors
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .languages import is_known_language

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Inline elements whose text is part of the segment; the other inline elements hold the source format's codes.
TEXT_INLINE = frozenset({"hi", "sub", "mrk"})
#: Characters XML 1.0 cannot carry (control characters other than tab and newlines).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Expat's code for a document without any element (an empty file).
NO_ELEMENTS = expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS]
#: Bytes of TMX gathered before a chunk goes to the client.
CHUNK_BYTES = 64 * 1024


class TmxError(ValueError):
    """The file is not TMX this reader accepts; the message says what is wrong, for people."""


class ExportUnit(Protocol):
    """What the writer reads from a memory unit (a `TranslationUnit` row fits)."""

    id: int
    source: str
    target: str
    alignment_score: int
    origin: str
    article_id: int | None
    created_at: datetime


def tmx_date(value: datetime) -> str:
    """A time as TMX writes it: `20260131T090000Z` (UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _xml_text(text: str) -> str:
    return escape(_NOT_XML.sub("", text or ""))


def _unit_xml(unit: ExportUnit, source_lang: str, target_lang: str) -> str:
    article = f'<prop type="x-adaptdesk-article">{unit.article_id}</prop>' if unit.article_id else ""
    return (
        f'<tu tuid="{unit.id}" creationdate="{tmx_date(unit.created_at)}">'
        f'<prop type="x-adaptdesk-origin">{_xml_text(unit.origin)}</prop>'
        f'<prop type="x-adaptdesk-alignment">{unit.alignment_score}</prop>{article}'
        f'<tuv xml:lang="{source_lang}"><seg>{_xml_text(unit.source)}</seg></tuv>'
        f'<tuv xml:lang="{target_lang}"><seg>{_xml_text(unit.target)}</seg></tuv>'
        "</tu>\n"
    )


def write_tmx(
    units: Iterable[ExportUnit], source_lang: str, target_lang: str, *, created: datetime, tool_version: str
) -> Iterator[str]:
    """A TMX 1.4b document of `units`, in chunks of about `CHUNK_BYTES` (to stream it)."""
    header = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        '<tmx version="1.4">\n'
        f'<header creationtool="Adaptdesk" creationtoolversion={quoteattr(tool_version)} segtype="sentence" '
        f'o-tmf="Adaptdesk" adminlang="en" srclang="{source_lang}" datatype="plaintext" '
        f'creationdate="{tmx_date(created)}"/>\n'
        "<body>\n"
    )
    chunk, size = [header], len(header)
    for unit in units:
        xml = _unit_xml(unit, source_lang, target_lang)
        chunk.append(xml)
        size += len(xml)
        if size >= CHUNK_BYTES:
            yield "".join(chunk)
            chunk, size = [], 0
    chunk.append("</body>\n</tmx>\n")
    yield "".join(chunk)


def primary_language(tag: str | None) -> str:
    """The ISO 639-1 part of a language tag (`ar-SA` → `ar`, `EN_us` → `en`); "" when it has none."""
    code = re.split(r"[-_]", (tag or "").strip(), maxsplit=1)[0].lower()
    return code if is_known_language(code) else ""


def _seg_text(element: Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag in TEXT_INLINE:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


@dataclass(frozen=True)
class TmxPair:
    """One translation unit read for the pair: its source and target text ("" for a side it lacks)."""

    source: str
    target: str


class TmxReader:
    """Reads the units of one language pair from a TMX file, one at a time (a large file is never held whole).

    The pair is what the caller names, else the header's `srclang` and the other language of the first unit;
    `source_lang` and `target_lang` hold it once known.
    """

    def __init__(self, stream: IO[bytes], source_lang: str | None = None, target_lang: str | None = None):
        self.stream = stream
        self.source_lang = source_lang or ""
        self.target_lang = target_lang or ""
        self._seen_root = False

    def pairs(self) -> Iterator[TmxPair]:
        """Every unit's two sides, in the file's order; TmxError for a file that is not (safe) TMX."""
        try:
            yield from self._pairs()
        except DefusedXmlException:
            raise TmxError(
                "The file declares XML entities or refers to external ones; they are refused for safety "
                "(entity expansion and external entities). Export the memory again without a DTD subset."
            ) from None
        except ParseError as error:
            line, column = error.position
            if not self._seen_root and error.code == NO_ELEMENTS:
                raise TmxError("The file is empty: choose a TMX file.") from None
            raise TmxError(
                f"The file is not well-formed XML (line {line}, column {column + 1}); "
                "check that it is a complete TMX file saved as UTF-8."
            ) from None

    def _pairs(self) -> Iterator[TmxPair]:
        body: Element | None = None
        for event, element in iterparse(self.stream, events=("start", "end"), forbid_dtd=False):
            if event == "start":
                if not self._seen_root:
                    self._seen_root = True
                    if element.tag != "tmx":
                        raise TmxError(f"This is XML, but not TMX: its root is <{element.tag}>, not <tmx>.")
                elif element.tag == "header" and not self.source_lang:
                    self.source_lang = primary_language(element.get("srclang"))
                elif element.tag == "body":
                    body = element
                continue
            if element.tag != "tu" or body is None:
                continue
            yield self._pair(element)
            body.remove(element)  # keep memory flat: each unit is dropped once read
        if not self._seen_root:
            raise TmxError("The file is empty: choose a TMX file.")
        if body is None:
            raise TmxError("The TMX file has no <body>: there are no units to import.")

    def _pair(self, unit: Element) -> TmxPair:
        sides: dict[str, str] = {}
        for variant in unit.iter("tuv"):
            language = primary_language(variant.get(XML_LANG) or variant.get("lang"))
            seg = variant.find("seg")
            if language and seg is not None:
                sides.setdefault(language, " ".join(_seg_text(seg).split()))
        if not self.source_lang:
            raise TmxError(
                "The file's header names no source language (srclang); choose the source and target languages."
            )
        if not self.target_lang:
            others = [language for language in sides if language != self.source_lang]
            if len(others) > 1:
                raise TmxError(
                    f"The units hold several target languages ({', '.join(others)}); choose the target language."
                )
            self.target_lang = others[0] if others else ""
        return TmxPair(sides.get(self.source_lang, ""), sides.get(self.target_lang, ""))
