"""Memory lookups at a million units: one segment and a 30-sentence article, on PostgreSQL and SQLite.

    .venv/bin/python -m bench.bench_memory                       # 1,000,000 units, PostgreSQL then SQLite
    .venv/bin/python -m bench.bench_memory --units 100000 --db postgresql --repeat 30
    .venv/bin/python -m bench.bench_memory --check 5             # also compare 5 lookups with a full rapidfuzz scan

A fresh database of each kind is migrated, then `--units` memory units (Arabic → English) are bulk-inserted —
`COPY` on PostgreSQL, one `executemany` in one transaction on SQLite — with the memory's indexes dropped during
the load and rebuilt after it, as an import would. Texts are pseudo-words with a Zipf-like frequency (the same
generator as `bench/scale.py`: 30,000 words, 9 to 18 per sentence), so index selectivity looks like text.
Lookups are sentences of the memory with one word replaced (as `bench/scale.py` does), each run once: a single
segment through `memory.matches_for`, and all the segments of a 30-sentence article in one call.
`SELECT 1` on the same session, measured in the same run, is the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from workflow.config import normalize_database_url
from workflow.db_migrations import upgrade
from workflow.domain.memory import rank, segment_key
from workflow.services import memory

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
#: p95 targets of issue 15, in milliseconds.
TARGETS = {"lookup (1 segment)": 50.0, "30-sentence article": 300.0}
UNIT_COLUMNS = [
    "source_lang",
    "target_lang",
    "source",
    "target",
    "source_key",
    "target_key",
    "source_hash",
    "alignment_score",
    "origin",
    "created_at",
]
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


class Words:
    """Pseudo-words with a Zipf-like frequency (as `bench/scale.py` makes them)."""

    def __init__(self, rng: random.Random, letters: str, count: int, common: list[str]) -> None:
        made = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(count)}
        self.words = common + sorted(made)
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(self.words))))
        self.rng = rng

    def sentence(self, low: int = 9, high: int = 18) -> str:
        """A sentence of pseudo-words ending in a full stop."""
        chosen = self.rng.choices(self.words, cum_weights=self.cumulative, k=self.rng.randint(low, high))
        return " ".join(chosen).capitalize() + "."


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def unit_rows(count: int, arabic: Words, english: Words, sample: list[str]):
    """`count` unit rows in UNIT_COLUMNS order; about 300 of their sources are appended to `sample`."""
    every = max(1, count // 300)
    for n in range(count):
        source, target = arabic.sentence(), english.sentence()
        key = segment_key(source)
        if n % every == 0:
            sample.append(source)
        yield (
            "ar",
            "en",
            source,
            target,
            key,
            segment_key(target),
            hashlib.sha256(key.encode()).hexdigest(),
            100,
            "imported",
            CREATED,
        )


def seed_postgresql(url: str, count: int, arabic: Words, english: Words) -> list[str]:
    """COPY `count` units into a migrated PostgreSQL database (indexes rebuilt after the load)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        indexes = conn.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tm_units' "
                "AND indexname NOT LIKE 'pk_%' AND indexname NOT LIKE 'uq_%'"
            )
        ).all()
        for name, _ in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
    sample: list[str] = []
    raw = engine.raw_connection()
    try:
        columns = ", ".join(UNIT_COLUMNS)
        with raw.driver_connection.cursor() as cur, cur.copy(f"COPY tm_units ({columns}) FROM STDIN") as copy:
            for row in unit_rows(count, arabic, english, sample):
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    with engine.begin() as conn:
        for _, definition in indexes:
            conn.execute(text(definition))
        conn.execute(text("ANALYZE tm_units"))
    engine.dispose()
    return sample


def seed_sqlite(path: Path, count: int, arabic: Words, english: Words) -> list[str]:
    """executemany `count` units into a migrated SQLite database in one transaction (FTS tables rebuilt after)."""
    conn = sqlite3.connect(path)
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'tm_units'"
    ).fetchall()
    fts = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%VIRTUAL TABLE%fts5(%'"
            " AND sql LIKE '%tm_units%'"
        )
    ]
    sample: list[str] = []
    with conn:
        for name, _ in triggers:
            conn.execute(f'DROP TRIGGER "{name}"')
        marks = ", ".join("?" for _ in UNIT_COLUMNS)
        conn.executemany(
            f"INSERT INTO tm_units ({', '.join(UNIT_COLUMNS)}) VALUES ({marks})",
            ((*row[:-1], row[-1].isoformat(" ")) for row in unit_rows(count, arabic, english, sample)),
        )
        for name in fts:
            conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
        for _, sql in triggers:
            conn.execute(sql)
        conn.execute("ANALYZE")
    conn.close()
    return sample


def lookups(sample: list[str], arabic: Words, rng: random.Random) -> list[str]:
    """Memory sentences with their third word replaced by another (as `bench/scale.py` looks them up)."""
    return [s.replace(s.split()[2], arabic.words[rng.randint(10, 900)], 1) for s in sample]


def timed(call, repeat: int) -> list[float]:
    """Milliseconds of `repeat` calls of `call(i)` (one warm-up call first)."""
    call(0)
    times = []
    for i in range(repeat):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def measure(url: str, queries: list[str], repeat: int, check: int) -> dict[str, list[float]]:
    """Times of the baseline, one lookup and a 30-sentence article; prints a comparison with a full scan."""
    engine = create_engine(url)
    rows: dict[str, list[float]] = {}
    with Session(engine) as session:
        rows["SELECT 1 (baseline)"] = timed(lambda i: session.execute(text("SELECT 1")).scalar(), repeat)
        rows["lookup (1 segment)"] = timed(
            lambda i: memory.matches_for(session, "ar", "en", [queries[i % len(queries)]]), repeat
        )
        rows["30-sentence article"] = timed(
            lambda i: memory.matches_for(
                session, "ar", "en", [queries[(i * 30 + j) % len(queries)] for j in range(30)]
            ),
            repeat,
        )
        if check:
            ids_keys = session.execute(text("SELECT id, source_key FROM tm_units ORDER BY id DESC")).all()
            keys = [k for _, k in ids_keys]
            same = 0
            for query in queries[:check]:
                found = memory.matches_for(session, "ar", "en", [query])[0]
                scanned = [(keys[i], score) for i, score in rank(query, keys, limit=3)]
                same += [(segment_key(m.source), m.score) for m in found] == scanned
            print(f"  same matches as a full rapidfuzz scan: {same} of {check} lookups")
    engine.dispose()
    return rows


def report(kind: str, count: int, seeded: float, rows: dict[str, list[float]]) -> None:
    """One table: p50 / p95 per row, p95 over the baseline's, and the targets."""
    base = percentile(rows["SELECT 1 (baseline)"], 95)
    print(f"\n{kind}: {count:,} units, seeded (with indexes) in {seeded:.0f} s")
    print(f"  {'row':<22} {'p50 ms':>9} {'p95 ms':>9} {'p95/base':>10}  target")
    for name, times in rows.items():
        p95 = percentile(times, 95)
        target = TARGETS.get(name)
        verdict = f"p95 ≤ {target:.0f} ms: {'met' if p95 <= target else 'NOT met'}" if target else ""
        print(f"  {name:<22} {statistics.median(times):>9.2f} {p95:>9.2f} {p95 / base:>9.0f}×  {verdict}")


def remeasure(url: str, repeat: int, check: int) -> None:
    """Measure a database an earlier run kept (migrated to the code's head first), on ~300 of its units' sources."""
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM tm_units")).scalar_one()
        every = max(1, count // 300)
        sample = list(
            conn.execute(
                text("SELECT source FROM tm_units WHERE id % :every = 0 ORDER BY id"), {"every": every}
            ).scalars()
        )
    engine.dispose()
    rng = random.Random(15)
    arabic = Words(
        rng, "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", 30_000, ["في", "من", "على", "إلى", "أن", "عن", "مع", "قال"]
    )
    report(
        url.rsplit("/", 1)[-1],
        count,
        0.0,
        measure(url, lookups(sample, arabic, random.Random(16)), repeat, check),
    )


def main() -> None:
    """Seed, measure and print each database kind in turn."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000, help="memory units to seed")
    parser.add_argument("--db", default="postgresql,sqlite", help="kinds to measure, comma-separated")
    parser.add_argument("--repeat", type=int, default=50, help="timed calls per row")
    parser.add_argument("--check", type=int, default=0, help="lookups compared with a full rapidfuzz scan")
    parser.add_argument("--pg", default=PG_ADMIN, help="PostgreSQL admin URL")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--database", help="measure this database seeded by an earlier --keep run (no seeding)"
    )
    options = parser.parse_args()
    print("targets: " + "; ".join(f"{k} p95 ≤ {v:.0f} ms" for k, v in TARGETS.items()))
    if options.database:
        remeasure(normalize_database_url(options.database), options.repeat, options.check)
        return
    for kind in options.db.split(","):
        rng = random.Random(15)
        arabic = Words(
            rng, "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", 30_000, ["في", "من", "على", "إلى", "أن", "عن", "مع", "قال"]
        )
        english = Words(rng, "abcdefghijklmnoprstuvwy", 30_000, ["the", "of", "in", "and", "to", "a", "said"])
        if kind == "postgresql":
            name = f"adaptdesk_benchmem_{uuid.uuid4().hex[:8]}"
            admin = create_engine(normalize_database_url(options.pg), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = normalize_database_url(options.pg.rsplit("/", 1)[0] + f"/{name}")
            try:
                upgrade(url)
                started = time.perf_counter()
                sample = seed_postgresql(url, options.units, arabic, english)
                seeded = time.perf_counter() - started
                rows = measure(url, lookups(sample, arabic, rng), options.repeat, options.check)
                report(f"PostgreSQL ({name})", options.units, seeded, rows)
            finally:
                if not options.keep:
                    with admin.connect() as conn:
                        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
        elif kind == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="adaptdesk-benchmem-"))
            path = folder / "memory.db"
            try:
                upgrade(f"sqlite:///{path}")
                started = time.perf_counter()
                sample = seed_sqlite(path, options.units, arabic, english)
                seeded = time.perf_counter() - started
                rows = measure(
                    f"sqlite:///{path}", lookups(sample, arabic, rng), options.repeat, options.check
                )
                report(f"SQLite ({path})", options.units, seeded, rows)
            finally:
                if not options.keep:
                    path.unlink(missing_ok=True)
        else:
            parser.error(f"--db takes postgresql and sqlite, not {kind}")


if __name__ == "__main__":
    main()
