"""People: creating them, their roles, whether they may log in, their passwords, and logging in.

Administrative operations take `actor`: an admin, or None for the command line (someone who holds the
server and its database already). Each is written to the audit log.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.languages import INTERFACE_LANGUAGES
from ..domain.messages import N_
from ..domain.notifications import Event, parse_language_pairs
from ..domain.rules import can_manage_users
from ..domain.states import Role
from ..domain.text import has_bidi_controls
from ..models import AuditAction, User
from . import audit
from .credentials import end_access
from .errors import Conflict, InvalidInput, NotAllowed, NotFound

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024


def parse_roles(values: list[str]) -> set[Role]:
    """Roles from their names; unknown names are refused."""
    known = {r.value: r for r in Role}
    roles = set()
    for value in (v.strip().lower() for v in values if v.strip()):
        if value not in known:
            raise InvalidInput(
                "roles",
                N_(
                    "Unknown role %(value)s. Roles are: %(choices)s.",
                    value=repr(value),
                    choices=", ".join(known),
                ),
            )
        roles.add(known[value])
    return roles


def _require_admin(actor: User | None, doing: str) -> None:
    if actor is not None and not can_manage_users(actor.actor):
        raise NotAllowed(N_("Only admins may %(doing)s.", doing=doing))


def check_new_password(password: str | None, field: str = "password") -> str:
    """A password someone chooses: 8 to 1024 characters."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput(
            field, N_("A password needs at least %(min_password)s characters.", min_password=MIN_PASSWORD)
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(
            field, N_("A password may have at most %(max_password)s characters.", max_password=MAX_PASSWORD)
        )
    return password


#: An e-mail address as people type it: one @, no spaces, a dot in the domain (delivery proves the rest).
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


def parse_email(value: str | None, field: str = "email") -> str | None:
    """An e-mail address, trimmed (None for none); 400 naming the field when it cannot be one."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 254 or not EMAIL.match(value) or any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InvalidInput(
            field, N_("%(value)s is not an e-mail address (name@example.org).", value=repr(value[:60]))
        )
    return value


def parse_pairs(value: str | None, field: str = "language_pairs") -> str:
    """Language pairs as stored ("ar-en fr-en"); 400 naming the field when one is not two language codes."""
    pairs = parse_language_pairs(value or "")
    if pairs is None:
        raise InvalidInput(
            field, N_("Write language pairs as ISO codes, e.g. ar-en, fr-en (or leave it empty).")
        )
    text = " ".join(f"{a}-{b}" for a, b in pairs)
    if len(text) > 200:
        raise InvalidInput(field, N_("At most 200 characters of language pairs."))
    return text


def muted_events(mailed: list[str], field: str = "mail_events") -> list[str]:
    """The events not mailed, given those that are; 400 naming the field for an unknown event."""
    known = [e.value for e in Event]
    unknown = [e for e in mailed if e not in known]
    if unknown:
        raise InvalidInput(
            field,
            N_(
                "Unknown event %(unknown)s; events are: %(choices)s.",
                unknown=repr(unknown[0]),
                choices=", ".join(known),
            ),
        )
    return [e for e in known if e not in mailed]


def mailed_events(person: User) -> list[str]:
    """The events that mail the person (when they have an address and the newsroom a mail server)."""
    muted = person.mail_muted.split()
    return [e.value for e in Event if e.value not in muted]


def _mail_settings(person: User) -> dict:
    return {
        "email": person.email,
        "language_pairs": person.language_pairs,
        "mail_muted": person.mail_muted,
        "mail_digest": person.mail_digest,
    }


def update_settings(
    session: Session,
    actor: User,
    person: User,
    *,
    email: str | None = None,
    language_pairs: str | None = None,
    mail_events: list[str] | None = None,
    mail_digest: bool | None = None,
    changing: frozenset[str] = frozenset({"email", "language_pairs"}),
) -> User:
    """Set a person's e-mail address, language pairs, which events mail them and whether in one daily digest
    (what `changing` names): their own, or anyone's for an admin (audited)."""
    if actor.id != person.id:
        _require_admin(actor, N_("change other people's settings"))
    before = _mail_settings(person)
    if "email" in changing:
        person.email = parse_email(email)
    if "language_pairs" in changing:
        person.language_pairs = parse_pairs(language_pairs)
    if "mail_events" in changing:
        person.mail_muted = " ".join(muted_events(mail_events or []))
    if "mail_digest" in changing:
        if not isinstance(mail_digest, bool):
            raise InvalidInput(
                "mail_digest", N_("mail_digest is true (one mail a day) or false (one per event).")
            )
        person.mail_digest = mail_digest
    after = _mail_settings(person)
    session.flush()
    if actor.id != person.id and before != after:
        audit.record(session, actor, AuditAction.SETTINGS_CHANGED, person, before=before, after=after)
    return person


def create_user(
    session: Session,
    username: str,
    display_name: str,
    roles: set[Role],
    password: str,
    *,
    actor: User | None = None,
    email: str | None = None,
) -> User:
    """Add a person with a hashed password; usernames are lower-case and unique (409 when two admins
    create the same one at the same moment)."""
    _require_admin(actor, N_("add people"))
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise InvalidInput(
            "username", N_("A username is 2–64 lower-case letters, digits, dots, dashes or underscores.")
        )
    display_name = (display_name or "").strip()
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in display_name) or has_bidi_controls(
        display_name
    ):
        raise InvalidInput(
            "name", N_("The display name holds control or text-direction characters; remove them.")
        )
    if not display_name or len(display_name) > 120:
        raise InvalidInput(
            "name", N_("A display name (as printed in credits) of 1–120 characters is required.")
        )
    check_new_password(password)
    email = parse_email(email)
    if session.scalar(select(User.id).where(User.username == username)):
        raise InvalidInput("username", N_("The username %(username)s is taken.", username=repr(username)))
    user = User(username=username, display_name=display_name, email=email)
    user.set_password(password)
    user.set_roles(roles)
    try:
        with session.begin_nested():  # only this insert is undone if the name was taken meanwhile
            session.add(user)
            session.flush()
    except IntegrityError:
        raise Conflict(
            N_(
                "The username %(username)s was taken a moment ago by someone else; choose another.",
                username=repr(username),
            ),
            code="username_taken",
            details={"field": "username"},
        ) from None
    audit.record(session, actor, AuditAction.USER_CREATED, user, roles=sorted(r.value for r in roles))
    return user


def change_roles(session: Session, actor: User | None, user: User, roles: set[Role]) -> User:
    """An admin replaces someone's roles; an admin cannot drop their own admin role."""
    _require_admin(actor, N_("change roles"))
    if actor is not None and user.id == actor.id and Role.ADMIN not in roles:
        raise InvalidInput("roles", N_("You cannot remove your own admin role."))
    before = sorted(r.value for r in user.roles)
    user.set_roles(roles)
    session.flush()
    after = sorted(r.value for r in roles)
    if before != after:
        audit.record(session, actor, AuditAction.ROLES_CHANGED, user, before=before, after=after)
    return user


def set_active(session: Session, actor: User | None, user: User, active: bool) -> User:
    """An admin enables or disables someone's login. Disabling ends every session and revokes every token
    for good: enabling again lets the person log in afresh but revives none of them."""
    _require_admin(actor, N_("disable accounts"))
    if actor is not None and user.id == actor.id and not active:
        raise InvalidInput("active", N_("You cannot disable your own account."))
    if user.active == active:
        return user
    user.active = active
    if not active:
        sessions, tokens = end_access(session, user)
        audit.record(session, actor, AuditAction.USER_DISABLED, user, sessions=sessions, tokens=tokens)
    else:
        audit.record(session, actor, AuditAction.USER_ENABLED, user)
    session.flush()
    return user


def change_own_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    *,
    keep_session: str | None = None,
    keep_token: str | None = None,
) -> tuple[int, int]:
    """A person changes their own password, proving the current one. Every other login session ends and
    every token but the one in use is revoked; returns how many sessions and tokens ended."""
    if not user.check_password(current or ""):
        raise InvalidInput("current_password", N_("The current password is wrong; type it again."))
    check_new_password(new, "new_password")
    if user.check_password(new):
        raise InvalidInput("new_password", N_("The new password is the one you have now; choose another."))
    user.set_password(new)
    user.must_change_password = False
    ended = end_access(session, user, keep_session=keep_session, keep_token=keep_token)
    audit.record(session, user, AuditAction.PASSWORD_CHANGED, user, sessions=ended[0], tokens=ended[1])
    return ended


def set_interface_language(session: Session, user: User, language: str | None) -> User:
    """A person chooses the language of the desk's pages; None or "" goes back to their browser's."""
    language = (language or "").strip() or None
    if language is not None and language not in INTERFACE_LANGUAGES:
        raise InvalidInput(
            "interface_language",
            N_(
                "Choose one of %(choices)s, or none for the browser's.",
                choices=", ".join(INTERFACE_LANGUAGES),
            ),
        )
    user.interface_language = language
    session.flush()
    return user


def reset_password(
    session: Session,
    actor: User | None,
    user: User,
    new: str,
    *,
    must_change: bool = False,
    keep_session: str | None = None,
) -> tuple[int, int]:
    """An admin (or the command line) sets someone's password, optionally making them choose another at
    their next login. Their sessions end and their tokens are revoked (an admin resetting their own keeps
    the session making the request)."""
    _require_admin(actor, N_("reset passwords"))
    check_new_password(new)
    user.set_password(new)
    user.must_change_password = must_change
    own = actor is not None and actor.id == user.id
    ended = end_access(session, user, keep_session=keep_session if own else None)
    audit.record(
        session,
        actor,
        AuditAction.PASSWORD_RESET,
        user,
        must_change=must_change,
        sessions=ended[0],
        tokens=ended[1],
    )
    return ended


def find_user(session: Session, username: str) -> User:
    """The person with that username, or NotFound."""
    name = (username or "").strip().lower()
    # A name no account could have (a NUL byte, which PostgreSQL refuses in text) is simply unknown.
    user = session.scalar(select(User).where(User.username == name)) if USERNAME.match(name) else None
    if user is None:
        raise NotFound(N_("No user named %(username)s.", username=repr(username)))
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active person with these credentials, or None.

    Unknown, disabled and wrong-password logins all cost one scrypt check, so the time an answer takes
    does not tell which usernames exist or which accounts are disabled.
    """
    name = (username or "").strip().lower()
    # A name no account could have (a NUL byte, which PostgreSQL refuses in text) is simply unknown.
    user = session.scalar(select(User).where(User.username == name)) if USERNAME.match(name) else None
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    matches = check_password_hash(stored, password or "")
    if user is None or not matches or not user.active:
        return None
    return user


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password", method="scrypt")
