"""Stories change, through the API: source changes answer 409 until acknowledged, corrections keep every
published version, four eyes, scheduling bounds, idempotent submissions and a private review thread."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from tests.api.helpers import adaptation_row, assert_error, assert_matches
from tests.support.factories import drive, make_article, make_user
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Article, SubmissionKey, utcnow

ARTICLE = {"title": "عنوان", "body": "نص التقرير.", "language": "ar", "targets": ["en"]}
CORRECTED = "Pyongyang welcomed Putin.\n\nA comprehensive partnership was signed."


def act_url(adaptation_id: int, action: str) -> str:
    return f"/api/v1/adaptations/{adaptation_id}/actions/{action}"


@pytest.fixture()
def published(session, reporter, adaptor, editor):
    article = make_article(reporter)
    return drive(article.adaptations[0], State.PUBLISHED, adaptor=adaptor, editor=editor)


def test_a_changed_source_is_shown_and_refuses_submit_and_approve(api, reporter, adaptor, editor):
    article = make_article(reporter)
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    assert (
        api.put(f"/api/v1/articles/{article.id}", reporter, json={"title": "عنوان مصحح"}).status_code == 200
    )
    shown = api.adaptation(adaptation.id, adaptor)
    assert (shown["source_changed"], shown["source_revision"], shown["original_revision"]) == (True, 1, 2)
    assert "acknowledge-source" in shown["actions"] and "submit" not in shown["actions"]
    error = assert_error(api.act(adaptation.id, "submit", adaptor), 409, "source_changed")
    assert "acknowledge" in error["message"]
    [item] = api.get("/api/v1/queue?state=in_adaptation&source_changed=1", editor).json["items"]
    assert (item["id"], item["source_revision"], item["original_revision"]) == (adaptation.id, 1, 2)
    response = api.act(adaptation.id, "acknowledge-source", adaptor, note="Title fixed.", revision=2)
    assert response.status_code == 200, response.json
    entry = response.json["history"][-1]
    assert (entry["action"], entry["comment"], entry["details"]) == (
        "acknowledge-source",
        "Title fixed.",
        {"revision": 2, "previous": 1},
    )
    assert api.act(adaptation.id, "submit", adaptor).status_code == 200
    assert (
        api.put(f"/api/v1/articles/{article.id}", reporter, json={"title": "عنوان ثالث"}).status_code == 200
    )
    error = assert_error(api.act(adaptation.id, "approve", editor), 409, "source_changed")
    assert error["message"] == (
        "The original was revised after this adaptation was written. Read what changed (shown with the "
        "adaptation), bring the adaptation in line, and acknowledge the change before you approve it."
    )
    assert api.get("/api/v1/queue?source_changed=1", editor).json["count"] == 1


def test_a_ready_draft_and_a_story_sent_back_are_flagged_and_claimed_or_resubmitted(
    api, reporter, adaptor, editor
):
    article = make_article(reporter, targets=["en", "fr"])
    ready = drive(article.adaptations[0], State.DRAFT_READY)
    sent_back = drive(article.adaptations[1], State.CHANGES_REQUESTED, adaptor=adaptor, editor=editor)
    assert api.put(f"/api/v1/articles/{article.id}", reporter, json={"body": "نص مصحح."}).status_code == 200
    for adaptation, state in ((ready, "draft_ready"), (sent_back, "changes_requested")):
        shown = api.adaptation(adaptation.id, adaptor)
        assert (
            shown["state"],
            shown["source_changed"],
            shown["source_revision"],
            shown["original_revision"],
        ) == (
            state,
            True,
            1,
            2,
        )
    flagged = api.get("/api/v1/queue?state=draft_ready,changes_requested&source_changed=1", adaptor).json
    assert sorted(i["id"] for i in flagged["items"]) == sorted([ready.id, sent_back.id])
    assert_error(api.act(sent_back.id, "submit", adaptor), 409, "source_changed")
    assert api.act(sent_back.id, "acknowledge-source", adaptor, revision=2).status_code == 200
    assert api.act(sent_back.id, "submit", adaptor).json["state"] == "in_review"
    claimed = api.act(ready.id, "claim", make_user(Role.ADAPTOR))
    assert (claimed.json["state"], claimed.json["source_changed"]) == ("in_adaptation", True)


def test_editors_list_published_stories_whose_original_was_revised(api, published, reporter, adaptor, editor):
    url = "/api/v1/queue?state=published&source_changed=1"
    empty = api.get(url, editor).json
    assert (empty["items"], empty["count"], empty["total"]) == ([], 0, 0)
    other = drive(make_article(reporter).adaptations[0], State.PUBLISHED, adaptor=adaptor, editor=editor)
    article_id = published.article_id
    assert api.put(f"/api/v1/articles/{article_id}", reporter, json={"body": "نص مصحح."}).status_code == 200
    listed = api.get(url, editor)
    assert listed.status_code == 200
    assert_matches(listed.json, "Queue")
    [item] = listed.json["items"]
    assert (item["id"], item["state"], item["source_changed"]) == (published.id, "published", True)
    assert (item["source_revision"], item["original_revision"]) == (1, 2)
    assert other.id in [i["id"] for i in api.get("/api/v1/queue?state=published", editor).json["items"]]
    assert_error(api.get(url, reporter), 403)


def test_a_correction_is_published_as_a_new_version_with_its_note(api, published, adaptor, editor):
    story_id = published.id
    response = api.act(story_id, "correct", editor)
    assert response.status_code == 200 and response.json["state"] == "correcting"
    read = api.adaptation(story_id, adaptor)
    saved = api.put(
        f"/api/v1/adaptations/{story_id}",
        adaptor,
        json={"title": read["title"], "body": CORRECTED, "version": read["version"]},
    )
    assert saved.status_code == 200, saved.json
    assert saved.json["published"]["body"] != CORRECTED  # the site still shows the published text
    assert api.act(story_id, "submit", adaptor).status_code == 200
    assert_error(api.act(story_id, "approve", editor), 400, "invalid", "correction_note")
    response = api.act(story_id, "approve", editor, correction_note="The agreement was misnamed.")
    assert response.status_code == 200 and response.json["state"] == "published"
    assert response.json["published"]["body"] == CORRECTED
    versions = api.get(f"/api/v1/adaptations/{story_id}/versions", make_user(Role.REPORTER))
    assert versions.status_code == 200
    assert_matches(versions.json, "Versions")
    assert [
        (v["number"], v["approved_by"]["username"], v["correction_note"]) for v in versions.json["items"]
    ] == [(1, editor.username, None), (2, editor.username, "The agreement was misnamed.")]
    published_list = api.get("/api/v1/published").json["items"]
    assert [(i["id"], i["version"], i["body"]) for i in published_list] == [(story_id, 2, CORRECTED)]


def test_unpublished_stories_leave_the_public_list_and_come_back(api, published, editor):
    assert_error(api.act(published.id, "unpublish", editor), 400, "invalid", "reason")
    response = api.act(published.id, "unpublish", editor, reason="Legal hold.")
    assert response.status_code == 200 and response.json["url"] is None
    assert api.get("/api/v1/published").json["items"] == []
    assert api.act(published.id, "republish", editor).json["state"] == "published"
    assert [i["id"] for i in api.get("/api/v1/published").json["items"]] == [published.id]


def test_four_eyes_an_editor_who_adapted_it_may_not_approve_it(app, api, monkeypatch, reporter):
    both = make_user(Role.ADAPTOR, Role.EDITOR)
    adaptation = drive(make_article(reporter).adaptations[0], State.IN_REVIEW, adaptor=both)
    assert "approve" not in api.adaptation(adaptation.id, both)["actions"]
    error = assert_error(api.act(adaptation.id, "approve", both), 403, "self_approval")
    assert "another editor" in error["message"]
    settings = app.config["ADAPTDESK"]
    monkeypatch.setitem(app.config, "ADAPTDESK", dataclasses.replace(settings, allow_self_approval=True))
    assert api.act(adaptation.id, "approve", both).json["state"] == "published"


def test_four_eyes_an_editor_who_adapted_it_may_not_override_its_qa(api, reporter, editor):
    both = make_user(Role.ADAPTOR, Role.EDITOR)
    article = make_article(reporter, body="قتل ٢٤ شخصاً في انفجار قرب الميناء.")
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=both)
    read = api.adaptation(adaptation.id, both)
    text = {"title": "Blast", "body": "Several people died in a blast.", "version": read["version"]}
    assert api.put(f"/api/v1/adaptations/{adaptation.id}", both, json=text).status_code == 200
    url = f"/api/v1/adaptations/{adaptation.id}/qa/overrides"
    override = {"check": "numbers", "key": "24", "reason": "I know better."}
    response = api.post(url, both, json=override)
    error = assert_error(response, 403, "self_approval")
    assert response.json["error"] == "self_approval" and "another editor" in error["message"]
    assert api.get(f"/api/v1/adaptations/{adaptation.id}/qa", both).json["blocking"] == 1
    response = api.post(url, editor, json={**override, "reason": "The toll is disputed."})
    assert response.status_code == 201 and response.json["blocking"] == 0


@pytest.mark.parametrize(
    "publish_at",
    [
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-12:00",
        "2020-01-01T09:00:00Z",
        (utcnow() + timedelta(days=400)).isoformat(),
        (utcnow() - timedelta(minutes=10)).isoformat(),
    ],
)
def test_publish_at_out_of_bounds_is_400_naming_it(api, reporter, adaptor, editor, publish_at):
    adaptation = drive(make_article(reporter).adaptations[0], State.IN_REVIEW, adaptor=adaptor, editor=editor)
    assert_error(
        api.act(adaptation.id, "approve", editor, publish_at=publish_at), 400, "invalid", "publish_at"
    )
    assert adaptation_row(adaptation.id).state == "in_review"
    later = (utcnow() + timedelta(days=30)).isoformat()
    assert api.act(adaptation.id, "approve", editor, publish_at=later).json["state"] == "scheduled"


def test_an_idempotency_key_gives_back_the_same_original(api, reporter):
    headers = {"Idempotency-Key": "7f0c6a9e-5d1b-4d3e-9a65-1c2b3d4e5f60"}
    first = api.post("/api/v1/articles", reporter, json=ARTICLE, headers=headers)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = api.post("/api/v1/articles", reporter, json=dict(reversed(ARTICLE.items())), headers=headers)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json["id"] == first.json["id"] and again.headers["Location"] == first.headers["Location"]
    error = assert_error(
        api.post("/api/v1/articles", reporter, json={**ARTICLE, "body": "نص آخر."}, headers=headers),
        422,
        "idempotency_key_reused",
        "Idempotency-Key",
    )
    assert error["article_id"] == first.json["id"]
    assert_error(
        api.post("/api/v1/articles", reporter, json=ARTICLE, headers={"Idempotency-Key": "x" * 256}),
        400,
        "invalid",
        "Idempotency-Key",
    )
    assert api.post("/api/v1/articles", reporter, json=ARTICLE).status_code == 201  # no key: a new one


def test_an_idempotency_key_is_per_person_and_lasts_a_day(api, reporter):
    headers = {"Idempotency-Key": "same-key-1"}
    first = api.post("/api/v1/articles", reporter, json=ARTICLE, headers=headers)
    assert first.status_code == 201
    colleague = make_user(Role.REPORTER)
    theirs = api.post("/api/v1/articles", colleague, json=ARTICLE, headers=headers)
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert theirs.json["id"] != first.json["id"]
    # A day and a bit later the key no longer stands for the first original.
    db.session.execute(
        update(SubmissionKey)
        .where(SubmissionKey.user_id == reporter.id)
        .values(created_at=utcnow() - timedelta(hours=24, minutes=1))
    )
    db.session.commit()
    later = api.post("/api/v1/articles", reporter, json=ARTICLE, headers=headers)
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.json["id"] not in (first.json["id"], theirs.json["id"])
    again = api.post("/api/v1/articles", reporter, json=ARTICLE, headers=headers)
    assert again.status_code == 200 and again.json["id"] == later.json["id"]
    assert db.session.scalar(select(func.count(Article.id))) == 3


def test_once_published_the_review_thread_is_for_the_people_on_it(api, published, reporter, adaptor, editor):
    outsider, other_adaptor = make_user(Role.REPORTER), make_user(Role.ADAPTOR)
    uncredited_editor = make_user(Role.EDITOR)
    assert {c.user_id for c in published.credits} == {reporter.id, adaptor.id, editor.id}
    for insider in (reporter, adaptor, editor, uncredited_editor):
        shown = api.adaptation(published.id, insider)
        assert "history" in shown and "qa" in shown and "draft" in shown, insider.username
        assert_matches(shown, "Adaptation")
    for reader in (outsider, other_adaptor):
        shown = api.adaptation(published.id, reader)
        assert_matches(shown, "PublicAdaptation")
        assert not {"history", "qa", "draft", "rounds", "effort", "source"} & set(shown)
        assert shown["title"] == published.title and shown["published"]["version"] == 1
        assert_error(api.get(f"/api/v1/adaptations/{published.id}/qa", reader), 403)
    assert api.get(f"/api/v1/adaptations/{published.id}/qa", uncredited_editor).status_code == 200
    # During a correction round an outsider still reads the published text, never the correction.
    api.act(published.id, "correct", editor)
    read = api.adaptation(published.id, adaptor)
    api.put(
        f"/api/v1/adaptations/{published.id}",
        adaptor,
        json={"title": "Working title zqxWORK", "body": CORRECTED, "version": read["version"]},
    )
    shown = api.get(f"/api/v1/adaptations/{published.id}", outsider)
    assert "zqxWORK" not in shown.get_data(as_text=True) and shown.json["state"] == "published"


def test_the_first_acknowledge_address_still_works(api, reporter, adaptor):
    article = make_article(reporter)
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    api.put(f"/api/v1/articles/{article.id}", reporter, json={"title": "عنوان مصحح"})
    url = f"/api/v1/adaptations/{adaptation.id}/acknowledge-source"
    assert_error(api.post(url, adaptor, json={"revision": 1}), 409, "stale_revision")
    response = api.post(url, adaptor, json={"note": "Seen."})
    assert response.status_code == 200 and response.json["history"][-1]["comment"] == "Seen."
