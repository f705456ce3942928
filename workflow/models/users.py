"""People, their roles and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.rules import Actor
from ..domain.states import Role
from .base import Base, UTCDateTime, utcnow

TOKEN_PREFIX = "adk_"


class User(UserMixin, Base):
    """A person who works in the newsroom."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    #: Set by an admin's reset: until they choose a new password, the person can do nothing else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Where notifications are mailed (when the newsroom sends mail); None when not given.
    email: Mapped[str | None] = mapped_column(String(254))
    #: Language pairs an adaptor works in ("ar-en fr-en"): draft notifications for these only ("": every pair).
    language_pairs: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: Notification events NOT mailed to them ("claimed submitted"); "": every event is mailed (with an e-mail).
    mail_muted: Mapped[str] = mapped_column(String(400), default="", server_default="")
    #: One mail a day listing the day's notifications (at ADAPTDESK_MAIL_DIGEST_HOUR) instead of one per event.
    mail_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The language of the desk's pages for this person ("en", "ar"); None: their browser's Accept-Language.
    interface_language: Mapped[str | None] = mapped_column(String(8), default=None)

    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this person holds."""
        return frozenset(Role(g.role) for g in self.role_grants)

    def set_roles(self, roles: set[Role] | frozenset[Role]) -> None:
        """Replace this person's roles."""
        keep = {g.role: g for g in self.role_grants if Role(g.role) in roles}
        self.role_grants = [keep.get(r.value) or RoleGrant(role=r.value) for r in sorted(roles)]

    @property
    def actor(self) -> Actor:
        """This person as the domain rules see them."""
        return Actor(id=self.id, roles=self.roles, name=self.display_name)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of the password."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """Whether the password matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)


class RoleGrant(Base):
    """One role held by one person."""

    __tablename__ = "role_grants"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_grants")


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        """What the token is for, as its owner named it."""
        return self.label

    @staticmethod
    def hash(token: str) -> str:
        """The stored form of a token."""
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        """A new random token in its printable form."""
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class LoginSession(Base):
    """One login to the newsroom pages: the cookie carries its token, logging out closes it for good.

    The session cookie is signed but stateless; without this row a copy of it would stay valid after logout.
    Only the token's SHA-256 hash is stored.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Refreshed at most once a minute while the session is used (the idle timeout counts from it).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def generate() -> str:
        """A new random session token."""
        return secrets.token_urlsafe(32)
