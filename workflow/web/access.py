"""Who is asking: the logged-in person or the owner of a bearer token, and role checks for views.

The caller is worked out before each view runs (`identify_caller`): that is when a login session that was
idle too long or is too old is closed, when last-use times are written (at most once a minute), and when a
person whose password an admin reset is sent to choose a new one before anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ..domain.actions import ROLE_PLURALS
from ..domain.messages import N_, Listing
from ..domain.rules import available_actions
from ..domain.states import Role
from ..extensions import db
from ..models import Adaptation, User
from ..services.credentials import SessionPolicy, user_for_login_session, user_for_token

#: Key of the login session's secret in the signed session cookie (see `credentials.open_login_session`).
LOGIN_SESSION_KEY = "login_session"

#: What a person who must choose a new password may still reach (besides static files, the public site and
#: the health checks).
OPEN_WHILE_PASSWORD_MUST_CHANGE = frozenset(
    {
        "account.page",
        "account.change_password",
        "auth.logout",
        "auth.login",
        "api.change_my_password",
        "api.show_me",
        "api.create_token",
        "api.revoke_current_token",
        "api.openapi",
    }
)
PUBLIC_BLUEPRINTS = ("public", "ops")
#: Requests a page makes by itself, which do not move a login session's idle clock.
UNATTENDED_ENDPOINTS = frozenset({"api.stream_events"})


def bearer_token() -> str | None:
    """The token from an `Authorization: Bearer …` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def session_policy() -> SessionPolicy:
    """The configured idle timeout and lifetime of login sessions."""
    return SessionPolicy.from_settings(current_app.config["ADAPTDESK"])


def load_login(user_id: str) -> User | None:
    """Flask-Login's loader: the person of the open login session the cookie names."""
    if not user_id.isdigit():
        return None
    # An open desk page reconnects its live stream every few minutes on its own: that is not the person using
    # the session, and must not keep an unattended login open past its idle timeout.
    touch = request.endpoint not in UNATTENDED_ENDPOINTS
    return user_for_login_session(
        db.session, int(user_id), session.get(LOGIN_SESSION_KEY), session_policy(), touch=touch
    )


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


def identify_caller():
    """Before every view: work out the caller, keep what that changed, and hold back a person who must
    choose a new password first. Static files and the public site need no caller."""
    if request.endpoint == "static" or request.blueprint in PUBLIC_BLUEPRINTS:
        return None
    person = current_person()
    if db.session.dirty:
        # Only the caller's credentials changed (a last-use time, an expired session closed): nothing of
        # the view has run yet, so this commit holds nothing else.
        db.session.commit()
    if person is None or not person.must_change_password:
        return None
    if request.endpoint in OPEN_WHILE_PASSWORD_MUST_CHANGE:
        return None
    if request.path.startswith("/api/"):
        abort(
            403,
            description=N_(
                "An admin reset your password: choose a new one before you go on. POST "
                "/api/v1/me/password with current_password and new_password."
            ),
        )
    flash(gettext("An admin reset your password: choose a new one before you go on."), "info")
    return redirect(url_for("account.page", _anchor="password"))


def trust_proxies(app: Flask) -> None:
    """Behind ADAPTDESK_TRUSTED_PROXIES reverse proxies, take the client's address and scheme from their
    X-Forwarded-For / X-Forwarded-Proto (never the Host: absolute links use ADAPTDESK_PUBLIC_URL)."""
    hops = app.config["ADAPTDESK"].trusted_proxies
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)


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
                    description=N_(
                        "Your role does not give access to this page. It is for: %(roles)s.",
                        roles=Listing(ROLE_PLURALS[r] for r in roles),
                    ),
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
