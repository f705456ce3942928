"""GET /api/v1/reports/credits: editors only, a period of whole days, 400 naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.factories import drive, make_article
from workflow.domain.states import State
from workflow.domain.text import word_count
from workflow.extensions import db
from workflow.models import utcnow

URL = "/api/v1/reports/credits"
PLAIN_BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."


def test_editors_get_the_credits_of_the_period(api, reporter, adaptor, editor):
    published = drive(
        make_article(reporter, body=PLAIN_BODY).adaptations[0],
        State.PUBLISHED,
        adaptor=adaptor,
        editor=editor,
    )
    db.session.commit()
    response = api.get(URL, editor)
    assert response.status_code == 200, response.json
    assert_matches(response.json, "CreditsReport")
    today = utcnow().date()
    assert response.json["from"] == today.replace(day=1).isoformat()
    assert response.json["to"] == today.isoformat()
    rows = {p["username"]: p for p in response.json["people"]}
    words = word_count(published.body)
    assert rows[reporter.username]["reported"] == {"pages": 1, "words": 11}
    assert rows[reporter.username]["name"] == "Ahmad Abdallah"
    assert rows[adaptor.username]["adapted"] == {"pages": 1, "words": words}
    assert rows[editor.username]["approved"] == {"pages": 1, "words": words}
    assert rows[editor.username]["total"] == {"pages": 1, "words": words}
    assert response.json["totals"]["adapted"]["pages"] >= 1
    assert "published" in response.json["rule"]


def test_the_period_filters_by_publication_day(api, reporter, adaptor, editor):
    published = drive(
        make_article(reporter, body=PLAIN_BODY).adaptations[0],
        State.PUBLISHED,
        adaptor=adaptor,
        editor=editor,
    )
    day = (utcnow() - timedelta(days=200)).date()
    published.published_at = published.article.created_at = utcnow() - timedelta(days=200)
    db.session.commit()
    inside = api.get(f"{URL}?from={day.isoformat()}&to={day.isoformat()}", editor).json
    assert {p["username"] for p in inside["people"]} >= {reporter.username, adaptor.username, editor.username}
    before = (day - timedelta(days=1)).isoformat()
    outside = api.get(f"{URL}?from={before}&to={before}", editor).json
    mine = {reporter.username, adaptor.username, editor.username}
    assert not {p["username"] for p in outside["people"]} & mine


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-02-30", "from"),
        ("from=yesterday", "from"),
        ("to=2026/01/31", "to"),
        ("to=9999-12-31", "to"),
        ("from=2026-03-01&to=2026-02-01", "from"),
    ],
)
def test_bad_dates_are_400_naming_the_field(api, editor, query, field):
    assert_error(api.get(f"{URL}?{query}", editor), 400, "invalid", field)


def test_others_are_refused(api, reporter, adaptor):
    for person in (reporter, adaptor):
        body = assert_error(api.get(URL, person), 403, "forbidden")
        assert "for editors" in body["message"]
    assert_error(api.get(URL), 401)
