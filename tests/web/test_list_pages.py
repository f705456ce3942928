"""Desk list pages a page at a time: a pager, bounded arguments, and as many SQL statements for 50 rows as for 10."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.support.factories import drive, make_article, make_user
from tests.web.test_desk_support import get, person_client
from workflow.domain.states import Role, State
from workflow.extensions import db

#: A target language no other page test uses, so the queue holds this test's rows only when filtered by it.
LANGUAGE = "so"


class StatementCounter:
    """Counts the SQL statements the engine runs while it is active (not the test's own savepoints)."""

    def __init__(self) -> None:
        self.count = 0

    def _seen(self, connection, cursor, statement: str, *args) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO")):
            self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self._seen)


def statements_for(client, url: str) -> int:
    """SQL statements one GET of `url` runs (it must answer 200)."""
    with StatementCounter() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def add_originals(reporter, count: int, target: str = LANGUAGE) -> None:
    for n in range(count):
        make_article(reporter, title=f"Story {n}", language="en", targets=[target, "sw"])


def test_the_adaptor_queue_shows_one_page_and_a_pager(app, session):
    client, _ = person_client(app, Role.ADAPTOR)
    add_originals(make_user(Role.REPORTER), 5)
    page = get(client, f"/desk/queue?language={LANGUAGE}&per_page=2")
    assert page.status == 200
    assert len(page.find("table", class_="queue").find_all("tr")) == 1 + 2  # heading row and two rows
    assert "Page 1 of 3 · 5 in all" in page.text
    following = page.find("a", rel="next").get("href")
    assert f"language={LANGUAGE}" in following and "page=2" in following
    last = get(client, page.find("a", rel="last").get("href"))
    assert len(last.find("table", class_="queue").find_all("tr")) == 1 + 1
    assert "Page 3 of 3" in last.text


def test_the_adaptor_queue_has_fifty_rows_a_page_by_default(app, session):
    client, _ = person_client(app, Role.ADAPTOR)
    add_originals(make_user(Role.REPORTER), 51)
    page = get(client, f"/desk/queue?language={LANGUAGE}")
    assert len(page.find("table", class_="queue").find_all("tr")) == 1 + 50
    assert "Page 1 of 2 · 51 in all" in page.text


@pytest.mark.parametrize("query", ["page=0", "page=x", "per_page=500", "per_page=0"])
def test_bad_page_arguments_show_a_message(app, session, query):
    client, _ = person_client(app, Role.ADAPTOR)
    page = get(client, f"/desk/queue?{query}")
    assert page.status == 400
    assert "must be a whole number from 1 to" in page.alert()


def test_the_review_queue_and_a_reporters_list_are_paged(app, session):
    reporter_client, reporter = person_client(app, Role.REPORTER)
    add_originals(reporter, 3)
    mine = get(reporter_client, "/desk/reports?per_page=2")
    assert mine.status == 200 and "Page 1 of 2 · 3 in all" in mine.text
    assert "Page 2 of 2" in get(reporter_client, mine.find("a", rel="next").get("href")).text
    editor_client, _ = person_client(app, Role.EDITOR)
    review = get(editor_client, f"/desk/review?state=all&language={LANGUAGE}&per_page=2")
    assert review.status == 200 and "Page 1 of 2 · 3 in all" in review.text
    assert get(reporter_client, "/desk/reports?page=nope").status == 400


def test_an_adaptors_own_list_is_paged_with_work_in_progress_first(app, session):
    client, adaptor = person_client(app, Role.ADAPTOR)
    editor = make_user(Role.EDITOR)
    reporter = make_user(Role.REPORTER)
    held = [make_article(reporter, language="en", targets=[LANGUAGE]).adaptations[0] for _ in range(3)]
    drive(held[0], State.PUBLISHED, adaptor=adaptor, editor=editor)
    for adaptation in held[1:]:
        drive(adaptation, State.IN_ADAPTATION, adaptor=adaptor)
    first = get(client, "/desk/mine?per_page=2")
    assert first.status == 200 and "Page 1 of 2 · 3 in all" in first.text
    assert "In progress" in first.text and "Finished" not in first.text
    second = get(client, first.find("a", rel="next").get("href"))
    assert "Finished" in second.text and "You hold nothing" not in second.text


@pytest.mark.parametrize(
    ("roles", "url"),
    [
        ((Role.ADAPTOR,), f"/desk/queue?language={LANGUAGE}&per_page=50"),
        ((Role.EDITOR,), f"/desk/review?state=all&language={LANGUAGE}&per_page=50"),
        ((Role.REPORTER,), "/desk/reports?per_page=50"),
        ((Role.ADAPTOR,), f"/api/v1/queue?language={LANGUAGE}&per_page=50"),
        ((Role.REPORTER,), "/api/v1/articles?per_page=50"),
    ],
)
def test_a_list_runs_as_many_statements_for_fifty_rows_as_for_ten(app, session, roles, url):
    client, person = person_client(app, *roles)
    reporter = person if Role.REPORTER in roles else make_user(Role.REPORTER)
    add_originals(reporter, 10)
    client.get(url)  # first request warms what is loaded once per process
    ten = statements_for(client, url)
    add_originals(reporter, 40)
    assert statements_for(client, url) == ten


class StatementsSeen(StatementCounter):
    """Keeps the SQL statements the engine runs while it is active."""

    def __init__(self) -> None:
        super().__init__()
        self.statements: list[str] = []

    def _seen(self, connection, cursor, statement: str, *args) -> None:
        super()._seen(connection, cursor, statement, *args)
        self.statements.append(statement)


@pytest.mark.parametrize(
    ("role", "url", "state"),
    [
        (Role.ADAPTOR, f"/desk/queue?language={LANGUAGE}", State.IN_ADAPTATION),
        (Role.EDITOR, f"/desk/review?language={LANGUAGE}", State.IN_REVIEW),
    ],
)
def test_the_queues_show_lengths_without_reading_any_text(app, session, role, url, state):
    """A row's length is the stored word count: the page's SQL reads neither the original's nor the
    adaptation's body, which for long investigations is most of the bytes a list would read."""
    client, _ = person_client(app, role)
    article = make_article(
        make_user(Role.REPORTER), title="Long", body="one two three " * 700, language="en", targets=[LANGUAGE]
    )
    adaptation = drive(article.adaptations[0], state)
    adaptation.body = "un deux " * 600  # as an adaptor's save sets it
    session.flush()
    with StatementsSeen() as seen:
        page = get(client, url)
    [row] = page.find("table").find("tbody").find_all("tr")
    counts = {cell.text.strip() for cell in row.find_all("td", class_="num")}
    assert ("2100" if role == Role.ADAPTOR else "1200") in counts, counts
    read = " ".join(seen.statements)
    assert "article_revisions.body" not in read
    assert "adaptations.body" not in read
