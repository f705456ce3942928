"""Who is asking: the logged-in person or the owner of a bearer token, and role checks for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user

from ..domain.rules import available_actions
from ..domain.states import Role
from ..extensions import db
from ..models import Adaptation, User
from ..services.users import user_for_token

#: Key of the login session's token in the signed session cookie (see `services.users.open_login_session`).
LOGIN_SESSION_KEY = "login_session"


def bearer_token() -> str | None:
    """The token from an `Authorization: Bearer …` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_person() -> User | None:
    """The person behind this request: a valid bearer token first, else the session login."""
    if "person" in g:
        return g.person
    person = None
    token = bearer_token()
    if token:
        person = user_for_token(db.session, token)
    elif current_user.is_authenticated:
        person = db.session.get(User, current_user.id)
    g.person = person
    return person


def roles_required(*roles: Role) -> Callable:
    """Let in only logged-in people holding one of `roles` (401 for nobody, 403 for the wrong role)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            person = current_person()
            if person is None:
                abort(401)
            if roles and not (person.roles & set(roles)):
                abort(
                    403,
                    description="Your role does not give access to this page. "
                    f"It is for: {', '.join(r.value + 's' for r in roles)}.",
                )
            return view(*args, **kwargs)

        return wrapped

    return decorator


def signed_in() -> User:
    """The person behind a request that `roles_required` let through."""
    person = current_person()
    assert person is not None  # roles_required let only logged-in people through
    return person


def actions_by_id(adaptations: list[Adaptation]) -> dict[int, list[str]]:
    """The workflow actions the signed-in person may take on each adaptation, by its id."""
    actor, own_ok = signed_in().actor, self_approval_allowed()
    return {a.id: available_actions(actor, a.subject, allow_self_approval=own_ok) for a in adaptations}


def self_approval_allowed() -> bool:
    """Whether this newsroom lets people approve their own adaptations (ADAPTDESK_ALLOW_SELF_APPROVAL)."""
    return current_app.config["ADAPTDESK"].allow_self_approval
