"""The whole newsroom journey through the API: an Arabic report becomes a published English adaptation."""

from __future__ import annotations

import uuid

import pytest

from tests.api.helpers import Api, adaptation_row, assert_error, assert_matches
from tests.support.factories import ARABIC_BODY, ARABIC_TITLE, PASSWORD, make_user
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.services import drafts


def sign_in(api: Api, user) -> dict[str, str]:
    """Get a token with username and password, as an API client would."""
    response = api.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def run_worker(adaptation_id: int) -> None:
    """Do what the MT worker does, through the same draft services: take the job, store segments and
    their translations, then finish the draft."""
    row = adaptation_row(adaptation_id)
    job = drafts.take_job(db.session, row.draft.id, "journey-task", lease_seconds=60)
    drafts.store_segments(
        db.session, job.draft_id, [(0, 0, "استقبلت بيونغ يانغ الرئيس الروسي."), (1, 1, "وقّع الزعيم اتفاقية.")]
    )
    drafts.store_translations(
        db.session,
        job.draft_id,
        {0: "Pyongyang received the Russian president.", 1: "The leader signed an agreement."},
    )
    drafts.finish_draft(
        db.session,
        job.draft_id,
        title="Putin's historic visit to North Korea",
        body="Pyongyang received the Russian president.\n\nThe leader signed an agreement.",
        model="ar→en test",
    )
    db.session.commit()


def act(api: Api, adaptation_id: int, action: str, headers: dict, **body) -> dict:
    if action in ("approve", "reject", "request-changes") and "version" not in body:
        body["version"] = api.get(f"/api/v1/adaptations/{adaptation_id}", headers=headers).json["version"]
    response = api.post(f"/api/v1/adaptations/{adaptation_id}/actions/{action}", headers=headers, json=body)
    assert response.status_code == 200, response.json
    assert_matches(response.json, "Adaptation")
    return response.json


def save(api: Api, adaptation_id: int, headers: dict, title: str, body: str) -> dict:
    version = api.get(f"/api/v1/adaptations/{adaptation_id}", headers=headers).json["version"]
    response = api.put(
        f"/api/v1/adaptations/{adaptation_id}",
        headers=headers,
        json={"title": title, "body": body, "version": version},
    )
    assert response.status_code == 200, response.json
    return response.json


def test_journey_from_arabic_report_to_published_english_adaptation(api, app, session):
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    adaptor = make_user(Role.ADAPTOR, name="Nadine Sassine")
    editor = make_user(Role.EDITOR, name="Rima Haddad")
    as_reporter, as_adaptor, as_editor = sign_in(api, reporter), sign_in(api, adaptor), sign_in(api, editor)
    section = f"World {uuid.uuid4().hex[:8]}"

    submitted = api.post(
        "/api/v1/articles",
        headers=as_reporter,
        json={
            "title": ARABIC_TITLE,
            "body": ARABIC_BODY,
            "language": "ar",
            "section": section,
            "tags": ["Russia", "North Korea"],
            "targets": ["en"],
        },
    )
    assert submitted.status_code == 201, submitted.json
    adaptation_id = submitted.json["adaptations"][0]["id"]
    assert submitted.json["adaptations"][0]["state"] == "queued"

    run_worker(adaptation_id)
    ready = api.get(f"/api/v1/adaptations/{adaptation_id}", headers=as_adaptor).json
    assert ready["state"] == "draft_ready" and ready["actions"] == ["claim"]
    assert ready["draft"]["progress"] == {"done": 2, "total": 2}
    assert [s["mt"] for s in ready["draft"]["segments"]] == [
        "Pyongyang received the Russian president.",
        "The leader signed an agreement.",
    ]

    claimed = act(api, adaptation_id, "claim", as_adaptor)
    assert claimed["state"] == "in_adaptation" and claimed["title"] == "Putin's historic visit to North Korea"
    assert claimed["can_edit"] is True and "submit" in claimed["actions"]
    save(
        api,
        adaptation_id,
        as_adaptor,
        "Putin makes historic visit to North Korea",
        "Pyongyang welcomed Russian President Vladimir Putin with Russian flags.\n\n"
        "Kim Jong Un and Putin signed a new strategic partnership.",
    )
    assert act(api, adaptation_id, "submit", as_adaptor)["state"] == "in_review"

    seen = api.get(f"/api/v1/adaptations/{adaptation_id}", headers=as_editor).json["version"]
    missing = assert_error(
        api.post(
            f"/api/v1/adaptations/{adaptation_id}/actions/request-changes",
            headers=as_editor,
            json={"version": seen},
        ),
        400,
        "invalid",
        "comment",
    )
    assert "comment" in missing["message"]
    unseen = assert_error(
        api.post(f"/api/v1/adaptations/{adaptation_id}/actions/approve", headers=as_editor, json={}),
        400,
        "invalid",
        "version",
    )
    assert "version" in unseen["message"]
    sent_back = act(
        api, adaptation_id, "request-changes", as_editor, comment="Say it is the first visit in 24 years."
    )
    assert sent_back["state"] == "changes_requested"
    assert sent_back["rounds"][0]["decision"] == "request-changes"
    assert sent_back["rounds"][0]["comment"] == "Say it is the first visit in 24 years."

    resumed = act(api, adaptation_id, "claim", as_adaptor)
    assert resumed["state"] == "in_adaptation"
    assert resumed["title"] == "Putin makes historic visit to North Korea"  # the adaptor's text is kept
    final_body = (
        "Pyongyang welcomed Russian President Vladimir Putin with Russian flags, "
        "the first such visit in 24 years.\n\n"
        "Kim Jong Un and Putin signed a new strategic partnership."
    )
    save(api, adaptation_id, as_adaptor, "Putin makes first visit to North Korea in 24 years", final_body)
    assert act(api, adaptation_id, "submit", as_adaptor)["state"] == "in_review"
    approved = act(api, adaptation_id, "approve", as_editor)
    assert approved["state"] == "published"

    shown = api.get(f"/api/v1/adaptations/{adaptation_id}", headers=as_reporter).json
    assert_matches(shown, "Adaptation")
    assert shown["state"] == "published" and shown["body"] == final_body
    assert shown["credit_line"] == "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"
    assert shown["credits"] == [
        {"role": "reporter", "username": reporter.username, "name": "Ahmad Abdallah"},
        {"role": "adaptor", "username": adaptor.username, "name": "Nadine Sassine"},
        {"role": "editor", "username": editor.username, "name": "Rima Haddad"},
    ]
    reporter_who = {"username": reporter.username, "name": "Ahmad Abdallah"}
    adaptor_who = {"username": adaptor.username, "name": "Nadine Sassine"}
    editor_who = {"username": editor.username, "name": "Rima Haddad"}
    assert [(h["action"], h["from_state"], h["to_state"], h["actor"]) for h in shown["history"]] == [
        ("create", None, "queued", reporter_who),
        ("draft-started", "queued", "translating", None),
        ("draft-ready", "translating", "draft_ready", None),
        ("claim", "draft_ready", "in_adaptation", adaptor_who),
        ("submit", "in_adaptation", "in_review", adaptor_who),
        ("request-changes", "in_review", "changes_requested", editor_who),
        ("claim", "changes_requested", "in_adaptation", adaptor_who),
        ("submit", "in_adaptation", "in_review", adaptor_who),
        ("approve", "in_review", "published", editor_who),
    ]
    assert shown["history"][5]["comment"] == "Say it is the first visit in 24 years."
    times = [h["at"] for h in shown["history"]]
    assert all(t.endswith("Z") for t in times) and times == sorted(times)
    assert shown["actions"] == [] and shown["can_edit"] is False
    if "public.article" in app.view_functions:
        assert shown["url"].startswith(f"http://localhost/news/{adaptation_id}/")
    else:
        assert shown["url"] is None

    listed = api.get("/api/v1/published", query_string={"section": section, "language": "en"}).json["items"]
    assert [item["id"] for item in listed] == [adaptation_id]
    assert listed[0]["credit_line"] == shown["credit_line"]
    article = api.get(f"/api/v1/articles/{submitted.json['id']}", headers=as_reporter).json
    assert article["adaptations"] == [
        {"id": adaptation_id, "language": "en", "state": "published", "url": shown["url"]}
    ]


@pytest.mark.parametrize("handover", ["release-and-claim", "editor-reassigns"])
def test_two_adaptors_who_each_submitted_are_both_credited_in_order(api, session, handover):
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    first = make_user(Role.ADAPTOR, name="Nadine Sassine")
    second = make_user(Role.ADAPTOR, name="Omar Khalil")
    bystander = make_user(Role.ADAPTOR, name="Layla Mansour")
    editor = make_user(Role.EDITOR, name="Rima Haddad")
    as_first, as_second, as_bystander, as_editor = (
        api.headers(p) for p in (first, second, bystander, editor)
    )
    adaptation_id = api.post(
        "/api/v1/articles", reporter, json={"title": ARABIC_TITLE, "body": ARABIC_BODY, "language": "ar"}
    ).json["adaptations"][0]["id"]
    run_worker(adaptation_id)

    act(api, adaptation_id, "claim", as_bystander)  # claims and gives it back without submitting: no credit
    assert act(api, adaptation_id, "release", as_bystander)["state"] == "draft_ready"
    act(api, adaptation_id, "claim", as_first)
    save(api, adaptation_id, as_first, "Putin visits North Korea", "First draft of the adaptation.")
    act(api, adaptation_id, "submit", as_first)
    act(api, adaptation_id, "request-changes", as_editor, comment="Needs more context.")
    if handover == "release-and-claim":
        assert act(api, adaptation_id, "release", as_first)["state"] == "changes_requested"
        act(api, adaptation_id, "claim", as_second)
    else:
        act(api, adaptation_id, "reassign", as_editor, assignee=second.username)
    save(api, adaptation_id, as_second, "Putin visits North Korea", "Second draft, with context.")
    act(api, adaptation_id, "submit", as_second)
    published = act(api, adaptation_id, "approve", as_editor)

    assert published["state"] == "published"
    assert [(c["role"], c["name"]) for c in published["credits"]] == [
        ("reporter", "Ahmad Abdallah"),
        ("adaptor", "Nadine Sassine"),
        ("adaptor", "Omar Khalil"),
        ("editor", "Rima Haddad"),
    ]
    assert published["credit_line"] == (
        "A report by Ahmad Abdallah, English adaptation by Nadine Sassine and Omar Khalil"
    )
    assert [(r["number"], r["adaptor"]["name"], r["decision"]) for r in published["rounds"]] == [
        (1, "Nadine Sassine", "request-changes"),
        (2, "Omar Khalil", "approve"),
    ]
