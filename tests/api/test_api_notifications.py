"""Notifications and one's own settings through the API: the list (paged, unread count), marking read, PUT /me."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.factories import finish_draft, make_article, make_user
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.services.adaptations import perform_action


@pytest.fixture()
def claimed(reporter, adaptor):
    """Three adaptations of the reporter's, each claimed by the adaptor: three notifications for the reporter."""
    adaptations = [make_article(reporter, targets=["en"]).adaptations[0] for _ in range(3)]
    for adaptation in adaptations:
        finish_draft(adaptation)
        perform_action(db.session, adaptor, adaptation, "claim")
    db.session.commit()
    return adaptations


def test_the_list_is_the_callers_newest_first_paged_with_the_unread_count(api, reporter, adaptor, claimed):
    listed = api.get("/api/v1/notifications?per_page=2", reporter)
    assert listed.status_code == 200
    body = listed.json
    assert (body["total"], body["count"], body["pages"], body["unread"]) == (3, 2, 2, 3)
    assert [n["adaptation_id"] for n in body["items"]] == [claimed[2].id, claimed[1].id]
    first = body["items"][0]
    assert (first["event"], first["read"], first["actor"]["username"]) == ("claimed", False, adaptor.username)
    assert first["message"] == "An adaptor took the adaptation (Arabic → English)."
    assert first["url"].endswith(f"/desk/reports/{claimed[2].article_id}")  # a reporter's page for a reporter
    assert 'rel="next"' in listed.headers["Link"] and listed.headers["X-Total-Count"] == "3"
    assert_matches(body, "Notifications")
    assert api.get("/api/v1/notifications", make_user(Role.EDITOR)).json["total"] == 0


def test_marking_read_by_ids_or_all_and_only_ones_own(api, reporter, adaptor, claimed):
    ids = [n["id"] for n in api.get("/api/v1/notifications", reporter).json["items"]]
    stranger = api.post("/api/v1/notifications/read", adaptor, json={"ids": ids})
    assert stranger.status_code == 200 and stranger.json["marked"] == 0
    one = api.post("/api/v1/notifications/read", reporter, json={"ids": ids[:1]})
    assert one.json == {"marked": 1, "unread": 2}
    assert_matches(one.json, "NotificationsRead")
    unread = api.get("/api/v1/notifications?unread=1", reporter).json
    assert [n["id"] for n in unread["items"]] == ids[1:]
    rest = api.post("/api/v1/notifications/read", reporter, json={"all": True})
    assert rest.json == {"marked": 2, "unread": 0}


@pytest.mark.parametrize(
    "body", [{}, {"ids": []}, {"ids": ["1"]}, {"ids": [True]}, {"all": "yes"}, {"ids": 3}]
)
def test_a_bad_read_request_is_400_naming_ids(api, reporter, body):
    assert_error(api.post("/api/v1/notifications/read", reporter, json=body), 400, field="ids")


def test_the_notifications_need_a_person(api, session):
    assert api.get("/api/v1/notifications").status_code == 401


def test_people_set_their_email_and_language_pairs(api, adaptor):
    done = api.put(
        "/api/v1/me", adaptor, json={"email": " nadine@example.org ", "language_pairs": ["ar-en", "AR>fr"]}
    )
    assert done.status_code == 200, done.json
    assert (done.json["email"], done.json["language_pairs"]) == ("nadine@example.org", ["ar-en", "ar-fr"])
    assert_matches(done.json, "Me")
    kept = api.put("/api/v1/me", adaptor, json={"language_pairs": "fr-en"})
    assert (kept.json["email"], kept.json["language_pairs"]) == ("nadine@example.org", ["fr-en"])
    cleared = api.put("/api/v1/me", adaptor, json={"email": None, "language_pairs": []})
    assert (cleared.json["email"], cleared.json["language_pairs"]) == (None, [])


@pytest.mark.parametrize(
    "body,field",
    [
        ({}, "body"),
        ({"email": "not an address"}, "email"),
        ({"email": 5}, "email"),
        ({"language_pairs": "arabic-english"}, "language_pairs"),
        ({"language_pairs": "ar-ar"}, "language_pairs"),
        ({"language_pairs": 7}, "language_pairs"),
    ],
)
def test_bad_settings_are_400_naming_the_field(api, adaptor, body, field):
    assert_error(api.put("/api/v1/me", adaptor, json=body), 400, field=field)


def test_people_choose_one_mail_a_day_instead_of_one_per_event(api, adaptor):
    assert api.get("/api/v1/me", adaptor).json["mail_digest"] is False
    chosen = api.put("/api/v1/me", adaptor, json={"mail_digest": True})
    assert chosen.status_code == 200 and chosen.json["mail_digest"] is True
    assert api.get("/api/v1/me", adaptor).json["mail_digest"] is True
    for bad in ("yes", 1, None):
        assert_error(api.put("/api/v1/me", adaptor, json={"mail_digest": bad}), 400, field="mail_digest")
    assert api.get("/api/v1/me", adaptor).json["mail_digest"] is True  # nothing changed by a refusal
    assert api.put("/api/v1/me", adaptor, json={"mail_digest": False}).json["mail_digest"] is False


def test_people_choose_which_events_mail_them(api, adaptor):
    assert (
        "draft_ready" in api.get("/api/v1/me", adaptor).json["mail_events"]
    )  # every event, until they choose
    chosen = api.put("/api/v1/me", adaptor, json={"mail_events": ["reassigned", "deadline_soon"]})
    assert chosen.status_code == 200 and chosen.json["mail_events"] == ["reassigned", "deadline_soon"]
    assert_error(
        api.put("/api/v1/me", adaptor, json={"mail_events": ["everything"]}), 400, field="mail_events"
    )
    assert_error(api.put("/api/v1/me", adaptor, json={"mail_events": "reassigned"}), 400, field="mail_events")
