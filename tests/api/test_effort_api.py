"""Effort through the API: `effort` on every adaptation, active seconds sent with saves, bounded."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.helpers import adaptation_row, assert_error, assert_matches
from tests.support.factories import drive, make_article, make_user
from workflow.domain.effort import MAX_SECONDS_PER_SAVE, SLACK_SECONDS
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import EditingTime

PLAIN_BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."


@pytest.fixture()
def held(adaptor):
    return drive(make_article(body=PLAIN_BODY).adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)


def url(adaptation_id: int, suffix: str = "") -> str:
    return f"/api/v1/adaptations/{adaptation_id}{suffix}"


def _times(adaptation_id: int) -> list[tuple[int, int]]:
    rows = db.session.scalars(select(EditingTime).where(EditingTime.adaptation_id == adaptation_id))
    return sorted((r.user_id, r.seconds) for r in rows)


def test_effort_is_part_of_every_adaptation(api, adaptor, editor, held):
    shown = api.adaptation(held.id, adaptor)
    assert_matches(shown, "Adaptation")
    assert shown["effort"] == {"score": None, "seconds": 0, "rounds": 0}

    save = {"title": held.title, "body": held.body, "version": held.version, "active_seconds": SLACK_SECONDS}
    response = api.put(url(held.id), adaptor, json=save)
    assert response.status_code == 200, response.json
    assert response.json["effort"] == {"score": None, "seconds": SLACK_SECONDS, "rounds": 0}
    assert api.act(held.id, "submit", adaptor).status_code == 200
    shown = api.adaptation(held.id, editor)
    assert shown["effort"] == {"score": 0, "seconds": SLACK_SECONDS, "rounds": 1}
    assert_matches(shown, "Adaptation")

    assert api.act(held.id, "request-changes", editor, comment="Rewrite it all.").status_code == 200
    assert api.act(held.id, "claim", adaptor).status_code == 200
    version = api.adaptation(held.id, adaptor)["version"]
    rewrite = {
        "title": "Moscow and Pyongyang seal a pact",
        "version": version,
        "body": "Crowds lined streets at dawn as Kim greeted his guest.\n\nBoth praised the deal.",
    }
    assert api.put(url(held.id), adaptor, json=rewrite).status_code == 200
    assert api.act(held.id, "submit", adaptor).status_code == 200
    effort = api.adaptation(held.id, editor)["effort"]
    assert effort["rounds"] == 2 and effort["score"] >= 85  # near 100: only "the" and full stops survive


def test_a_save_without_active_seconds_records_nothing(api, adaptor, held):
    response = api.put(url(held.id), adaptor, json={"title": "T", "body": "B.", "version": held.version})
    assert response.status_code == 200
    assert _times(held.id) == []


@pytest.mark.parametrize("bad", [-1, 1.5, "60", True, [60], {"s": 1}, MAX_SECONDS_PER_SAVE + 1])
def test_invalid_active_seconds_are_refused_naming_the_field(api, adaptor, held, bad):
    before = adaptation_row(held.id).version
    response = api.put(
        url(held.id),
        adaptor,
        json={"title": "Changed", "body": "Changed.", "version": before, "active_seconds": bad},
    )
    assert_error(response, 400, "invalid", "active_seconds")
    db.session.expire_all()
    assert adaptation_row(held.id).version == before and _times(held.id) == []


def test_more_time_than_has_passed_is_refused_and_nothing_is_saved(api, adaptor, held):
    before = adaptation_row(held.id).version
    response = api.put(
        url(held.id),
        adaptor,
        json={"title": "Changed", "body": "Changed.", "version": before, "active_seconds": 3 * 3600},
    )
    body = assert_error(response, 400, "invalid", "active_seconds")
    assert "more than could have passed" in body["message"]
    db.session.expire_all()
    assert adaptation_row(held.id).title != "Changed" and _times(held.id) == []


def test_someone_who_may_not_edit_gets_403_and_records_nothing(api, held):
    other = make_user(Role.ADAPTOR)
    response = api.put(
        url(held.id), other, json={"title": "T", "body": "B.", "version": held.version, "active_seconds": 30}
    )
    assert_error(response, 403)
    assert _times(held.id) == []


def test_a_stale_save_records_no_time(api, adaptor, held):
    response = api.put(
        url(held.id),
        adaptor,
        json={"title": "T", "body": "B.", "version": held.version + 5, "active_seconds": 30},
    )
    assert_error(response, 409, "stale_version")
    assert _times(held.id) == []
