"""What signs a person in: API tokens (named, expiring, revocable one by one) and login sessions (ended by
logout, idleness, age, "log out everywhere", a password change or disabling the account). Only SHA-256
hashes of either are stored, and nothing that ended ever works again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, joinedload

from ..domain.messages import N_
from ..domain.rules import can_manage_users
from ..domain.text import has_bidi_controls
from ..models import ApiToken, AuditAction, LoginSession, User, utcnow
from . import audit
from .errors import InvalidInput, NotAllowed, NotFound

DEFAULT_TOKEN_LIFETIME = timedelta(days=90)
#: Last-use times are written at most this often, so reading pages does not write on every request.
TOUCH_EVERY = timedelta(minutes=1)
MAX_TOKEN_NAME = 120


def hash_secret(value: str) -> str:
    """The stored form of a token or session secret."""
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class SessionPolicy:
    """How long a login session lasts: `idle` since it was last used, `lifetime` since the login."""

    idle: timedelta = timedelta(hours=12)
    lifetime: timedelta = timedelta(days=14)

    @classmethod
    def from_settings(cls, settings: Any) -> SessionPolicy:
        """The policy configured in the app's settings."""
        return cls(
            idle=timedelta(seconds=settings.session_idle_seconds),
            lifetime=timedelta(seconds=settings.session_lifetime_seconds),
        )


# --- API tokens ---------------------------------------------------------------------------------------


def parse_token_name(value: str | None) -> str:
    """A token's name: one line of at most 120 characters (default "api")."""
    name = " ".join((value or "").split()) or "api"
    if len(name) > MAX_TOKEN_NAME or has_bidi_controls(name) or any(ch < " " for ch in name):
        raise InvalidInput(
            "name",
            N_(
                "A token's name is one line of at most %(max_token_name)s plain characters.",
                max_token_name=MAX_TOKEN_NAME,
            ),
        )
    return name


def issue_token(
    session: Session, user: User, name: str = "", *, lifetime: timedelta = DEFAULT_TOKEN_LIFETIME
) -> str:
    """Create a named API token for the user; the plain token is returned once and never stored."""
    token = ApiToken.generate()
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=hash_secret(token),
            label=parse_token_name(name),
            expires_at=utcnow() + lifetime,
        )
    )
    session.flush()
    return token


def issue_token_for(
    session: Session,
    actor: User | None,
    user: User,
    name: str = "",
    *,
    lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
) -> str:
    """An admin (None: the command line) makes an API token for someone; recorded in the audit log."""
    if actor is not None and not can_manage_users(actor.actor):
        raise NotAllowed(N_("Only admins may make API tokens for other people."))
    token = issue_token(session, user, name, lifetime=lifetime)
    row = token_row(session, token)
    audit.record(session, actor, AuditAction.TOKEN_ISSUED, user, token_id=row.id, name=row.label)
    return token


def token_row(session: Session, token: str | None) -> ApiToken | None:
    """The stored token this plain token is, whatever its standing."""
    if not token:
        return None
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(token)))


def user_for_token(session: Session, token: str | None, now: datetime | None = None) -> User | None:
    """The active owner of a valid token (not revoked, not expired), or None; notes when it was last used."""
    row = token_row(session, token)
    now = now or utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
    return row.user


def live_tokens(session: Session, user: User, now: datetime | None = None) -> list[ApiToken]:
    """The person's tokens that still work, newest first."""
    return list(session.scalars(live_tokens_select(user, now)))


def live_tokens_select(user: User, now: datetime | None = None) -> Select:
    """The person's tokens that still work, newest first (for `queries.page_of`)."""
    return (
        select(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > (now or utcnow()),
        )
        .order_by(ApiToken.id.desc())
    )


def revoke_token(session: Session, actor: User | None, token_id: int) -> ApiToken:
    """Revoke one token: its owner or an admin may (`actor` None: the command line); 404 for anyone else."""
    row = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if row is None or (actor is not None and row.user_id != actor.id and not can_manage_users(actor.actor)):
        raise NotFound(
            N_("No token %(token_id)s of yours; GET /api/v1/tokens lists them.", token_id=token_id)
        )
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(session, actor, AuditAction.TOKEN_REVOKED, row.user, token_id=row.id, name=row.label)
    session.flush()
    return row


# --- login sessions ---------------------------------------------------------------------------------------


def open_login_session(session: Session, user: User) -> str:
    """Record a login to the pages; returns the secret the session cookie carries (only its hash is stored)."""
    token = LoginSession.generate()
    now = utcnow()
    session.add(
        LoginSession(user_id=user.id, token_hash=hash_secret(token), created_at=now, last_seen_at=now)
    )
    session.flush()
    return token


def user_for_login_session(
    session: Session,
    user_id: int,
    token: str | None,
    policy: SessionPolicy,
    now: datetime | None = None,
    *,
    touch: bool = True,
) -> User | None:
    """The active person of an open, fresh login session with this secret, or None (closed, someone else's,
    disabled, idle too long or too old: those are closed for good). `touch=False`: a request the page makes by
    itself (the live desk's stream), which does not count as the person using the session."""
    if not token:
        return None
    # The person and their roles in the same statement: every page reads both (the navigation, the rules).
    stmt = (
        select(LoginSession)
        .where(LoginSession.token_hash == hash_secret(token))
        .options(joinedload(LoginSession.user).joinedload(User.role_grants))
    )
    row = session.execute(stmt).unique().scalar_one_or_none()
    if row is None or row.closed_at is not None or row.user_id != user_id or not row.user.active:
        return None
    now = now or utcnow()
    if now - row.last_seen_at >= policy.idle or now - row.created_at >= policy.lifetime:
        row.closed_at = now
        return None
    if touch and now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row.user


def close_login_session(session: Session, token: str | None) -> None:
    """End a login: the cookie that carries this secret no longer signs anyone in, wherever it was copied to."""
    if not token:
        return
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == hash_secret(token)))
    if row is not None and row.closed_at is None:
        row.closed_at = utcnow()
        session.flush()


def open_login_sessions(session: Session, user: User, policy: SessionPolicy) -> list[LoginSession]:
    """The person's login sessions that still work, most recently used first."""
    now = utcnow()
    return list(
        session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.closed_at.is_(None),
                LoginSession.last_seen_at > now - policy.idle,
                LoginSession.created_at > now - policy.lifetime,
            )
            .order_by(LoginSession.last_seen_at.desc())
        )
    )


def end_access(
    session: Session,
    user: User,
    *,
    keep_session: str | None = None,
    keep_token: str | None = None,
    tokens: bool = True,
) -> tuple[int, int]:
    """Close every login session of `user` and (unless `tokens` is False) revoke every token, except the
    session and the token with these secrets (the ones making the request); returns how many ended."""
    now = utcnow()
    open_sessions = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.closed_at.is_(None)
    )
    if keep_session:
        open_sessions = open_sessions.where(LoginSession.token_hash != hash_secret(keep_session))
    closed = session.execute(open_sessions.values(closed_at=now)).rowcount
    revoked = 0
    if tokens:
        live = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        if keep_token:
            live = live.where(ApiToken.token_hash != hash_secret(keep_token))
        revoked = session.execute(live.values(revoked_at=now)).rowcount
    session.flush()
    return closed, revoked


def log_out_everywhere(session: Session, actor: User | None, user: User) -> int:
    """End every login session of `user` (by their own choice, an admin's, or the command line's); their
    API tokens stay (each is revoked on its own)."""
    if actor is not None and actor.id != user.id and not can_manage_users(actor.actor):
        raise NotFound(N_("No such person."))
    closed, _ = end_access(session, user, tokens=False)
    audit.record(session, actor, AuditAction.SESSIONS_ENDED, user, sessions=closed)
    return closed
