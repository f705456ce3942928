"""Session cookies, passwords, the secret key and API tokens."""

from __future__ import annotations

import secrets
import stat

import pytest
from sqlalchemy import select

from tests.security.conftest import ADMIN, Person
from tests.support.factories import PASSWORD, make_user, token_for
from workflow import create_app
from workflow.config import ConfigError, Settings
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import ApiToken, User
from workflow.models.base import Base


def cookie_attributes(response, name: str) -> dict[str, str] | None:
    """The attributes of the Set-Cookie header for `name` (lower-cased keys), or None when not set."""
    for header in response.headers.getlist("Set-Cookie"):
        first, *attributes = [part.strip() for part in header.split(";")]
        if first.split("=", 1)[0] == name:
            parsed = {}
            for attribute in attributes:
                key, _, value = attribute.partition("=")
                parsed[key.lower()] = value
            return parsed
    return None


# --- the session cookie ---------------------------------------------------------------------------------


def test_login_cookie_is_httponly_and_samesite_lax(app, session):
    user = make_user(Role.REPORTER)
    person = Person(app, "anonymous", None)
    response = person.client.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": person.csrf}
    )
    assert response.status_code == 302
    cookie = cookie_attributes(response, app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None, "logging in sets no session cookie"
    assert "httponly" in cookie
    assert cookie.get("samesite", "").lower() == "lax"
    remember = cookie_attributes(response, app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    assert remember is None or ("httponly" in remember and remember.get("samesite", "").lower() == "lax")


@pytest.fixture()
def build_app(app, tmp_path):
    """Build another app from the real factory on the same database, and put the test app back after.

    The factory binds the shared `db` and sets Celery's default app; both are restored so the other
    tests keep running inside their rolled-back transactions.
    """
    engine, bind = db.engine, db.session_factory.kw.get("bind")
    built = []

    def build(env: dict[str, str]):
        settings = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path / f"data{len(built)}"), **env})
        other = create_app({"RATELIMIT_ENABLED": False}, settings=settings)
        built.append(db.engine)
        return other

    yield build
    for other_engine in built:
        if other_engine is not engine:
            other_engine.dispose()
    db.engine = engine
    db.session_factory.configure(bind=bind)
    db.session.remove()
    app.extensions["celery"].set_default()


@pytest.mark.parametrize(
    "env",
    [
        {"ADAPTDESK_ENV": "production", "ADAPTDESK_PUBLIC_URL": "https://news.example.org"},
        {"ADAPTDESK_SECURE_COOKIES": "1"},
    ],
    ids=["production", "secure-cookies"],
)
def test_secure_cookie_in_production(build_app, database_url, env):
    secure_app = build_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32), **env})
    response = secure_app.test_client().get("/login")  # stores the form's CSRF token in the session
    assert response.status_code == 200
    cookie = cookie_attributes(response, secure_app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    assert "secure" in cookie and "httponly" in cookie and cookie.get("samesite", "").lower() == "lax"
    assert secure_app.config["REMEMBER_COOKIE_SECURE"] is True


def test_no_secure_flag_by_default_for_plain_http_on_one_machine(build_app, database_url):
    plain = build_app({"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32)})
    cookie = cookie_attributes(plain.test_client().get("/login"), "session")
    assert cookie is not None and "secure" not in cookie and "httponly" in cookie


# --- the secret key -------------------------------------------------------------------------------------


#: Refused in production: missing, placeholders, under 32 characters, or fewer than 10 different characters.
WEAK_KEYS = [
    None,
    "",
    "dev",
    "change-me",
    "please-change-me",
    "short-key-15chr",
    "aaaaaaaaaaaaaaaa",
    "a" * 64,
    "0123456789abcdefghij0123456789a",  # 31 characters
    "abcabcabcabcabcabcabcabcabcabcabcabcabcabc",  # long, but 3 different characters
    "123456789" * 8,  # long, 9 different characters
]


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_production_refuses_a_missing_or_weak_secret_key(tmp_path, monkeypatch, key):
    env = {
        "ADAPTDESK_ENV": "production",
        "ADAPTDESK_DATA_DIR": str(tmp_path),
        "ADAPTDESK_PUBLIC_URL": "https://news.example.org",
    }
    if key is not None:
        env["SECRET_KEY"] = key
    with pytest.raises(ConfigError, match="SECRET_KEY") as refused:
        Settings.from_env(env)
    # The message says how to make a good one.
    assert "python -c 'import secrets; print(secrets.token_hex(32))'" in str(refused.value)
    assert "32 characters" in str(refused.value)
    # The factory, reading the real environment, refuses too (before it binds anything).
    for name in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    assert not (tmp_path / "secret_key").exists(), "production wrote a generated key instead of refusing"


@pytest.mark.parametrize(
    "key", [secrets.token_hex(32), secrets.token_urlsafe(32), "0123456789abcdefghijklmnopqrstuv"]
)
def test_production_accepts_a_long_random_secret_key(tmp_path, key):
    settings = Settings.from_env(
        {
            "ADAPTDESK_ENV": "production",
            "ADAPTDESK_DATA_DIR": str(tmp_path),
            "SECRET_KEY": key,
            "ADAPTDESK_PUBLIC_URL": "https://news.example.org/",
        }
    )
    assert settings.production and settings.session_cookie_secure
    assert settings.public_url == "https://news.example.org"


@pytest.mark.parametrize(
    "url", [None, "", "news.example.org", "ftp://news.example.org", "https://x.org/?a=1"]
)
def test_production_needs_the_public_address(tmp_path, url):
    env = {
        "ADAPTDESK_ENV": "production",
        "ADAPTDESK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_hex(32),
    }
    if url is not None:
        env["ADAPTDESK_PUBLIC_URL"] = url
    with pytest.raises(ConfigError, match="ADAPTDESK_PUBLIC_URL"):
        Settings.from_env(env)


def test_a_generated_development_key_is_random_and_private(tmp_path):
    first = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path / "a")}).with_secret()
    second = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path / "b")}).with_secret()
    assert len(first.secret_key) >= 32 and first.secret_key != second.secret_key
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode & 0o077 == 0, f"the key file is readable by others: {oct(mode)}"


# --- passwords ------------------------------------------------------------------------------------------


def test_passwords_are_stored_as_salted_scrypt_hashes(app, session):
    admin = Person(app, ADMIN, make_user(Role.ADMIN))
    password = "a long and secret password"
    for username in ("first-person", "second-person"):
        response = admin.client.post(
            "/admin/users",
            data={
                "username": username,
                "display_name": username.title(),
                "roles": "reporter",
                "password": password,
                "csrf_token": admin.csrf,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    stored = [
        session.scalar(select(User).where(User.username == u)).password_hash
        for u in ("first-person", "second-person")
    ]
    for value in stored:
        method, salt, digest = value.split("$")
        name, n, r, _p = method.split(":")
        assert name == "scrypt" and int(n) >= 2**14 and int(r) >= 8, method
        assert password not in value and len(salt) >= 16 and len(digest) >= 64
    assert stored[0] != stored[1], "the same password gave the same hash: no salt"
    # The new person can log in with it through the real form, and not with a near miss.
    person = Person(app, "anonymous", None)
    bad = person.client.post(
        "/login", data={"username": "first-person", "password": password + " ", "csrf_token": person.csrf}
    )
    assert bad.status_code == 401
    good = person.client.post(
        "/login", data={"username": "first-person", "password": password, "csrf_token": person.csrf}
    )
    assert good.status_code == 302


# --- API tokens -----------------------------------------------------------------------------------------


def _all_stored_text(session) -> str:
    """Every value of every row of every table, as text."""
    chunks = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(table.select()):
            chunks.extend(str(value) for value in row)
    return "\n".join(chunks)


def test_api_tokens_are_stored_hashed_and_revocable(client, session):
    user = make_user(Role.EDITOR)
    response = client.post(
        "/api/v1/tokens", json={"username": user.username, "password": PASSWORD, "label": "laptop"}
    )
    assert response.status_code == 201
    token = response.json["token"]
    assert len(token) >= 32
    other = client.post("/api/v1/tokens", json={"username": user.username, "password": PASSWORD}).json[
        "token"
    ]
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    assert len(rows) == 2
    stored = _all_stored_text(session)
    assert token not in stored and other not in stored, "the database holds a plain API token"
    assert token[4:] not in stored and token[-20:] not in stored
    assert {row.token_hash for row in rows} == {ApiToken.hash(token), ApiToken.hash(other)}

    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert client.delete("/api/v1/tokens/current", headers=bearer).status_code == 204
    for method, url in (
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/queue"),
        ("DELETE", "/api/v1/tokens/current"),
        ("POST", "/api/v1/articles"),
    ):
        refused = client.open(url, method=method, headers=bearer, json={})
        assert refused.status_code == 401, (method, url, refused.status_code)
        assert "revoked" in refused.json["message"]
    # Revoking one token leaves the person's other tokens working.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_tokens_of_a_disabled_person_stop_working(app, client, session):
    user = make_user(Role.REPORTER)
    bearer = token_for(user)
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    admin = Person(app, ADMIN, make_user(Role.ADMIN))
    response = admin.client.post(
        f"/admin/users/{user.id}/active", data={"active": "0", "csrf_token": admin.csrf}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Token {t}", "Basic {t}", "Bearer {t}x", "{t}", "Bearer adk_", "Bearer {t} {t}"],
)
def test_malformed_or_wrong_authorization_gets_401(client, session, header):
    token = token_for(make_user(Role.EDITOR))["Authorization"].split(" ", 1)[1]
    response = client.get("/api/v1/me", headers={"Authorization": header.format(t=token)})
    assert response.status_code == 401, header


# --- a logged-in session follows the person's current standing -----------------------------------------


def test_disabling_a_person_ends_their_open_sessions(app, session):
    reporter = Person(app, "reporter", make_user(Role.REPORTER))
    assert reporter.client.get("/desk/reports").status_code == 200
    admin = Person(app, ADMIN, make_user(Role.ADMIN))
    response = admin.client.post(
        f"/admin/users/{reporter.user.id}/active", data={"active": "0", "csrf_token": admin.csrf}
    )
    assert response.status_code == 302
    cut = reporter.client.get("/desk/reports")
    assert cut.status_code == 302 and cut.headers["Location"].startswith("/login")
    assert reporter.client.get("/api/v1/me").status_code == 401


def test_a_removed_role_stops_working_at_once(app, session):
    editor = Person(app, "editor", make_user(Role.EDITOR))
    bearer = token_for(editor.user)
    assert editor.client.get("/desk/review").status_code == 200
    admin = Person(app, ADMIN, make_user(Role.ADMIN))
    response = admin.client.post(
        f"/admin/users/{editor.user.id}/roles", data={"roles": "reporter", "csrf_token": admin.csrf}
    )
    assert response.status_code == 302
    assert editor.client.get("/desk/review").status_code == 403
    assert editor.client.get("/api/v1/queue", headers=bearer).status_code == 403


def test_a_failed_login_does_not_say_whether_the_username_exists(app, session):
    user = make_user(Role.REPORTER)
    person = Person(app, "anonymous", None)
    answers = []
    for username in (user.username, "no-such-person"):
        response = person.client.post(
            "/login", data={"username": username, "password": "wrong password", "csrf_token": person.csrf}
        )
        page = response.get_data(as_text=True)
        answers.append((response.status_code, "Wrong username or password." in page))
        api = person.client.post("/api/v1/tokens", json={"username": username, "password": "wrong password"})
        answers.append((api.status_code, api.json["message"]))
    assert answers[0] == answers[2] and answers[1] == answers[3], answers
