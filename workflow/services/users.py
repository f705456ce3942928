"""Creating people, changing their roles, logging in and API tokens."""

from __future__ import annotations

import functools
import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.rules import can_manage_users
from ..domain.states import Role
from ..domain.text import has_bidi_controls
from ..models import ApiToken, LoginSession, User, utcnow
from .errors import InvalidInput, NotAllowed, NotFound

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8


def parse_roles(values: list[str]) -> set[Role]:
    """Roles from their names; unknown names are refused."""
    known = {r.value: r for r in Role}
    roles = set()
    for value in (v.strip().lower() for v in values if v.strip()):
        if value not in known:
            raise InvalidInput("roles", f"Unknown role {value!r}. Roles are: {', '.join(known)}.")
        roles.add(known[value])
    return roles


def create_user(session: Session, username: str, display_name: str, roles: set[Role], password: str) -> User:
    """Add a person with a hashed password; usernames are lower-case and unique."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput(
            "username", "A username is 2–64 lower-case letters, digits, dots, dashes or underscores."
        )
    display_name = (display_name or "").strip()
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in display_name) or has_bidi_controls(
        display_name
    ):
        raise InvalidInput(
            "name", "The display name holds control or text-direction characters; remove them."
        )
    if not display_name or len(display_name) > 120:
        raise InvalidInput("name", "A display name (as printed in credits) of 1–120 characters is required.")
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput("password", f"A password needs at least {MIN_PASSWORD} characters.")
    if session.scalar(select(User).where(User.username == username)):
        raise InvalidInput("username", f"The username {username!r} is taken.")
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    user.set_roles(roles)
    session.add(user)
    session.flush()
    return user


def change_roles(session: Session, actor: User, user: User, roles: set[Role]) -> User:
    """An admin replaces someone's roles; the last admin cannot drop their own admin role."""
    if not can_manage_users(actor.actor):
        raise NotAllowed("Only admins may change roles.")
    if user.id == actor.id and Role.ADMIN not in roles:
        raise InvalidInput("roles", "You cannot remove your own admin role.")
    user.set_roles(roles)
    session.flush()
    return user


def set_active(session: Session, actor: User, user: User, active: bool) -> User:
    """An admin enables or disables someone's login."""
    if not can_manage_users(actor.actor):
        raise NotAllowed("Only admins may disable accounts.")
    if user.id == actor.id and not active:
        raise InvalidInput("active", "You cannot disable your own account.")
    user.active = active
    session.flush()
    return user


def find_user(session: Session, username: str) -> User:
    """The person with that username, or NotFound."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        raise NotFound(f"No user named {username!r}.")
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active person with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        # Spend the same time as a real check, so response times do not reveal which usernames exist.
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not user.active or not user.check_password(password or ""):
        return None
    return user


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password", method="scrypt")


def issue_token(session: Session, user: User, label: str = "") -> str:
    """Create an API token for the user; the plain token is returned once and never stored."""
    token = ApiToken.generate()
    session.add(ApiToken(user_id=user.id, token_hash=ApiToken.hash(token), label=label[:120]))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active owner of a valid, unrevoked token, or None."""
    if not token:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user


def open_login_session(session: Session, user: User) -> str:
    """Record a login to the pages; returns the token the session cookie carries (only its hash is stored)."""
    token = LoginSession.generate()
    session.add(LoginSession(user_id=user.id, token_hash=ApiToken.hash(token)))
    session.flush()
    return token


def user_for_login_session(session: Session, user_id: int, token: str | None) -> User | None:
    """The active person of an open login session with this token, or None (closed, someone else's, disabled)."""
    if not token:
        return None
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == ApiToken.hash(token)))
    if row is None or row.closed_at is not None or row.user_id != user_id or not row.user.active:
        return None
    return row.user


def close_login_session(session: Session, token: str | None) -> None:
    """End a login: the cookie that carries this token no longer signs anyone in, wherever it was copied to."""
    if not token:
        return
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == ApiToken.hash(token)))
    if row is not None and row.closed_at is None:
        row.closed_at = utcnow()
        session.flush()


def revoke_token(session: Session, actor: User, token_id: int) -> None:
    """Revoke one of the actor's tokens (admins may revoke anyone's)."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and not can_manage_users(actor.actor)):
        raise NotFound("No such token.")
    row.revoked_at = row.revoked_at or utcnow()
    session.flush()
