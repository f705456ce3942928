"""The credits report page and its CSV and JSON exports (formula-safe CSV), for editors only."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from tests.support.factories import drive, make_article, make_user, token_for
from tests.web.test_desk_support import get, person_client
from workflow.domain.states import Role, State
from workflow.domain.text import word_count
from workflow.models import utcnow
from workflow.web.reports import csv_cell

PLAIN_BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."


@pytest.fixture()
def people(session):
    reporter = make_user(Role.REPORTER, name='=HYPERLINK("http://evil.example","x")')
    adaptor = make_user(Role.ADAPTOR, name="Nadine Sassine")
    editor = make_user(Role.EDITOR, name="@Rima Haddad")
    published = drive(
        make_article(reporter, body=PLAIN_BODY).adaptations[0],
        State.PUBLISHED,
        adaptor=adaptor,
        editor=editor,
    )
    old = drive(
        make_article(reporter, body=PLAIN_BODY).adaptations[0],
        State.PUBLISHED,
        adaptor=adaptor,
        editor=editor,
    )
    old.published_at = old.article.created_at = utcnow() - timedelta(days=90)
    session.commit()
    return reporter, adaptor, editor, word_count(published.body)


def test_the_page_lists_each_person_with_pages_and_words(app, session, people):
    reporter, adaptor, editor, words = people
    client, _me = person_client(app, Role.EDITOR)
    page = get(client, "/desk/reports/credits")
    assert page.status == 200, page.text[:300]
    table = page.find("table", class_="credits-table")
    assert "Credits from" in table.find("caption").text

    def cells(user):
        return [c.text.strip() for c in table.find("tr", data_username=user.username).find_all("td")]

    assert cells(reporter) == ["1", "11", "0", "0", "0", "0", "1", "11"]
    assert cells(adaptor) == ["0", "0", "1", str(words), "0", "0", "1", str(words)]
    assert cells(editor) == ["0", "0", "0", "0", "1", str(words), "1", str(words)]
    links = {a.text.strip(): a.get("href") for a in page.find("p", class_="exports").find_all("a")}
    assert "format=csv" in links["CSV"] and "format=json" in links["JSON"]
    assert not any(a.has("style") for a in page.find_all())


def test_the_period_filter_brings_in_older_work(app, session, people):
    reporter, adaptor, _editor, _words = people
    client, _me = person_client(app, Role.EDITOR)
    since = (utcnow() - timedelta(days=120)).date().isoformat()
    data = client.get(f"/desk/reports/credits?from={since}&format=json").get_json()
    rows = {p["username"]: p for p in data["people"]}
    assert rows[reporter.username]["reported"]["pages"] == 2
    assert rows[adaptor.username]["adapted"]["pages"] == 2
    older = (utcnow() - timedelta(days=90)).date().isoformat()
    data = client.get(f"/desk/reports/credits?from={older}&to={older}&format=json").get_json()
    assert {p["username"]: p["adapted"]["pages"] for p in data["people"]}[adaptor.username] == 1
    assert data["from"] == data["to"] == older


def test_csv_export_is_an_attachment_and_safe_from_formulas(app, session, people):
    reporter, adaptor, editor, words = people
    client, _me = person_client(app, Role.EDITOR)
    response = client.get("/desk/reports/credits?format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="adaptdesk-credits-')
    assert disposition.endswith('.csv"')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [
        "username",
        "name",
        "reported_pages",
        "reported_words",
        "adapted_pages",
        "adapted_words",
        "approved_pages",
        "approved_words",
        "total_pages",
        "total_words",
    ]
    by_user = {r[0]: r for r in rows[1:-1]}
    assert by_user[reporter.username][1] == '\'=HYPERLINK("http://evil.example","x")'
    assert by_user[editor.username][1:] == [
        "'@Rima Haddad",
        "0",
        "0",
        "0",
        "0",
        "1",
        str(words),
        "1",
        str(words),
    ]
    assert by_user[adaptor.username][1] == "Nadine Sassine"
    assert rows[-1][:2] == ["", "Total"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Nadine", "Nadine"),
        ("", ""),
        (5, 5),
    ],
)
def test_csv_cells_are_escaped(value, safe):
    assert csv_cell(value) == safe


def test_json_export_matches_the_api(app, session, people):
    client, editor = person_client(app, Role.EDITOR)
    response = client.get("/desk/reports/credits?format=json")
    assert response.status_code == 200 and response.is_json
    assert response.headers["Content-Disposition"].endswith('.json"')
    api = client.get("/api/v1/reports/credits", headers=token_for(editor))
    assert json.loads(response.get_data(as_text=True)) == api.get_json()


def test_bad_input_is_refused_on_the_page(app, session):
    client, _me = person_client(app, Role.EDITOR)
    page = get(client, "/desk/reports/credits?to=31-01-2026")
    assert page.status == 400 and "'to' must be a date" in page.alert()
    page = get(client, "/desk/reports/credits?format=xlsx")
    assert page.status == 400 and "'format' must be csv or json" in page.alert()


@pytest.mark.parametrize("role", [Role.ADAPTOR, Role.REPORTER, Role.ADMIN])
@pytest.mark.parametrize("export", ["", "?format=csv", "?format=json"])
def test_only_editors_get_the_report(app, session, role, export):
    client, _person = person_client(app, role)
    assert client.get(f"/desk/reports/credits{export}").status_code == 403


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_csv_quotes_every_field_and_no_separator_starts_a_formula(app, session, separator):
    """Spreadsheets in many locales split on `;` (or guess tabs): every field is quoted, and a name holding a
    separator followed by a formula start is defused, so no cell of any reading starts a formula."""
    adaptor = make_user(Role.ADAPTOR, name="Nadine Sassine;=HYPERLINK(1)|@x,-2")
    drive(make_article(body=PLAIN_BODY).adaptations[0], State.PUBLISHED, adaptor=adaptor)
    client, _me = person_client(app, Role.EDITOR)
    text = client.get("/desk/reports/credits?format=csv").get_data(as_text=True).removeprefix("\ufeff")
    lines = text.strip("\r\n").split("\r\n")
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    rows = list(csv.reader(io.StringIO(text)))
    assert all(f'"{cell}"' in lines[i] for i, row in enumerate(rows) for cell in row), "a field is not quoted"
    cells = [cell.strip(' "') for row in csv.reader(io.StringIO(text), delimiter=separator) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    by_user = {row[0]: row for row in rows[1:-1]}
    assert by_user[adaptor.username][1] == "Nadine Sassine;'=HYPERLINK(1)|'@x,'-2"
