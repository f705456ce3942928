"""Every `adaptdesk` command that changes an account or the models writes an audit entry: by the admin named
with `--as`, else by no one, and in both cases from "command line (user@host)". Each command runs in its own
interpreter on a database of its own, as an operator would type it."""

from __future__ import annotations

import ast
import getpass
import json
import socket

import pytest

from tests.cli.helpers import run_cli
from tests.cli.test_users_cli import check
from tests.conftest import database_kind
from tests.support.live import new_database

PASSWORD = "first password"
ORIGIN = f"command line ({getpass.getuser()}@{socket.gethostname()})"


@pytest.fixture()
def database(env, tmp_path):
    """The CLI's environment on a fresh, migrated database with one admin, `sami` (created at the command
    line, so the first entry is the command line's)."""
    url, drop = new_database(database_kind(), tmp_path)
    env["DATABASE_URL"] = url
    assert run_cli(env, "db", "upgrade").returncode == 0
    created = run_cli(
        env, "users", "create", "sami", "--name", "Sami Khoury", "--role", "admin", "--password", PASSWORD
    )
    assert created.returncode == 0, created.stderr
    yield env
    drop()


def entries(env) -> list[dict]:
    """The audit log, oldest first, as the API gives it (actor, subject, action, details, origin)."""
    return ast.literal_eval(
        check(
            env,
            "from workflow.models import AuditEntry\n"
            "from workflow.web.api.audit import audit_json\n"
            "rows = db.session.query(AuditEntry).order_by(AuditEntry.id)\n"
            "print([{k: v for k, v in audit_json(e).items() if k not in ('id', 'at')} for e in rows])",
        )
    )


def ok(env, *args: str) -> str:
    result = run_cli(env, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_users_command_that_changes_an_account_is_recorded_with_who_and_where(database):
    """Each command once, with and without --as in turn (one interpreter per command costs seconds)."""
    env = database
    ok(
        env,
        "users",
        "create",
        "nadia",
        "--name",
        "Nadia Haddad",
        "--role",
        "reporter",
        "--password",
        PASSWORD,
    )
    ok(env, "users", "token", "nadia", "--name", "laptop", "--as", "sami")
    token_id = ok(env, "users", "tokens", "nadia").split()[0]  # reading changes nothing
    ok(env, "users", "revoke-token", token_id)
    ok(
        env,
        "users",
        "set-password",
        "nadia",
        "--password",
        "second password",
        "--must-change",
        "--as",
        "sami",
    )
    ok(env, "users", "disable", "nadia")
    ok(env, "users", "enable", "nadia", "--as", "sami")

    log = entries(env)
    assert all(e["origin"] == ORIGIN for e in log), log
    assert [(e["action"], e["actor"], e["subject"]) for e in log] == [
        ("user_created", None, "sami"),
        ("user_created", None, "nadia"),
        ("token_issued", "sami", "nadia"),
        ("token_revoked", None, "nadia"),
        ("password_reset", "sami", "nadia"),
        ("user_disabled", None, "nadia"),
        ("user_enabled", "sami", "nadia"),
    ]
    assert log[1]["details"] == {"roles": ["reporter"]}
    assert log[2]["details"] == log[3]["details"] == {"token_id": int(token_id), "name": "laptop"}
    assert log[4]["details"]["must_change"] is True


def test_as_must_name_an_active_admin_and_nothing_changes_otherwise(database, tiny_package):
    env = database
    check(
        env,
        "from workflow.domain.states import Role\n"
        "users.create_user(db.session, 'rima', 'Rima Haddad', {Role.EDITOR}, 'a password here')\n"
        "old = users.create_user(db.session, 'old-admin', 'Old Admin', {Role.ADMIN}, 'a password here')\n"
        "old.active = False\n"
        "db.session.commit()",
    )
    before = entries(env)
    refusals = [
        (("users", "disable", "sami", "--as", "rima"), "rima is not an active admin"),
        (
            (
                "users",
                "create",
                "x1",
                "--name",
                "X",
                "--role",
                "admin",
                "--password",
                PASSWORD,
                "--as",
                "old-admin",
            ),
            "old-admin is not an active admin",
        ),
        (("users", "token", "sami", "--as", "nobody"), "No user named 'nobody'"),
        (("models", "import", str(tiny_package), "--as", "rima"), "rima is not an active admin"),
        (("models", "retry-failed", "--as", "rima"), "rima is not an active admin"),
    ]
    for command, why in refusals:
        refused = run_cli(env, *command)
        assert refused.returncode == 1 and why in refused.stderr, (command, refused.stderr)
        assert "Traceback" not in refused.stderr
    assert entries(env) == before
    assert json.loads(ok(env, "models", "list", "--json"))["models"] == [], "installed despite the refusal"


def test_model_import_install_and_retry_are_recorded(database, tiny_package, tmp_path):
    env = database
    ok(env, "models", "import", str(tiny_package))
    index = tmp_path / "index" / "index.json"
    index.parent.mkdir()
    link = {"type": "translate", "from_code": "ar", "to_code": "en", "package_version": "1.0"}
    index.write_text(json.dumps([{**link, "links": [tiny_package.as_uri()]}]))
    ok(env, "models", "install", "ar", "en", "--index-url", index.as_uri(), "--as", "sami")
    # A draft that failed (the workers would retry it too once a model serves it; here the admin does).
    check(
        env,
        "from tests.support.factories import make_article\n"
        "from workflow.services import drafts\n"
        "draft = make_article(targets=['fr']).adaptations[0].draft\n"
        "drafts.take_job(db.session, draft.id, 't', lease_seconds=60)\n"
        "drafts.fail_draft(db.session, draft.id, 'The model broke.')\n"
        "db.session.commit()",
    )
    assert "Queued 1 failed draft(s) again." in ok(env, "models", "retry-failed", "ar", "fr", "--as", "sami")

    log = [e for e in entries(env) if e["action"] != "user_created"]
    assert all(e["origin"] == ORIGIN and e["subject"] is None for e in log), log
    assert [(e["action"], e["actor"]) for e in log] == [
        ("model_imported", None),
        ("model_installed", "sami"),
        ("drafts_retried", "sami"),
    ]
    assert log[0]["details"] == {
        "package": "translate-ar_en-1_0",
        "version": "1.0",
        "file": tiny_package.name,
    }
    assert log[1]["details"] == {"package": "translate-ar_en-1_0", "version": "1.0", "index": index.as_uri()}
    assert log[2]["details"] == {"source": "ar", "target": "fr", "drafts": 1}


def test_a_model_installed_before_the_database_exists_says_it_is_not_recorded(env, tiny_package):
    installed = ok(env, "models", "import", str(tiny_package))
    assert "Not in the audit log: the database has no tables yet." in installed
    refused = run_cli(env, "models", "import", str(tiny_package), "--as", "sami")
    assert refused.returncode == 1 and "run adaptdesk db upgrade first" in refused.stderr
