"""Reading and saving adaptations and taking workflow actions through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.helpers import adaptation_row, assert_error, assert_matches
from tests.support.factories import drive, finish_draft, make_article, make_user
from workflow.domain.actions import ACTIONS
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import utcnow
from workflow.services.drafts import set_progress, store_segments, store_translations


@pytest.fixture()
def article(reporter):
    return make_article(reporter)


@pytest.fixture()
def adaptation_id(article) -> int:
    return article.adaptations[0].id


def url(adaptation_id: int, suffix: str = "") -> str:
    return f"/api/v1/adaptations/{adaptation_id}{suffix}"


def test_draft_progress_is_visible_while_translating(api, adaptor, adaptation_id):
    row = adaptation_row(adaptation_id)
    row.state = State.TRANSLATING.value
    store_segments(
        db.session, row.draft.id, [(0, 0, "جملة أولى."), (1, 0, "جملة ثانية."), (2, 1, "جملة ثالثة.")]
    )
    store_translations(db.session, row.draft.id, {0: "First sentence."})
    set_progress(db.session, row.draft.id, 1)
    db.session.commit()
    shown = api.adaptation(adaptation_id, adaptor)
    assert_matches(shown, "Adaptation")
    assert shown["state"] == "translating"
    draft = shown["draft"]
    assert draft["state"] == "queued" and draft["revision"] == 1
    assert draft["progress"] == {"done": 1, "total": 3}
    assert draft["segments"] == [
        {
            "index": 0,
            "paragraph": 0,
            "source": "جملة أولى.",
            "mt": "First sentence.",
            "origin": "mt",
            "tm": [],
        },
        {"index": 1, "paragraph": 0, "source": "جملة ثانية.", "mt": None, "origin": "mt", "tm": []},
        {"index": 2, "paragraph": 1, "source": "جملة ثالثة.", "mt": None, "origin": "mt", "tm": []},
    ]
    assert shown["holder"] is None and shown["url"] is None and shown["can_edit"] is False
    assert shown["actions"] == ["claim"]
    assert shown["source"]["direction"] == "rtl" and shown["direction"] == "ltr"
    assert [h["action"] for h in shown["history"]] == ["create"]


def test_the_progress_endpoint_gives_state_and_draft_progress_without_the_text(
    api, adaptor, reporter, adaptation_id
):
    row = adaptation_row(adaptation_id)
    row.state = State.TRANSLATING.value
    store_segments(db.session, row.draft.id, [(0, 0, "جملة أولى."), (1, 0, "جملة ثانية.")])
    set_progress(db.session, row.draft.id, 1)
    db.session.commit()
    response = api.get(url(adaptation_id, "/progress"), adaptor)
    assert response.status_code == 200
    assert_matches(response.json, "Progress")
    assert response.json == {
        "id": adaptation_id,
        "state": "translating",
        "version": row.version,
        "draft": {
            "id": row.draft.id,
            "state": "queued",
            "revision": 1,
            "progress": {"done": 1, "total": 2},
            "error": None,
            "error_code": None,
        },
    }
    assert api.get(url(adaptation_id, "/progress"), reporter).status_code == 200
    assert_error(api.get(url(2**31 - 1, "/progress"), adaptor), 404)


def test_actions_offered_depend_on_the_caller(api, reporter, adaptor, editor, adaptation_id):
    finish_draft(adaptation_row(adaptation_id))
    db.session.commit()
    assert api.adaptation(adaptation_id, adaptor)["actions"] == ["claim"]
    assert api.adaptation(adaptation_id, editor)["actions"] == ["reassign", "prioritize", "withdraw"]
    assert api.adaptation(adaptation_id, reporter)["actions"] == ["withdraw"]


def test_reporters_see_only_their_own_adaptations(api, reporter, adaptation_id):
    assert api.get(url(adaptation_id), reporter).status_code == 200
    assert_error(api.get(url(adaptation_id), make_user(Role.REPORTER)), 404, "not_found")
    assert_error(api.get(url(999999), reporter), 404, "not_found")
    assert_error(api.get(url(2**40), reporter), 404, "not_found")


def test_adaptor_saves_text_and_gets_the_new_version(api, adaptor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_ADAPTATION, adaptor=adaptor)
    before = api.adaptation(adaptation_id, adaptor)
    assert before["can_edit"] is True and before["title"] == "Putin's historic visit"
    response = api.put(
        url(adaptation_id),
        adaptor,
        json={"title": "  Putin in Pyongyang ", "body": "One.\nTwo.", "version": before["version"]},
    )
    assert response.status_code == 200, response.json
    assert_matches(response.json, "Adaptation")
    assert response.json["title"] == "Putin in Pyongyang"
    assert response.json["body"] == "One.\n\nTwo."
    assert response.json["version"] == before["version"] + 1


def test_a_stale_save_is_409_with_both_texts(api, adaptor, editor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_ADAPTATION, adaptor=adaptor)
    version = api.adaptation(adaptation_id, adaptor)["version"]
    first = api.put(
        url(adaptation_id),
        editor,
        json={"title": "Editor's title", "body": "Editor's body.", "version": version},
    )
    assert first.status_code == 200
    stale = api.put(
        url(adaptation_id), adaptor, json={"title": "My title", "body": "My body.", "version": version}
    )
    error = assert_error(stale, 409, "stale_version")
    assert_matches(error, "StaleVersionError")
    assert error["current"] == {"version": version + 1, "title": "Editor's title", "body": "Editor's body."}
    assert error["yours"] == {"version": version, "title": "My title", "body": "My body."}
    assert api.adaptation(adaptation_id, adaptor)["title"] == "Editor's title"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "T", "body": "B"}, "version"),
        ({"title": "T", "body": "B", "version": "one"}, "version"),
        ({"title": "T", "body": "B", "version": True}, "version"),
        ({"title": "T", "body": "B", "version": 0}, "version"),
        ({"body": "B", "version": 1}, "title"),
        ({"title": 5, "body": "B", "version": 1}, "title"),
        ({"title": "T\u2067x", "body": "B", "version": 1}, "title"),
        ({"title": "T", "version": 1}, "body"),
        ({"title": "T", "body": {"text": "B"}, "version": 1}, "body"),
        ({"title": "T", "body": "bell \u0007", "version": 1}, "body"),
    ],
)
def test_save_fields_are_checked(api, adaptor, adaptation_id, body, field):
    drive(adaptation_row(adaptation_id), State.IN_ADAPTATION, adaptor=adaptor)
    assert_error(api.put(url(adaptation_id), adaptor, json=body), 400, "invalid", field)


def test_who_may_save(api, reporter, adaptor, adaptation_id):
    body = {"title": "T", "body": "B", "version": 1}
    error = assert_error(api.put(url(adaptation_id), adaptor, json=body), 409, "invalid_state")
    assert error["state"] == "queued"
    drive(adaptation_row(adaptation_id), State.IN_ADAPTATION, adaptor=adaptor)
    body["version"] = adaptation_row(adaptation_id).version
    assert_error(api.put(url(adaptation_id), make_user(Role.ADAPTOR), json=body), 403, "forbidden")
    assert_error(api.put(url(adaptation_id), reporter, json=body), 403, "forbidden")
    assert_error(api.put(url(adaptation_id), make_user(Role.REPORTER), json=body), 404, "not_found")


@pytest.mark.parametrize(
    ("role", "action"),
    [
        (Role.REPORTER, "claim"),
        (Role.ADAPTOR, "approve"),
        (Role.ADAPTOR, "reject"),
        (Role.ADAPTOR, "request-changes"),
        (Role.ADAPTOR, "reassign"),
        (Role.ADAPTOR, "withdraw"),
        (Role.EDITOR, "claim"),
        (Role.EDITOR, "submit"),
    ],
)
def test_roles_that_may_never_take_an_action_get_403(api, editor, adaptation_id, role, action):
    drive(adaptation_row(adaptation_id), State.IN_REVIEW, editor=editor)
    person = make_user(role) if role != Role.REPORTER else adaptation_row(adaptation_id).article.reporter
    error = assert_error(api.act(adaptation_id, action, person, comment="Why"), 403, "forbidden")
    assert action in error["message"]
    assert adaptation_row(adaptation_id).state == "in_review"


def test_an_action_the_state_does_not_allow_is_409_naming_state_and_allowed_actions(
    api, adaptor, editor, adaptation_id
):
    drive(adaptation_row(adaptation_id), State.IN_REVIEW, adaptor=adaptor, editor=editor)
    error = assert_error(api.act(adaptation_id, "submit", adaptor), 409, "invalid_state")
    assert error["state"] == "in_review"
    assert "is in review." in error["message"] and "Allowed now: none" in error["message"]
    error = assert_error(api.act(adaptation_id, "claim", adaptor), 409, "invalid_state")
    assert "Cannot claim" in error["message"]
    error = assert_error(
        api.act(adaptation_id, "reassign", editor, assignee=adaptor.username), 409, "invalid_state"
    )
    assert "Allowed now: request-changes, approve, reject, prioritize, withdraw." in error["message"]


def test_claimed_adaptations_are_held(api, adaptor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_ADAPTATION, adaptor=adaptor)
    other = make_user(Role.ADAPTOR)
    assert_error(api.act(adaptation_id, "claim", other), 409, "invalid_state")
    assert_error(api.act(adaptation_id, "submit", other), 403, "not_holder")
    assert_error(api.act(adaptation_id, "release", other), 403, "not_holder")


def test_changes_requested_stay_with_their_adaptor(api, adaptor, editor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.CHANGES_REQUESTED, adaptor=adaptor, editor=editor)
    other = make_user(Role.ADAPTOR)
    error = assert_error(api.act(adaptation_id, "claim", other), 409, "held")
    assert "Nadine Sassine" in error["message"] and "reassign" in error["message"]
    assert api.act(adaptation_id, "claim", adaptor).json["state"] == "in_adaptation"


@pytest.mark.parametrize("action", ["publish", "draft-ready", "CLAIM", "delete"])
def test_unknown_actions_are_404(api, adaptor, adaptation_id, action):
    error = assert_error(api.act(adaptation_id, action, adaptor), 404, "not_found")
    assert all(name in error["message"] for name in ACTIONS)


def test_action_on_a_missing_adaptation_is_404(api, adaptor, session):
    assert_error(api.act(999999, "claim", adaptor), 404, "not_found")


def test_action_needs_a_token(api, adaptation_id):
    assert_error(api.act(adaptation_id, "claim", None), 401)


def test_claim_and_release_with_an_empty_body(api, adaptor, adaptation_id):
    finish_draft(adaptation_row(adaptation_id))
    db.session.commit()
    claimed = api.post(url(adaptation_id, "/actions/claim"), adaptor)
    assert claimed.status_code == 200, claimed.json
    assert claimed.json["state"] == "in_adaptation"
    assert claimed.json["holder"]["username"] == adaptor.username
    assert claimed.json["title"] == "Putin's historic visit" and claimed.json["based_on_revision"] == 1
    released = api.act(adaptation_id, "release", adaptor)
    assert released.json["state"] == "draft_ready" and released.json["holder"] is None


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("approve", {"comment": 5}, "comment"),
        ("approve", {"comment": "x" * 10_001}, "comment"),
        ("approve", {"version": "v1"}, "version"),
        ("approve", {"publish_at": "tomorrow"}, "publish_at"),
        ("approve", {"publish_at": 1700000000}, "publish_at"),
        # Each action's body is its own (one model per action): an assignee is reassign's and correct's field.
        ("reassign", {"assignee": ["someone"]}, "assignee"),
        ("correct", {"assignee": 7}, "assignee"),
    ],
)
def test_action_fields_are_checked(api, editor, adaptation_id, action, body, field):
    drive(adaptation_row(adaptation_id), State.IN_REVIEW, editor=editor)
    assert_error(api.act(adaptation_id, action, editor, **body), 400, "invalid", field)
    assert adaptation_row(adaptation_id).state == "in_review"


def test_action_body_must_be_a_json_object(api, editor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_REVIEW, editor=editor)
    assert_error(
        api.post(url(adaptation_id, "/actions/approve"), editor, json=["ok"]), 400, "invalid", "body"
    )
    assert_error(
        api.post(
            url(adaptation_id, "/actions/approve"), editor, data=b"{oops", content_type="application/json"
        ),
        400,
        "invalid",
        "body",
    )
    assert_error(
        api.post(
            url(adaptation_id, "/actions/approve"),
            editor,
            data="comment=ok",
            content_type="application/x-www-form-urlencoded",
        ),
        415,
    )


def test_a_decision_on_a_stale_version_is_409(api, adaptor, editor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_REVIEW, adaptor=adaptor, editor=editor)
    version = api.adaptation(adaptation_id, editor)["version"]
    error = assert_error(api.act(adaptation_id, "approve", editor, version=version - 1), 409, "stale_version")
    assert error["current"]["version"] == version
    assert api.act(adaptation_id, "approve", editor, version=version).json["state"] == "published"


def test_request_changes_and_reject_need_a_comment(api, editor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_REVIEW, editor=editor)
    for action in ("request-changes", "reject"):
        assert_error(api.act(adaptation_id, action, editor), 400, "invalid", "comment")
        assert_error(api.act(adaptation_id, action, editor, comment="   "), 400, "invalid", "comment")
    rejected = api.act(adaptation_id, "reject", editor, comment="We ran the agency copy.")
    assert rejected.json["state"] == "rejected"
    assert rejected.json["rounds"][-1]["decision"] == "reject"
    assert rejected.json["actions"] == []


def test_approve_with_a_future_time_schedules(api, editor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_REVIEW, editor=editor)
    when = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    response = api.act(adaptation_id, "approve", editor, publish_at=when.isoformat().replace("+00:00", "Z"))
    assert response.status_code == 200, response.json
    assert response.json["state"] == "scheduled"
    assert response.json["publish_at"] == when.isoformat().replace("+00:00", "Z")
    assert response.json["url"] is None


def test_editor_reassigns_to_an_adaptor(api, adaptor, editor, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_ADAPTATION, adaptor=adaptor, editor=editor)
    other = make_user(Role.ADAPTOR, name="Omar Khalil")
    assert_error(api.act(adaptation_id, "reassign", editor), 400, "invalid", "assignee")
    assert_error(
        api.act(adaptation_id, "reassign", editor, assignee=editor.username), 400, "invalid", "assignee"
    )
    response = api.act(adaptation_id, "reassign", editor, assignee=other.username)
    assert response.json["holder"] == {"username": other.username, "name": "Omar Khalil"}
    assert response.json["history"][-1]["details"] == {"from": adaptor.username, "to": other.username}


def test_reporter_withdraws_their_own(api, reporter, adaptation_id):
    response = api.act(adaptation_id, "withdraw", reporter, comment="Story killed")
    assert response.status_code == 200
    assert response.json["state"] == "withdrawn"
    assert response.json["history"][-1]["comment"] == "Story killed"


def test_acknowledging_a_source_change(api, reporter, adaptor, article, adaptation_id):
    drive(adaptation_row(adaptation_id), State.IN_ADAPTATION, adaptor=adaptor)
    assert_error(api.post(url(adaptation_id, "/acknowledge-source"), adaptor), 409, "up_to_date")
    revised = api.put(f"/api/v1/articles/{article.id}", reporter, json={"title": "عنوان جديد"})
    assert revised.status_code == 200
    assert_error(api.post(url(adaptation_id, "/acknowledge-source"), make_user(Role.ADAPTOR)), 403)
    response = api.post(url(adaptation_id, "/acknowledge-source"), adaptor)
    assert response.status_code == 200, response.json
    assert response.json["source_changed"] is False
    assert response.json["based_on_revision"] == 2 == response.json["source_revision"]
    assert response.json["original_revision"] == 2
    # The first address is the declared action `acknowledge-source`: same history, same refusals.
    entry = response.json["history"][-1]
    assert (entry["action"], entry["details"]) == ("acknowledge-source", {"revision": 2, "previous": 1})
    assert entry["actor"]["username"] == adaptor.username
