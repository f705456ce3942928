"""The live desk through the API, in one process (the SQLite bus of the embedded default: no Redis).

Streams here end at once (the tests' settings: live_stream_seconds=0), so each GET returns what is waiting.
"""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error
from tests.support.factories import finish_draft, make_article, make_user
from tests.support.sse import parse_sse
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.services import live
from workflow.services.adaptations import perform_action


@pytest.fixture()
def commit(app):
    """Commit the test's work inside an app context, as a request or a task does (events go after commits)."""

    def commit_now() -> None:
        with app.app_context():
            db.session.commit()

    return commit_now


def events(api, person, url="/api/v1/events", last_event_id=None):
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    response = api.get(url, person, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    found, extra = parse_sse(response.get_data(as_text=True))
    assert extra["retry"] == live.RETRY_MS
    assert found[0].kind == "hello"
    return found


def test_the_app_without_redis_uses_the_data_folder_s_sqlite_bus(app):
    bus = live.bus_of(app)
    assert isinstance(bus, live.SqliteBus)
    assert bus.path == app.config["ADAPTDESK"].data_dir / live.SQLITE_BUS_FILE


def test_nobody_gets_401_json(api, session):
    assert_error(api.get("/api/v1/events"), 401)


def test_a_claim_reaches_the_reporter_after_the_commit_and_a_reconnect_replays_it(
    api, commit, reporter, adaptor
):
    adaptation = make_article(reporter, targets=["en"]).adaptations[0]
    finish_draft(adaptation)
    commit()
    start = events(api, reporter)[0].id  # the cursor before the claim
    assert events(api, reporter, last_event_id=start)[1:] == []
    perform_action(db.session, adaptor, adaptation, "claim")
    db.session.flush()
    assert events(api, reporter, last_event_id=start)[1:] == []  # flushed, not committed: nothing yet
    commit()
    replayed = events(api, reporter, last_event_id=start)[1:]
    kinds = {e.kind: e for e in replayed}
    assert set(kinds) == {"notification", "mine"}
    told = kinds["notification"].data
    assert (told["event"], told["adaptation_id"], told["unread"]) == ("claimed", adaptation.id, 1)
    assert kinds["mine"].data["state"] == "in_adaptation"
    # Reconnecting with the last id received replays nothing more.
    assert events(api, reporter, last_event_id=replayed[-1].id)[1:] == []


def test_a_rolled_back_change_is_never_published(api, commit, reporter, adaptor):
    adaptation = make_article(reporter, targets=["en"]).adaptations[0]
    finish_draft(adaptation)
    commit()
    start = events(api, reporter)[0].id
    perform_action(db.session, adaptor, adaptation, "claim")
    db.session.flush()
    db.session.rollback()
    commit()  # the next commit of the session publishes nothing of the rolled-back work
    assert events(api, reporter, last_event_id=start)[1:] == []


def test_watchers_of_an_adaptation_hear_saves_with_version_and_actor(api, commit, reporter, adaptor, editor):
    adaptation = make_article(reporter, targets=["en"]).adaptations[0]
    finish_draft(adaptation)
    perform_action(db.session, adaptor, adaptation, "claim")
    commit()
    url = f"/api/v1/events?adaptation={adaptation.id}"
    start = events(api, editor, url)[0].id
    version = api.adaptation(adaptation.id, adaptor)["version"]
    saved = api.put(
        f"/api/v1/adaptations/{adaptation.id}",
        adaptor,
        json={"title": "Title", "body": "A new body.", "version": version},
    )
    assert saved.status_code == 200
    found = [e for e in events(api, editor, url, last_event_id=start) if e.kind == "adaptation"]
    assert [e.data["change"] for e in found] == ["saved"]
    assert found[0].data["version"] == saved.json["version"] == version + 1
    assert found[0].data["actor"] == {"id": adaptor.id, "name": "Nadine Sassine"}


def test_notifications_read_elsewhere_update_the_count(api, commit, reporter, adaptor):
    adaptation = make_article(reporter, targets=["en"]).adaptations[0]
    finish_draft(adaptation)
    perform_action(db.session, adaptor, adaptation, "claim")
    commit()
    start = events(api, reporter)[0].id
    assert api.post("/api/v1/notifications/read", reporter, json={"all": True}).status_code == 200
    found = events(api, reporter, last_event_id=start)[1:]
    assert [(e.kind, e.data["unread"]) for e in found] == [("unread", 0)]


def test_the_desk_stream_carries_state_changes_to_editors(api, commit, reporter, adaptor, editor):
    adaptation = make_article(reporter, targets=["en"]).adaptations[0]
    finish_draft(adaptation)
    commit()
    start = events(api, editor, "/api/v1/events?desk=1")[0].id
    assert ",d:" in start
    perform_action(db.session, adaptor, adaptation, "claim")
    commit()
    found = events(api, editor, "/api/v1/events?desk=1", last_event_id=start)[1:]
    assert [(e.kind, e.data["adaptation_id"], e.data["action"]) for e in found] == [
        ("desk", adaptation.id, "claim")
    ]


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [("adaptation=abc", 400, "adaptation"), ("adaptation=0", 400, "adaptation"), ("desk=maybe", 400, "desk")],
)
def test_bad_parameters_are_400_naming_them(api, reporter, query, status, field):
    assert_error(api.get(f"/api/v1/events?{query}", reporter), status, field=field)


def test_what_the_caller_may_not_see_is_404_and_the_desk_is_for_the_desk(api, commit, reporter):
    other = make_article(make_user(Role.REPORTER), targets=["en"]).adaptations[0]
    commit()
    assert_error(api.get(f"/api/v1/events?adaptation={other.id}", reporter), 404)
    assert_error(api.get("/api/v1/events?adaptation=571298077845", reporter), 404)  # beyond any id
    assert_error(api.get("/api/v1/events?desk=1", reporter), 403)


def test_the_login_cookie_opens_the_stream(client, reporter):
    from tests.support.factories import login

    login(client, reporter)
    response = client.get("/api/v1/events")
    assert response.status_code == 200 and response.mimetype == "text/event-stream"


def test_the_stream_does_not_keep_an_unattended_login_open(client, commit, reporter):
    from datetime import timedelta

    from sqlalchemy import select

    from tests.support.factories import login
    from workflow.models import LoginSession, utcnow

    login(client, reporter)
    row = db.session.scalars(select(LoginSession).where(LoginSession.user_id == reporter.id)).one()
    idle_since = utcnow() - timedelta(hours=1)
    row.last_seen_at = idle_since
    commit()
    assert client.get("/api/v1/events").status_code == 200
    db.session.refresh(row)
    assert row.last_seen_at == idle_since, "the page's own reconnects are not the person's use"
    assert client.get("/api/v1/me").status_code == 200
    db.session.refresh(row)
    assert row.last_seen_at > idle_since
