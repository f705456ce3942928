"""Reads don't recompute: a draft's memory matches are computed once per memory generation, stored, and read."""

from __future__ import annotations

from sqlalchemy import event

from tests.support.assist import SECOND_BODY, make_draft, publish_first_story
from tests.support.factories import make_article
from tests.web.test_desk_support import get, person_client
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import StoredMatches


class Statements:
    """The SQL statements run while inside the `with` block."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def _seen(self, connection, cursor, statement: str, *args) -> None:
        self.seen.append(statement)

    def __enter__(self) -> Statements:
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self._seen)

    def on(self, *tables: str) -> list[str]:
        """The statements that name one of `tables`."""
        return [s for s in self.seen if any(table in s for table in tables)]

    def memory(self) -> list[str]:
        """The statements that read the memory: its units, PostgreSQL's posting lists or SQLite's word table."""
        return self.on("tm_units", "tm_word_postings", "tm_words_")


def first_match(page) -> str:
    """The first segment's memory column as the workbench shows it."""
    row = page.find("table", class_="segments").find_all("tr", class_="segment")[0]
    return " ".join(row.find("td", class_="seg-tm").text.split())


def test_the_workbench_reads_stored_matches_until_the_memory_changes(app, session):
    """The second read runs no memory query; publishing a story that feeds the memory makes the next read fresh."""
    second = make_article(title="زيارة ثانية", body=SECOND_BODY).adaptations[0]
    make_draft(second, "A second visit", {})
    client, _ = person_client(app, Role.ADAPTOR)
    with Statements() as first_read:
        assert first_match(get(client, f"/desk/adaptations/{second.id}")) == "No match"
    assert first_read.memory()  # computed once...
    assert db.session.get(StoredMatches, second.draft.id) is not None  # ...and stored
    with Statements() as second_read:
        assert first_match(get(client, f"/desk/adaptations/{second.id}")) == "No match"
    assert second_read.memory() == [] and second_read.on("draft_memory_matches")
    publish_first_story()  # feeds the memory with a sentence of the second article
    with Statements() as after_feed:
        shown = first_match(get(client, f"/desk/adaptations/{second.id}"))
    assert shown.startswith("100%") and "It is the first visit of its kind in 24 years." in shown
    assert after_feed.on("tm_units")
    with Statements() as again:
        assert first_match(get(client, f"/desk/adaptations/{second.id}")) == shown
    assert again.memory() == []


def test_the_review_page_looks_up_no_memory(app, session):
    """The review page shows no matches, so it never looks them up."""
    story = publish_first_story()
    client, _ = person_client(app, Role.EDITOR)
    with Statements() as read:
        assert get(client, f"/desk/review/{story.adaptation.id}").status == 200
    assert read.memory() == [] and read.on("draft_memory_matches") == []
