"""Alembic migrations: an empty database upgrades to head, steps back and forward, and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from tests.conftest import database_kind
from tests.support.live import new_database
from workflow.config import normalize_database_url
from workflow.db_migrations import current, downgrade, upgrade
from workflow.models import Base
from workflow.models.search import is_model_object


def add_reporter_and_original(conn, now: str, current_revision: int = 1) -> None:
    """User 1, Ahmad Abdallah, and his original, article 1, written by hand at an older schema."""
    conn.execute(
        text(
            "INSERT INTO users (id, username, display_name, password_hash, active, created_at) "
            "VALUES (1, 'ahmad', 'Ahmad Abdallah', 'x', true, :now)"
        ),
        {"now": now},
    )
    conn.execute(
        text(
            "INSERT INTO articles (id, reporter_id, language, section, current_revision, created_at, "
            "updated_at) VALUES (1, 1, 'ar', 'News', :revision, :now, :now)"
        ),
        {"now": now, "revision": current_revision},
    )


def test_upgrade_downgrade_and_models_match_the_schema(tmp_path):
    url, drop = new_database(database_kind(), tmp_path)
    url = normalize_database_url(url)
    try:
        upgrade(url)
        head = current(url)
        assert head is not None
        downgrade(url, "-1")
        assert current(url) != head
        upgrade(url)
        assert current(url) == head
        engine = create_engine(url)
        with engine.connect() as conn:
            assert {"users", "articles", "adaptations", "drafts", "history", "credits"} <= set(
                inspect(conn).get_table_names()
            )
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_name": is_model_object}), Base.metadata
            )
        engine.dispose()
        assert diff == [], f"models and migrations differ; add a migration: {diff}"
    finally:
        drop()


def test_0003_gives_drafts_that_failed_before_it_a_code_from_their_message(tmp_path):
    url, drop = new_database(database_kind(), tmp_path)
    url = normalize_database_url(url)
    now = "2026-11-29 00:00:00"
    try:
        upgrade(url, "0002")
        engine = create_engine(url)
        with engine.begin() as conn:
            add_reporter_and_original(conn, now)
            for id_, (language, state, error) in enumerate(
                [
                    (
                        "fr",
                        "failed",
                        "No translation model for Arabic → French is installed. Install it with: …",
                    ),
                    ("de", "failed", "Machine translation took longer than 900 s and was stopped."),
                    ("es", "failed", "Machine translation failed: out of memory."),
                    ("en", "ready", ""),
                ],
                start=1,
            ):
                conn.execute(
                    text(
                        "INSERT INTO adaptations (id, article_id, language, state, title, body, version, "
                        "slug, created_at, updated_at) VALUES (:id, 1, :language, 'queued', '', '', 1, '', "
                        ":now, :now)"
                    ),
                    {"id": id_, "language": language, "now": now},
                )
                conn.execute(
                    text(
                        "INSERT INTO drafts (id, adaptation_id, revision_number, state, title, body, error, "
                        "segments_done, segments_total, model, attempts, request_id, created_at) VALUES "
                        "(:id, :id, 1, :state, '', '', :error, 0, 0, '', 0, '', :now)"
                    ),
                    {"id": id_, "state": state, "error": error, "now": now},
                )
        engine.dispose()
        upgrade(url, "0003")
        engine = create_engine(url)
        with engine.connect() as conn:
            codes = dict(conn.execute(text("SELECT id, error_code FROM drafts")).all())
        engine.dispose()
        assert codes == {1: "missing_model", 2: "timeout", 3: "translation_failed", 4: ""}
    finally:
        drop()


def test_0005_keeps_each_story_published_before_it_as_its_first_version(tmp_path):
    url, drop = new_database(database_kind(), tmp_path)
    url = normalize_database_url(url)
    now, published = "2026-11-29 00:00:00", "2026-11-30 09:30:00"
    try:
        upgrade(url, "0004")
        engine = create_engine(url)
        with engine.begin() as conn:
            for id_, name in ((1, "ahmad"), (2, "rima")):
                conn.execute(
                    text(
                        "INSERT INTO users (id, username, display_name, password_hash, active, created_at) "
                        "VALUES (:id, :name, :name, 'x', true, :now)"
                    ),
                    {"id": id_, "name": name, "now": now},
                )
            conn.execute(
                text(
                    "INSERT INTO articles (id, reporter_id, language, section, current_revision, created_at, "
                    "updated_at) VALUES (1, 1, 'ar', 'News', 1, :now, :now)"
                ),
                {"now": now},
            )
            for id_, language, published_at in ((1, "en", published), (2, "fr", None)):
                conn.execute(
                    text(
                        "INSERT INTO adaptations (id, article_id, language, state, title, body, version, "
                        "based_on_revision, slug, published_at, created_at, updated_at) VALUES (:id, 1, "
                        ":language, :state, 'Title', 'Body.', 1, 1, 'title', :published_at, :now, :now)"
                    ),
                    {
                        "id": id_,
                        "language": language,
                        "state": "published" if published_at else "in_review",
                        "published_at": published_at,
                        "now": now,
                    },
                )
            conn.execute(
                text(
                    "INSERT INTO credits (id, adaptation_id, role, user_id, created_at) "
                    "VALUES (1, 1, 'editor', 2, :now)"
                ),
                {"now": now},
            )
        engine.dispose()
        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT adaptation_id, number, title, body, source_revision, approved_by_id, correction_note "
                    "FROM published_versions"
                )
            ).all()
        engine.dispose()
        assert [tuple(r) for r in rows] == [(1, 1, "Title", "Body.", 1, 2, "")]
    finally:
        drop()


def test_0018_rebuilds_the_search_index_with_arabic_stems_and_its_downgrade_without(tmp_path):
    url, drop = new_database(database_kind(), tmp_path)
    url = normalize_database_url(url)
    now = "2026-12-05 00:00:00"
    try:
        upgrade(url, "0017_mail")
        engine = create_engine(url)
        with engine.begin() as conn:
            add_reporter_and_original(conn, now)
            conn.execute(
                text(
                    "INSERT INTO article_revisions (article_id, number, title, body, author_id, note, "
                    "created_at) VALUES (1, 1, 'خطة لإعادة البناء', 'رست السفن بالميناء.', 1, '', :now)"
                ),
                {"now": now},
            )
        engine.dispose()

        def stored() -> tuple[str, bool]:
            """The original's indexed body and whether the full-text index finds it by ميناء."""
            engine = create_engine(url)
            with engine.connect() as conn:
                body = conn.scalar(text("SELECT body_key FROM search_documents WHERE kind = 'original'"))
                if engine.dialect.name == "postgresql":
                    found = conn.scalar(
                        text(
                            "SELECT count(*) FROM search_documents "
                            "WHERE document @@ plainto_tsquery('simple', 'ميناء')"
                        )
                    )
                else:
                    found = conn.scalar(
                        text("SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"ميناء\"'")
                    )
            engine.dispose()
            return body, bool(found)

        # Rows written by hand are not indexed yet: 0018 indexes them, each Arabic word with its stem.
        upgrade(url)
        with_stems = ("رست السفن\u2e28سفن\u2e29 بالميناء\u2e28ميناء\u2e29.", True)
        assert stored() == with_stems
        # Its downgrade writes the index as 0017 did: the words as written only.
        downgrade(url, "0017_mail")
        assert stored() == ("رست السفن بالميناء.", False)
        upgrade(url)
        assert stored() == with_stems
    finally:
        drop()


def test_0021_counts_the_words_of_every_existing_original_and_adaptation(tmp_path):
    url, drop = new_database(database_kind(), tmp_path)
    url = normalize_database_url(url)
    now = "2026-12-06 00:00:00"
    try:
        upgrade(url, "0020_search_by_kind")
        engine = create_engine(url)
        with engine.begin() as conn:
            add_reporter_and_original(conn, now, current_revision=2)
            for number, body in ((1, "رست السفن بالميناء."), (2, "رست  السفن\n\nبالميناء صباح الأحد.")):
                conn.execute(
                    text(
                        "INSERT INTO article_revisions (article_id, number, title, body, author_id, note, "
                        "created_at) VALUES (1, :number, 't', :body, 1, '', :now)"
                    ),
                    {"number": number, "body": body, "now": now},
                )
            for language, body in (("en", "Ships docked\n\nat the port."), ("fr", "")):
                conn.execute(
                    text(
                        "INSERT INTO adaptations (article_id, language, state, title, body, version, slug, "
                        "created_at, updated_at) VALUES (1, :language, 'in_adaptation', '', :body, 1, '', "
                        ":now, :now)"
                    ),
                    {"language": language, "body": body, "now": now},
                )
        engine.dispose()
        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            revisions = conn.execute(
                text("SELECT number, words FROM article_revisions ORDER BY number")
            ).all()
            adaptations = dict(conn.execute(text("SELECT language, words FROM adaptations")).all())
        engine.dispose()
        assert [tuple(r) for r in revisions] == [(1, 3), (2, 5)]
        assert adaptations == {"en": 5, "fr": 0}
    finally:
        drop()


def test_0022_stores_the_search_texts_with_lz4_where_the_server_has_it(tmp_path):
    """PostgreSQL 14+ built with lz4: the columns use it and a long document written before is rewritten with it;
    elsewhere (SQLite, an older or lz4-less server) the migration changes nothing."""
    url, drop = new_database(database_kind(), tmp_path)
    url = normalize_database_url(url)
    try:
        upgrade(url, "0021_word_counts")
        engine = create_engine(url)
        long_text = " ".join(f"كلمة{n}" for n in range(6000))  # compressed, not stored inline
        with engine.begin() as conn:
            add_reporter_and_original(conn, "2026-12-06 00:00:00")
            conn.execute(
                text(
                    "INSERT INTO search_documents (kind, ref_id, article_id, reporter_id, language, state, "
                    "restricted, title, title_key, body_key, tags, people, dated_at) VALUES ('original', 1, 1, 1, "
                    "'ar', '', false, 't', 't', :body, '', '', '2026-12-06 00:00:00')"
                ),
                {"body": long_text},
            )
        engine.dispose()
        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as conn:
            body = conn.scalar(text("SELECT body_key FROM search_documents"))
            if engine.dialect.name == "postgresql":
                lz4 = conn.scalar(
                    text(
                        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
                    )
                )
                stored = conn.scalar(text("SELECT pg_column_compression(body_key) FROM search_documents"))
                assert stored == ("lz4" if lz4 else "pglz")
        engine.dispose()
        assert body == long_text
    finally:
        drop()
