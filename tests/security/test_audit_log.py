"""The admin audit log: who created, disabled, enabled a person, changed roles, reset a password, revoked a
token, imported a model — append-only, on an admin page and at GET /api/v1/audit (admins only)."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import database_kind
from tests.support.argos_model import build_package
from tests.support.factories import PASSWORD, csrf_token, login, make_user, post_form, token_for
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import AppendOnlyError, AuditAction, AuditEntry, User
from workflow.services import audit, credentials
from workflow.services.errors import Conflict, InvalidInput
from workflow.services.users import create_user


@pytest.fixture()
def admin(app, session):
    person = make_user(Role.ADMIN)
    client = app.test_client()
    login(client, person)
    return client, person


def test_every_account_change_is_recorded_with_who_and_what(app, client, session, admin):
    admin_client, admin_user = admin
    created = post_form(
        admin_client,
        "/admin/users",
        {"username": "audited", "display_name": "Audited Person", "roles": "reporter", "password": PASSWORD},
    )
    assert created.status_code == 302
    person = session.scalar(select(User).where(User.username == "audited"))
    post_form(admin_client, f"/admin/users/{person.id}/roles", {"roles": ["reporter", "editor"]})
    post_form(
        admin_client, f"/admin/users/{person.id}/password", {"password": "handed over", "must_change": "1"}
    )
    token = credentials.token_row(session, token_for(person)["Authorization"].split()[1])
    post_form(admin_client, f"/admin/users/{person.id}/tokens/{token.id}/revoke")
    post_form(admin_client, f"/admin/users/{person.id}/active", {"active": "0"})
    post_form(admin_client, f"/admin/users/{person.id}/active", {"active": "1"})

    listed = client.get("/api/v1/audit", headers=token_for(admin_user))
    assert listed.status_code == 200
    mine = [e for e in listed.json["entries"] if e["subject"] == "audited"]
    assert [e["action"] for e in mine] == [
        "user_enabled",
        "user_disabled",
        "token_revoked",
        "password_reset",
        "roles_changed",
        "user_created",
    ]
    assert all(e["actor"] == admin_user.username and e["at"].endswith("Z") for e in mine)
    by_action = {e["action"]: e["details"] for e in mine}
    assert by_action["roles_changed"] == {"before": ["reporter"], "after": ["editor", "reporter"]}
    assert by_action["token_revoked"] == {"token_id": token.id, "name": "test"}
    assert by_action["password_reset"]["must_change"] is True
    assert by_action["user_created"] == {"roles": ["reporter"]}

    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "roles changed" in page and "password reset" in page and "audited" in page
    person_page = admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "user disabled" in person_page


def test_the_api_filters_and_pages_the_log(client, session, admin):
    _, admin_user = admin
    people = [make_user(Role.REPORTER) for _ in range(3)]
    for person in people:
        credentials.revoke_token(
            session,
            admin_user,
            credentials.token_row(session, token_for(person)["Authorization"].split()[1]).id,
        )
    session.commit()
    headers = token_for(admin_user)
    first = client.get("/api/v1/audit?action=token_revoked&limit=2", headers=headers).json["entries"]
    assert len(first) == 2 and {e["action"] for e in first} == {"token_revoked"}
    older = client.get(
        f"/api/v1/audit?action=token_revoked&limit=2&before={first[-1]['id']}", headers=headers
    )
    assert older.json["entries"][0]["id"] < first[-1]["id"]
    bad = client.get("/api/v1/audit?action=everything", headers=headers)
    assert bad.status_code == 400 and bad.json["field"] == "action"


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.EDITOR])
def test_only_admins_read_the_log(app, client, session, role):
    person = make_user(role)
    assert client.get("/api/v1/audit", headers=token_for(person)).status_code == 403
    browser = app.test_client()
    login(browser, person)
    assert browser.get("/admin/audit").status_code == 403


def test_entries_can_be_neither_changed_nor_deleted(session, admin):
    _, admin_user = admin
    audit.record(session, admin_user, AuditAction.USER_ENABLED, admin_user)
    session.commit()
    entry = audit.entries(session, admin_user, limit=1)[0]
    entry.details = {"forged": True}
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    entry = audit.entries(session, admin_user, limit=1)[0]
    session.delete(entry)
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()


def test_a_model_upload_is_recorded_once(app, session, admin, tmp_path, monkeypatch, database_url):
    admin_client, admin_user = admin
    if database_kind() == "postgresql":
        # The import command the page runs reaches this database, as in production (on SQLite it would wait
        # for the test's own write lock).
        monkeypatch.setenv("DATABASE_URL", database_url)
    package = build_package(tmp_path / "build", "ar", "en", size="tiny")
    saved = app.config["ADAPTDESK"]
    app.config["ADAPTDESK"] = replace(
        saved, data_dir=tmp_path / "data", argos_packages_dir=tmp_path / "packages"
    )
    try:
        upload = FileStorage(
            io.BytesIO(package.read_bytes()), package.name, content_type="application/octet-stream"
        )
        # Encoded in memory: the test client would spool a large body to a file it never closes.
        boundary, body = encode_multipart({"package": upload, "csrf_token": csrf_token(admin_client)})
        response = admin_client.post(
            "/admin/models", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
    finally:
        app.config["ADAPTDESK"] = saved
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    imports = audit.entries(session, admin_user, action=AuditAction.MODEL_IMPORTED)
    if len(imports) > 1:  # the command committed its own entry: remove it, past the ORM's guard
        with Session(db.engine) as other:
            other.execute(AuditEntry.__table__.delete().where(AuditEntry.origin.is_not(None)))
            other.commit()
    assert len(imports) == 1, "the upload was recorded twice (by the page and by the import command it runs)"
    entry = imports[0]
    assert entry.actor_id == admin_user.id and entry.origin is None
    assert entry.details["package"] == "translate-ar_en-1_0"


def test_command_line_entries_show_where_they_were_done_from(client, session, admin):
    admin_client, admin_user = admin
    person = make_user(Role.REPORTER)
    on_the_page = audit.record(session, admin_user, AuditAction.USER_DISABLED, person)
    audit.act_from(session, "command line (root@newsroom-1)")
    named = audit.record(session, admin_user, AuditAction.USER_ENABLED, person)
    unnamed = audit.record(session, None, AuditAction.PASSWORD_RESET, person, must_change=False)
    session.commit()

    listed = client.get("/api/v1/audit?limit=3", headers=token_for(admin_user)).json["entries"]
    assert [(e["id"], e["actor"], e["origin"]) for e in listed] == [
        (unnamed.id, None, "command line (root@newsroom-1)"),
        (named.id, admin_user.username, "command line (root@newsroom-1)"),
        (on_the_page.id, admin_user.username, None),
    ]
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    row = page[page.index(f'id="audit-{unnamed.id}"') :]
    assert "command line (root@newsroom-1)" in row[: row.index("</tr>")]
    row = page[page.index(f'id="audit-{named.id}"') :]
    row = row[: row.index("</tr>")]
    assert admin_user.username in row and "at the command line (root@newsroom-1)" in row
    row = page[page.index(f'id="audit-{on_the_page.id}"') :]
    assert "command line" not in row[: row.index("</tr>")]


# --- no 500s when two admins create the same username at once ---------------------------------------------


def test_concurrent_creation_of_one_username_gives_one_success_and_a_clear_refusal(app):
    """Two admins' requests race on the same new username: the second insert meets the unique index (409 on
    PostgreSQL, where both passed the check) or, on SQLite, waits for the first and sees the name (400)."""
    inserted = threading.Event()
    outcome: dict[str, object] = {}
    username = f"race-{threading.get_ident() % 100000}"

    def first() -> None:
        with Session(db.engine) as one:
            create_user(one, username, "First Admin's", {Role.REPORTER}, PASSWORD)
            inserted.set()
            time.sleep(1.0)  # the row stays uncommitted while the second request checks and inserts
            one.commit()

    def second() -> None:
        inserted.wait(10)
        with Session(db.engine) as two:
            try:
                create_user(two, username, "Second Admin's", {Role.REPORTER}, PASSWORD)
                two.commit()
                outcome["second"] = "created"
            except (Conflict, InvalidInput) as exc:
                outcome["second"] = exc

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refused = outcome["second"]
    expected = Conflict if database_kind() == "postgresql" else InvalidInput
    assert isinstance(refused, expected), refused
    assert refused.status == (409 if expected is Conflict else 400)
    assert "taken" in refused.message
    with Session(db.engine) as check:
        assert check.scalar(select(User.display_name).where(User.username == username)) == "First Admin's"
        created = check.scalar(select(User.id).where(User.username == username))
        check.execute(
            AuditEntry.__table__.delete().where(AuditEntry.subject_id == created)
        )  # past the ORM's guard
        check.execute(User.__table__.delete().where(User.id == created))
        check.commit()


def test_own_password_changes_and_ended_sessions_are_recorded(client, session, admin):
    admin_client, admin_user = admin
    person = make_user(Role.EDITOR)
    changed = client.post(
        "/api/v1/me/password",
        headers=token_for(person),
        json={"current_password": PASSWORD, "new_password": "a new password 1"},
    )
    assert changed.status_code == 200, changed.json
    assert post_form(admin_client, f"/admin/users/{person.id}/sessions/end").status_code == 302

    mine = audit.entries(session, admin_user, subject=person)
    assert [(e.action, e.actor_id, e.origin) for e in mine] == [
        ("sessions_ended", admin_user.id, None),
        ("password_changed", person.id, None),
    ]
    assert mine[1].details == {"sessions": 0, "tokens": 0}
