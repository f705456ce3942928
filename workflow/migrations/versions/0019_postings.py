"""Memory lookups at a million units: posting lists of each word's units, so a lookup counts how much of a segment
each unit shares instead of reading every unit holding a pair of its words.

PostgreSQL: tm_word_postings holds, per language pair, word and block of 65,536 unit ids, the ids of the units
whose source key holds the word (four bytes each, big-endian), kept by statement-level triggers on tm_units (so
COPY and bulk inserts fill them too); the GIN index on the key's words, which only the old pair probes read, goes.
SQLite keeps its FTS5 word table (migration 0016): nothing changes there.

Revision ID: 0019_postings
Revises: 0018_clitics
Create Date: 2026-12-05 15:00:00
"""

from alembic import op


revision = '0019_postings'
down_revision = '0018_clitics'
branch_labels = None
depends_on = None

#: Unit ids per block of a posting list (ids >> 16): a list a row, short enough to rewrite when units are added.
BLOCK_BITS = 16

#: The words of the units of a transition table, once per unit, by pair and block.
_WORDS_OF = (
    "SELECT DISTINCT u.source_lang, u.target_lang, w AS word, u.id >> {bits} AS block, u.id "
    "FROM {units} u, unnest(u.source_words) AS w WHERE w <> ''"
)

_FUNCTION = f"""
CREATE FUNCTION tm_postings_follow() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry record;
    ids bytea;
    gone integer;
    needle bytea;
    at integer;
    after integer;
BEGIN
    -- One writer of the posting lists at a time, until it commits: writers queue on the commonest words' rows
    -- anyway, and a transaction that removes units then adds others would otherwise lock rows out of order.
    PERFORM pg_advisory_xact_lock(hashtext('adaptdesk.tm_word_postings'));
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        -- Take each removed id out of its lists, in a fixed order (concurrent writers lock rows alike).
        FOR entry IN
            SELECT source_lang, target_lang, word, block, array_agg(id) AS removed
            FROM ({_WORDS_OF.format(bits=BLOCK_BITS, units='removed_units')}) AS w
            GROUP BY source_lang, target_lang, word, block
            ORDER BY source_lang, target_lang, word, block
        LOOP
            SELECT p.unit_ids INTO ids FROM tm_word_postings p
            WHERE p.source_lang = entry.source_lang AND p.target_lang = entry.target_lang
              AND p.word = entry.word AND p.block = entry.block
            FOR UPDATE;
            CONTINUE WHEN NOT FOUND;
            FOREACH gone IN ARRAY entry.removed LOOP
                needle := int4send(gone);
                after := 0;
                LOOP
                    at := position(needle IN substring(ids FROM after + 1));
                    EXIT WHEN at = 0;
                    at := at + after;
                    IF (at - 1) % 4 = 0 THEN  -- an id's own four bytes, not the end of one and the start of the next
                        ids := overlay(ids PLACING ''::bytea FROM at FOR 4);
                        EXIT;
                    END IF;
                    after := at;
                END LOOP;
            END LOOP;
            IF length(ids) = 0 THEN
                DELETE FROM tm_word_postings p
                WHERE p.source_lang = entry.source_lang AND p.target_lang = entry.target_lang
                  AND p.word = entry.word AND p.block = entry.block;
            ELSE
                UPDATE tm_word_postings p SET unit_ids = ids
                WHERE p.source_lang = entry.source_lang AND p.target_lang = entry.target_lang
                  AND p.word = entry.word AND p.block = entry.block;
            END IF;
        END LOOP;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tm_word_postings AS p (source_lang, target_lang, word, block, unit_ids)
        SELECT source_lang, target_lang, word, block, string_agg(int4send(id), ''::bytea ORDER BY id)
        FROM ({_WORDS_OF.format(bits=BLOCK_BITS, units='added_units')}) AS w
        GROUP BY source_lang, target_lang, word, block
        ORDER BY source_lang, target_lang, word, block
        ON CONFLICT (source_lang, target_lang, word, block) DO UPDATE SET unit_ids = p.unit_ids || excluded.unit_ids;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE TABLE tm_word_postings ("
            " source_lang varchar(8) NOT NULL, target_lang varchar(8) NOT NULL, word text NOT NULL,"
            " block integer NOT NULL, unit_ids bytea NOT NULL,"
            " CONSTRAINT pk_tm_word_postings PRIMARY KEY (source_lang, target_lang, word, block))"
        )
        op.execute(_FUNCTION)
        op.execute(
            "CREATE TRIGGER tm_postings_added AFTER INSERT ON tm_units REFERENCING NEW TABLE AS added_units "
            "FOR EACH STATEMENT EXECUTE FUNCTION tm_postings_follow()"
        )
        op.execute(
            "CREATE TRIGGER tm_postings_removed AFTER DELETE ON tm_units REFERENCING OLD TABLE AS removed_units "
            "FOR EACH STATEMENT EXECUTE FUNCTION tm_postings_follow()"
        )
        op.execute(
            "CREATE TRIGGER tm_postings_changed AFTER UPDATE ON tm_units "
            "REFERENCING OLD TABLE AS removed_units NEW TABLE AS added_units "
            "FOR EACH STATEMENT EXECUTE FUNCTION tm_postings_follow()"
        )
        op.execute(
            "INSERT INTO tm_word_postings (source_lang, target_lang, word, block, unit_ids) "
            "SELECT source_lang, target_lang, word, block, string_agg(int4send(id), ''::bytea ORDER BY id) "
            f"FROM ({_WORDS_OF.format(bits=BLOCK_BITS, units='tm_units')}) AS w "
            "GROUP BY source_lang, target_lang, word, block"
        )
        op.execute('DROP INDEX IF EXISTS ix_tm_units_source_words')
        op.execute('ANALYZE tm_word_postings')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name in ('added', 'removed', 'changed'):
            op.execute(f'DROP TRIGGER IF EXISTS tm_postings_{name} ON tm_units')
        op.execute('DROP FUNCTION IF EXISTS tm_postings_follow()')
        op.execute('DROP TABLE IF EXISTS tm_word_postings')
        op.execute('CREATE INDEX ix_tm_units_source_words ON tm_units USING gin (source_words)')
