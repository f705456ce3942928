"""`adaptdesk users` for running accounts: set-password (prompting), disable, enable, tokens, revoke-token —
each in its own interpreter, on a database of its own, as an operator would type them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.cli.helpers import REPO, run_cli, run_python
from tests.conftest import database_kind
from tests.support.live import new_database

PASSWORD = "first password"


@pytest.fixture()
def accounts(env, tmp_path):
    """The CLI's environment on a fresh, migrated database with one reporter, `nadia`, and two tokens."""
    url, drop = new_database(database_kind(), tmp_path)
    env["DATABASE_URL"] = url
    assert run_cli(env, "db", "upgrade").returncode == 0
    created = run_cli(
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
    assert created.returncode == 0, created.stderr
    tokens = [
        run_cli(env, "users", "token", "nadia", "--name", name).stdout.strip()
        for name in ("laptop", "importer")
    ]
    assert all(t.startswith("adk_") for t in tokens)
    yield env, tokens
    drop()


def check(env, code: str) -> str:
    """Run Python against the same database (a fresh app) and return what it prints."""
    program = (
        "from workflow import create_app\n"
        "from workflow.extensions import db\n"
        "from workflow.services import credentials, users\n"
        "app = create_app()\n"
        "with app.app_context():\n" + "".join(f"    {line}\n" for line in code.splitlines())
    )
    result = run_python(env, program)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def works(env, token: str) -> bool:
    return check(env, f"print(credentials.user_for_token(db.session, {token!r}) is not None)") == "True"


def can_log_in(env, password: str) -> bool:
    return check(env, f"print(users.authenticate(db.session, 'nadia', {password!r}) is not None)") == "True"


def test_tokens_are_listed_and_revoked_by_id(accounts):
    env, (laptop, importer) = accounts
    listed = run_cli(env, "users", "tokens", "nadia")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 2 and "importer" in lines[0] and "laptop" in lines[1]
    assert all("expires" in line and "used never" in line for line in lines)
    laptop_id = lines[1].split()[0]
    revoked = run_cli(env, "users", "revoke-token", laptop_id)
    assert revoked.returncode == 0 and f"Revoked token {laptop_id} (laptop) of nadia" in revoked.stdout
    assert not works(env, laptop) and works(env, importer)
    assert "laptop" not in run_cli(env, "users", "tokens", "nadia").stdout
    missing = run_cli(env, "users", "revoke-token", "987654")
    assert missing.returncode != 0 and "No token 987654" in missing.stderr
    assert run_cli(env, "users", "tokens", "nobody").returncode != 0


def test_set_password_prompts_like_create_and_ends_every_token(accounts):
    env, (laptop, importer) = accounts
    typed = run_cli_input(
        env, "new secret 123\nnew secret 123\n", "users", "set-password", "nadia", "--must-change"
    )
    assert typed.returncode == 0, typed.stderr
    assert "2 token(s) revoked" in typed.stdout and "must choose a new one" in typed.stdout
    assert can_log_in(env, "new secret 123") and not can_log_in(env, PASSWORD)
    assert not works(env, laptop) and not works(env, importer)
    assert check(env, "print(users.find_user(db.session, 'nadia').must_change_password)") == "True"
    given = run_cli(env, "users", "set-password", "nadia", "--password", "given on the line")
    assert given.returncode == 0 and can_log_in(env, "given on the line")
    short = run_cli(env, "users", "set-password", "nadia", "--password", "short")
    assert short.returncode != 0 and "at least 8 characters" in short.stderr


def test_disable_ends_everything_and_enable_revives_nothing(accounts):
    env, (laptop, importer) = accounts
    disabled = run_cli(env, "users", "disable", "nadia")
    assert disabled.returncode == 0 and "Disabled nadia" in disabled.stdout
    assert not can_log_in(env, PASSWORD) and not works(env, laptop)
    assert "(disabled)" in run_cli(env, "users", "list").stdout
    enabled = run_cli(env, "users", "enable", "nadia")
    assert enabled.returncode == 0 and "Enabled nadia" in enabled.stdout
    assert can_log_in(env, PASSWORD)
    assert not works(env, laptop) and not works(env, importer), "enabling again revived a token"
    audit = check(
        env,
        "from workflow.models import AuditEntry\n"
        "print([e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)])",
    )
    assert audit == "['user_created', 'token_issued', 'token_issued', 'user_disabled', 'user_enabled']"


def run_cli_input(env, text: str, *args: str):
    """`adaptdesk ARGS` with `text` typed at its prompts."""
    return subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args],
        env=env,
        cwd=REPO,
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_create_takes_an_email_address_and_refuses_a_bad_one(accounts):
    env, _tokens = accounts
    made = run_cli(
        env,
        "users",
        "create",
        "rima",
        "--name",
        "Rima",
        "--role",
        "editor",
        "--password",
        PASSWORD,
        "--email",
        "rima@example.org",
    )
    assert made.returncode == 0, made.stderr
    assert check(env, "print(users.find_user(db.session, 'rima').email)") == "rima@example.org"
    refused = run_cli(
        env,
        "users",
        "create",
        "omar",
        "--name",
        "Omar",
        "--role",
        "editor",
        "--password",
        PASSWORD,
        "--email",
        "omar at example",
    )
    assert refused.returncode != 0 and "is not an e-mail address" in refused.stderr
