"""The glossary in and out of other tools: export a pair as TBX-Basic or CSV, import either with counts.

An import adds the terms the pair does not have yet; a term whose source the pair already has (compared as the
glossary compares terms) is skipped, never overwritten: editors change existing terms one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, ClassVar

from sqlalchemy.orm import Session

from ..domain.glossary import normalize_term
from ..domain.messages import N_, Message
from ..domain.termbase import TermbaseError, TermEntry, read_csv, read_tbx, write_csv, write_tbx
from ..models import AuditAction, GlossaryTerm, User
from . import audit
from .errors import InvalidInput, ServiceError
from .glossary import TermInput, terms_for
from .import_counts import ImportCounts
from .memory_exchange import require_importer

FORMATS = ("tbx", "csv")


def export_terms(session: Session, source_lang: str, target_lang: str, fmt: str) -> str:
    """The pair's glossary as a TBX-Basic or CSV document."""
    terms = terms_for(session, source_lang, target_lang)
    return write_tbx(terms, source_lang, target_lang) if fmt == "tbx" else write_csv(terms)


def file_format(named: str | None, filename: str, head: bytes) -> str:
    """`tbx` or `csv`: as named, else from the file's extension, else from its first character."""
    if named:
        if named not in FORMATS:
            raise InvalidInput(
                "format", N_("Unknown format %(named)s; choose tbx or csv.", named=repr(named))
            )
        return named
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in FORMATS:
        return extension
    return "tbx" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "csv"


@dataclass
class GlossaryImportResult(ImportCounts):
    """What an import did: terms added, and entries skipped with why."""

    skipped: dict[str, int] = field(
        default_factory=lambda: {"exists": 0, "incomplete": 0, "invalid": 0, "other_pair": 0}
    )
    #: The first problems found in skipped entries, for people (at most `MAX_PROBLEMS`).
    problems: list[str] = field(default_factory=list)
    SENTENCE: ClassVar[Message] = N_("%(pair)s: %(added)s term(s) added, %(skipped)s skipped.")
    SENTENCE_WITH_REASONS: ClassVar[Message] = N_(
        "%(pair)s: %(added)s term(s) added, %(skipped)s skipped (%(reasons)s)."
    )

    def as_json(self) -> dict:
        """The counts as the API reports them, with the first problems found."""
        return {**super().as_json(), "problems": list(self.problems)}


MAX_PROBLEMS = 10


def import_terms(
    session: Session,
    actor: User,
    stream: IO[bytes],
    *,
    source_lang: str,
    target_lang: str,
    fmt: str | None = None,
    filename: str = "",
) -> GlossaryImportResult:
    """An editor imports a TBX or CSV term base into one pair's glossary (400 for a file that is neither)."""
    require_importer(actor, "a glossary")
    if source_lang == target_lang:
        raise InvalidInput(
            "target_lang", N_("Source and target are the same language; a glossary pairs two.")
        )
    head = stream.read(512)
    stream.seek(0)
    kind = file_format(fmt, filename, head)
    result = GlossaryImportResult(source_lang, target_lang)
    known = {term.source_key for term in terms_for(session, source_lang, target_lang)}
    entries = read_tbx(stream, source_lang, target_lang) if kind == "tbx" else read_csv(stream.read())
    try:
        for entry in entries:
            term = _checked(entry, result)
            if term is None:
                continue
            key = normalize_term(term.source, source_lang)
            if key in known:
                result.skipped["exists"] += 1
                continue
            known.add(key)
            session.add(
                GlossaryTerm(
                    source_lang=source_lang,
                    target_lang=target_lang,
                    source=term.source,
                    source_key=key,
                    target=term.target,
                    alternatives=list(term.alternatives),
                    forbidden=list(term.forbidden),
                    note=term.note,
                    created_by=actor,
                    updated_by=actor,
                )
            )
            result.added += 1
    except TermbaseError as error:
        raise InvalidInput("file", str(error)) from None
    audit.record(
        session,
        actor,
        AuditAction.GLOSSARY_IMPORTED,
        file=filename[:200],
        format=kind,
        pair=f"{source_lang}-{target_lang}",
        added=result.added,
        skipped=result.skipped_total,
    )
    session.flush()
    return result


def _checked(entry: TermEntry, result: GlossaryImportResult) -> TermInput | None:
    """The entry as a checked term for the pair, or None (counted as skipped, with why)."""
    if (entry.source_lang and entry.source_lang != result.source_lang) or (
        entry.target_lang and entry.target_lang != result.target_lang
    ):
        result.skipped["other_pair"] += 1
        return None
    if not entry.source or not entry.target:
        result.skipped["incomplete"] += 1
        return None
    try:
        return TermInput.parse(
            {
                "source_lang": result.source_lang,
                "target_lang": result.target_lang,
                "source": entry.source,
                "target": entry.target,
                "alternatives": entry.alternatives,
                "forbidden": entry.forbidden,
                "note": entry.note,
            }
        )
    except ServiceError as error:
        result.skipped["invalid"] += 1
        if len(result.problems) < MAX_PROBLEMS:
            result.problems.append(f"{entry.source[:60]}: {error.message}")
        return None
