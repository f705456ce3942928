"""The memory at scale: trigram indexes find every unit (not only the newest 5,000) and rank as the old scan did."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import OperationalError

from workflow.domain import memory as rules
from workflow.extensions import db
from workflow.models import TranslationUnit
from workflow.services import memory

SUBJECTS = ["The minister", "The two leaders", "Police", "The central bank", "Rescue teams", "The committee"]
VERBS = ["announced", "signed", "rejected", "discussed", "postponed", "welcomed"]
OBJECTS = [
    "a new agreement on trade",
    "the plan to rebuild the port",
    "an increase in fuel prices",
    "the report on the floods",
    "a strategic partnership deal",
    "the budget for next year",
]
PLACES = ["in Cairo", "in Amman on Monday", "after a long meeting", "late on Wednesday", "in a statement", ""]
ARABIC = ["وقّع الرئيسان اتفاقية شراكة استراتيجية شاملة", "أعلنت الحكومة عن خطة جديدة لإعادة بناء الميناء"]


def sentence(rng: random.Random) -> str:
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(PLACES)]
    return " ".join(p for p in parts if p) + "."


def add_units(sources: list[str], *, article_id=None, source_lang="en", target_lang="ar") -> None:
    """Units straight into the table (as bulk imports or years of publishing would leave them)."""
    db.session.execute(
        insert(TranslationUnit),
        [
            {
                "source_lang": source_lang,
                "target_lang": target_lang,
                "source": s,
                "target": f"«{s}» rendered #{i}",
                "source_hash": rules.source_hash(s),
                "alignment_score": 100,
                "article_id": article_id,
            }
            for i, s in enumerate(sources)
        ],
    )
    db.session.flush()


def old_scan(source_lang: str, target_lang: str, sources: list[str], limit: int = 3) -> list[list[tuple]]:
    """What matching gave before the trigram indexes: every unit (the memory is small) in Python, newest first."""
    units = sorted(db.session.query(TranslationUnit).all(), key=lambda u: -u.id)
    units = [u for u in units if (u.source_lang, u.target_lang) == (source_lang, target_lang)]
    windows = [rules.length_window(len(s)) for s in sources]
    low, high = min(w[0] for w in windows), max(w[1] for w in windows)
    kept, seen = [], set()
    for u in units:
        if low <= len(u.source) <= high and (u.source_hash, u.target) not in seen:
            seen.add((u.source_hash, u.target))
            kept.append(u)
    choices = [rules.segment_key(u.source) for u in kept]
    return [
        [(score, kept[i].source, kept[i].target) for i, score in rules.rank(s, choices, limit=limit)]
        for s in sources
    ]


def as_tuples(found: list[list[memory.Match]]) -> list[list[tuple]]:
    return [[(m.score, m.source, m.target) for m in matches] for matches in found]


def test_matches_are_the_ones_the_old_scan_gave_on_a_small_memory(session):
    rng = random.Random(15)
    stored = list(dict.fromkeys(sentence(rng) for _ in range(300)))
    add_units(stored)
    add_units(stored[:20])  # the same sentences again from another article: shown once, the newest
    queries = [sentence(rng) for _ in range(40)] + [s.replace(".", "!") for s in stored[:10]]
    queries += [s.upper() for s in stored[10:15]] + ["Nothing like anything stored here at all, none."]
    found = as_tuples(memory.matches_for(db.session, "en", "ar", queries))
    assert found == old_scan("en", "ar", queries)
    assert sum(1 for f in found if f) > 40  # most queries match something: the comparison means something
    assert any(score < 100 for f in found for score, *_ in f)  # fuzzy ones too, not only exact


def test_arabic_matches_fold_marks_and_letter_variants_as_before(session):
    add_units(ARABIC, source_lang="ar", target_lang="en")
    queries = [
        "وقع الرئيسان اتفاقيه شراكة استراتيجية شاملة",
        "اعلنت الحكومة عن خطة جديدة لاعادة بناء المـيناء",
    ]
    found = as_tuples(memory.matches_for(db.session, "ar", "en", queries))
    assert found == old_scan("ar", "en", queries)
    assert [len(f) for f in found] == [1, 1] and found[1][0][0] == 100


def test_a_unit_older_than_the_newest_5000_still_matches(session):
    old = "The central bank kept its main interest rate at 27.25 percent for a third meeting."
    add_units([old], article_id=None)
    rng = random.Random(7)
    add_units([f"{sentence(rng)} ({n})" for n in range(memory.MAX_CANDIDATES + 50)])
    query = "The central bank kept its main interest rate at 27.25 per cent for the third meeting."
    (matches,) = memory.matches_for(db.session, "en", "ar", [query])
    assert matches and matches[0].source == old and matches[0].score >= rules.MIN_MATCH
    found = memory.search(db.session, "27.25 percent", source_lang="en")
    assert [m.source for m in found][:1] == [old]


def test_search_finds_what_the_old_scan_found_on_a_small_memory(session):
    rng = random.Random(3)
    stored = list(dict.fromkeys(sentence(rng) for _ in range(200)))
    add_units(stored)
    for query in ["strategic partnership", "rebuild the port", "fuel prices in Cairo", "Rescue teams"]:
        found = memory.search(db.session, query, source_lang="en", limit=20)
        units = sorted(db.session.query(TranslationUnit).all(), key=lambda u: -u.id)
        scores: dict[int, int] = {}
        for side in ("source", "target"):
            choices = [rules.segment_key(getattr(u, side)) for u in units]
            for index, score in rules.rank(query, choices, limit=20, partial=True):
                scores[index] = max(score, scores.get(index, 0))
        ranked = sorted(scores.items(), key=lambda item: (-item[1], -units[item[0]].id))[:20]
        assert [(m.score, m.source) for m in found] == [(s, units[i].source) for i, s in ranked], query
        assert found


class Edits:
    """Sentences of Zipf-distributed pseudo-words and ordinary edits of them (words replaced, added, dropped,
    misspelt), so a memory holds many near-duplicates as a newsroom's does."""

    def __init__(self, rng: random.Random, letters: str, common: list[str]) -> None:
        made = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(1500)})
        self.words = common + made
        self.weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.words))]
        self.rng = rng

    def word(self) -> str:
        return self.rng.choices(self.words, weights=self.weights)[0]

    def sentence(self) -> str:
        return " ".join(self.word() for _ in range(self.rng.randint(3, 22))).capitalize() + "."

    def edited(self, sentence: str, edits: int) -> str:
        words = sentence.rstrip(".").split(" ")
        for _ in range(edits):
            at, change = self.rng.randrange(len(words)), self.rng.random()
            if change < 0.45:
                words[at] = self.word()
            elif change < 0.65 and len(words) > 2:
                del words[at]
            elif change < 0.85:
                words.insert(at, self.word())
            else:
                spot = self.rng.randrange(len(words[at]))
                words[at] = words[at][:spot] + self.rng.choice(self.words[-1]) + words[at][spot + 1 :]
        return " ".join(words) + self.rng.choice([".", "!", ",", ""])


def edited_memory(edits: Edits, rng: random.Random, size: int) -> tuple[list[str], list[str]]:
    """`size` stored sentences (a third of them edits of earlier ones) and queries that are edits of stored ones."""
    stored: list[str] = []
    for _ in range(size):
        stored.append(
            edits.edited(rng.choice(stored), rng.randint(1, 4))
            if stored and rng.random() < 0.35
            else edits.sentence()
        )
    queries = [edits.edited(rng.choice(stored), rng.randint(0, 4)) for _ in range(150)]
    return list(dict.fromkeys(stored)), queries + [edits.sentence() for _ in range(30)]


#: Words held by more units than this are left out of probes: the default (nothing is that common in 3,000 units),
#: then low enough that the commonest words of most sentences are left out, as at a million units.
COMMON_WORDS = pytest.mark.parametrize(
    "common_word_units", [rules.COMMON_WORD_UNITS, 60], ids=["all", "rare"]
)


@COMMON_WORDS
def test_matches_equal_a_full_scan_over_thousands_of_edited_sentences(
    session, monkeypatch, common_word_units
):
    """On 3,000 units with many near-duplicates, the word index finds exactly what scanning every unit finds."""
    monkeypatch.setattr(rules, "COMMON_WORD_UNITS", common_word_units)
    rng = random.Random(21)
    stored, queries = edited_memory(
        Edits(rng, "abcdefghijklmnoprstuvwy", ["the", "of", "in", "and", "said"]), rng, 3000
    )
    add_units(stored)
    found = as_tuples(memory.matches_for(db.session, "en", "ar", queries))
    assert found == old_scan("en", "ar", queries)
    assert sum(1 for f in found if f) > 120
    assert sum(1 for f in found for score, *_ in f if score < 100) > 200  # mostly fuzzy matches


@COMMON_WORDS
def test_arabic_matches_equal_a_full_scan_over_thousands_of_edited_sentences(
    session, monkeypatch, common_word_units
):
    """The same on Arabic text, where words are split and folded as the index splits them."""
    monkeypatch.setattr(rules, "COMMON_WORD_UNITS", common_word_units)
    rng = random.Random(22)
    arabic = Edits(rng, "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", ["في", "من", "على", "إلى", "أن", "قال"])
    stored, queries = edited_memory(arabic, rng, 3000)
    add_units(stored, source_lang="ar", target_lang="en")
    queries = [q.replace("ا", "أ", 1) + "،" for q in queries[:20]] + queries[
        20:
    ]  # letter variants, Arabic comma
    found = as_tuples(memory.matches_for(db.session, "ar", "en", queries))
    assert found == old_scan("ar", "en", queries)
    assert sum(1 for f in found if f) > 120


def posting_lists() -> dict[tuple[str, str, str], list[int]]:
    """PostgreSQL's posting lists as ids per (pair, word), sorted."""
    rows = db.session.execute(
        text("SELECT source_lang, target_lang, word, unit_ids FROM tm_word_postings")
    ).all()
    lists: dict[tuple[str, str, str], list[int]] = {}
    for source_lang, target_lang, word, ids in rows:
        found = [int.from_bytes(ids[i : i + 4], "big") for i in range(0, len(ids), 4)]
        lists.setdefault((source_lang, target_lang, word), []).extend(found)
    return {key: sorted(ids) for key, ids in lists.items() if ids}


def words_of_units() -> dict[tuple[str, str, str], list[int]]:
    """What the posting lists must hold: each unit's id under each distinct word of its source key."""
    lists: dict[tuple[str, str, str], set[int]] = {}
    for unit in db.session.query(TranslationUnit):
        for word in rules.key_words(unit.source_key):
            lists.setdefault((unit.source_lang, unit.target_lang, word), set()).add(unit.id)
    return {key: sorted(ids) for key, ids in lists.items()}


def units_per_word() -> dict[str, int]:
    """SQLite: how many units its FTS5 word table says hold each word."""
    return dict(db.session.execute(text("SELECT term, doc FROM tm_words_vocab")).all())


def test_word_indexes_follow_every_insert_delete_and_update(session):
    """The triggers keep each word's units exact through inserts, deletes, updates and repeated words.

    PostgreSQL: the posting lists, id by id; SQLite: the FTS5 word table's count of units per word.
    """
    rng = random.Random(8)
    add_units([sentence(rng) for _ in range(300)])
    add_units(["Police police said the police said."], source_lang="ar", target_lang="en")  # a word thrice
    units = db.session.query(TranslationUnit).order_by(TranslationUnit.id).all()
    for unit in units[::7]:
        db.session.delete(unit)
    units[3].source = "A wholly new sentence about the harbour."
    units[3].source_key = rules.segment_key(units[3].source)
    db.session.execute(text("UPDATE tm_units SET source_key = source_key || ' encore' WHERE id % 5 = 0"))
    db.session.flush()
    db.session.expire_all()
    if db.session.get_bind().dialect.name == "postgresql":
        assert posting_lists() == words_of_units()
    else:
        counts: dict[str, int] = {}
        for (_, _, word), ids in words_of_units().items():
            counts[word] = counts.get(word, 0) + len(ids)
        assert units_per_word() == counts
    harbour = memory.matches_for(db.session, "en", "ar", ["A wholly new sentence about the harbour!"])[0]
    assert [m.source for m in harbour] == ["A wholly new sentence about the harbour."]
    gone = units[7].source
    assert all(
        m.source != gone or m.score < 100 for m in memory.matches_for(db.session, "en", "ar", [gone])[0]
    )


def test_posting_list_writers_take_turns_until_they_commit(app):
    """A transaction writing the memory holds it until it commits, so another cannot lock the word index's rows
    in another order (one removing units then adding others would otherwise risk a deadlock). PostgreSQL: the
    posting lists' lock, even for units with no word in common; SQLite: its one writer at a time."""
    engine = db.engine
    postgresql = engine.dialect.name == "postgresql"
    insert_unit = text(
        "INSERT INTO tm_units (source_lang, target_lang, source, target, source_key, target_key, source_hash,"
        " alignment_score, origin, created_at) VALUES ('xx', 'yy', :s, 't', :s, 't', :h, 100, 'imported', :at)"
    )

    def unit(source: str) -> dict:
        return {"s": source, "h": rules.source_hash(source), "at": datetime(2026, 1, 1, tzinfo=UTC)}

    first, second = engine.connect(), engine.connect()
    try:
        with first.begin():
            first.execute(insert_unit, unit("alpha beta gamma"))
        first.begin()
        first.execute(text("DELETE FROM tm_units WHERE source_lang = 'xx'"))
        if postgresql:
            second.begin()
            second.execute(text("SET LOCAL lock_timeout = '300ms'"))
        else:  # the app's SQLite transactions begin IMMEDIATE: the second writer waits at its BEGIN
            second.connection.driver_connection.execute("PRAGMA busy_timeout = 300")
        with pytest.raises(OperationalError, match=r"lock timeout|database is locked"):
            if not postgresql:
                second.begin()
            second.execute(insert_unit, unit("zeta eta theta"))  # no word in common, still waits its turn
        second.rollback()
        first.commit()
        with second.begin():
            second.execute(insert_unit, unit("zeta eta theta"))
    finally:
        first.rollback()
        with first.begin():
            first.execute(text("DELETE FROM tm_units WHERE source_lang = 'xx'"))
        first.close()
        second.close()
