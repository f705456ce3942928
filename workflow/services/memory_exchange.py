"""The translation memory in and out of other tools: export as TMX 1.4b, import from TMX with counts.

Imports insert in batches (one multi-row INSERT per batch, after one query for the batch's duplicates), so
a file of 100,000 units goes in within seconds; the handler commits once, so a file that turns out broken
halfway leaves the memory as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, ClassVar

from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.orm import Session

from ..domain import memory
from ..domain.messages import N_, Message
from ..domain.rules import can_import_language_data
from ..domain.tmx import TmxError, TmxReader, write_tmx
from ..models import AuditAction, TranslationUnit, UnitOrigin, User, utcnow
from . import audit
from .errors import InvalidInput, NotAllowed
from .import_counts import ImportCounts
from .memory import changed as memory_changed

#: Units inserted (and checked for duplicates) per statement.
BATCH = 5000
#: Longest segment imported (characters); longer ones are skipped as not sentences.
MAX_SEGMENT_CHARS = 5000
#: Units read from the database per round trip while exporting.
EXPORT_BATCH = 2000


def export_tmx(
    session: Session,
    source_lang: str,
    target_lang: str,
    *,
    tool_version: str,
    created: datetime | None = None,
) -> Iterator[str]:
    """The pair's memory as a TMX 1.4b document, oldest unit first, in chunks (read in batches as it streams)."""
    units = _units_of_pair(session, source_lang, target_lang)
    return write_tmx(units, source_lang, target_lang, created=created or utcnow(), tool_version=tool_version)


def _units_of_pair(session: Session, source_lang: str, target_lang: str) -> Iterator[Row]:
    """The pair's units as plain rows, by id, one short query per batch.

    Each batch is its own query after the last id seen, not one long server-side cursor: the response
    streams after the view has returned, and a commit at the end of the request would close such a cursor.
    """
    unit = TranslationUnit
    columns = (
        unit.id,
        unit.source,
        unit.target,
        unit.alignment_score,
        unit.origin,
        unit.article_id,
        unit.created_at,
    )
    last_id = 0
    while True:
        batch = session.execute(
            select(*columns)
            .where(unit.source_lang == source_lang, unit.target_lang == target_lang, unit.id > last_id)
            .order_by(unit.id)
            .limit(EXPORT_BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


@dataclass
class ImportResult(ImportCounts):
    """What an import did: units added, and units skipped with why."""

    skipped: dict[str, int] = field(
        default_factory=lambda: {"duplicate": 0, "missing_language": 0, "empty": 0, "too_long": 0}
    )
    SENTENCE: ClassVar[Message] = N_("%(pair)s: %(added)s unit(s) added, %(skipped)s skipped.")
    SENTENCE_WITH_REASONS: ClassVar[Message] = N_(
        "%(pair)s: %(added)s unit(s) added, %(skipped)s skipped (%(reasons)s)."
    )


def require_importer(actor: User, what: str) -> None:
    """NotAllowed unless the person may import into the memory or glossary."""
    if not can_import_language_data(actor.actor):
        raise NotAllowed(N_("Only editors and admins may import %(what)s; ask an editor.", what=what))


def _check_pair(source_lang: str, target_lang: str) -> None:
    if not source_lang:
        raise InvalidInput(
            "source_lang", N_("The file names no source language; choose the source language.")
        )
    if not target_lang:
        raise InvalidInput("target_lang", N_("No unit holds a second language; choose the target language."))
    if source_lang == target_lang:
        raise InvalidInput("target_lang", N_("Source and target are the same language; a memory pairs two."))


def import_tmx(
    session: Session,
    actor: User,
    stream: IO[bytes],
    *,
    source_lang: str | None = None,
    target_lang: str | None = None,
    filename: str = "",
) -> ImportResult:
    """An editor imports a TMX file into the memory: units new to the pair are added, the rest counted as
    skipped (already there or twice in the file, lacking a side, empty, too long). 400 for a file that is not
    TMX or is unsafe XML."""
    require_importer(actor, "a translation memory")
    reader = TmxReader(stream, source_lang, target_lang)
    result = ImportResult()
    batch: dict[tuple[str, str], dict] = {}
    try:
        for pair in reader.pairs():
            if not pair.source or not pair.target:
                result.skipped["missing_language" if pair.source or pair.target else "empty"] += 1
                continue
            if max(len(pair.source), len(pair.target)) > MAX_SEGMENT_CHARS:
                result.skipped["too_long"] += 1
                continue
            if not result.source_lang:
                _check_pair(reader.source_lang, reader.target_lang)
                result.source_lang, result.target_lang = reader.source_lang, reader.target_lang
            key = (memory.source_hash(pair.source), pair.target)
            if key in batch:
                result.skipped["duplicate"] += 1
                continue
            batch[key] = {"source": pair.source, "target": pair.target}
            if len(batch) >= BATCH:
                _insert_new(session, result, batch)
                batch = {}
    except TmxError as error:
        raise InvalidInput("file", str(error)) from None
    if not result.source_lang:
        _check_pair(reader.source_lang, reader.target_lang)
        result.source_lang, result.target_lang = reader.source_lang, reader.target_lang
    _insert_new(session, result, batch)
    audit.record(
        session,
        actor,
        AuditAction.MEMORY_IMPORTED,
        file=filename[:200],
        pair=f"{result.source_lang}-{result.target_lang}",
        added=result.added,
        skipped=result.skipped_total,
    )
    session.flush()
    return result


def _insert_new(session: Session, result: ImportResult, batch: dict[tuple[str, str], dict]) -> None:
    """Insert the batch's units the pair's memory does not hold yet (same source key and same target)."""
    if not batch:
        return
    hashes = {digest for digest, _ in batch}
    existing = session.execute(
        select(TranslationUnit.source_hash, TranslationUnit.target).where(
            TranslationUnit.source_lang == result.source_lang,
            TranslationUnit.target_lang == result.target_lang,
            # Hex digests, sent inline: PostgreSQL then probes a hash of the list instead of comparing every
            # row of the pair with each of thousands of parameters (the batch's own rows are not yet in the
            # planner's statistics, so it may scan the whole pair).
            TranslationUnit.source_hash.in_(
                bindparam("hashes", sorted(hashes), expanding=True, literal_execute=True)
            ),
        )
    )
    known = {(row.source_hash, row.target) for row in existing}
    now = utcnow()
    rows = [
        {
            "source_lang": result.source_lang,
            "target_lang": result.target_lang,
            "source": unit["source"],
            "target": unit["target"],
            "source_hash": digest,
            # COPY bypasses the model's column defaults: the keys the trigram indexes match on are set here
            "source_key": memory.segment_key(unit["source"]),
            "target_key": memory.segment_key(unit["target"]),
            "alignment_score": 100,
            "origin": UnitOrigin.IMPORTED.value,
            "created_at": now,
        }
        for (digest, target), unit in batch.items()
        if (digest, target) not in known
    ]
    result.skipped["duplicate"] += len(batch) - len(rows)
    if rows:
        _bulk_insert(session, rows)
        memory_changed(session, result.source_lang, result.target_lang)
    result.added += len(rows)


def _bulk_insert(session: Session, rows: list[dict]) -> None:
    """Insert memory units in one go: COPY on PostgreSQL (several times faster than a multi-row INSERT for
    a large file), a multi-row INSERT elsewhere."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(TranslationUnit), rows)
        return
    columns = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY tm_units ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
