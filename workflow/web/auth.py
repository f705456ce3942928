"""Logging in and out of the newsroom pages, and the front doors that send each person to their work.

URL map:
    GET, POST /login     auth.login
    POST      /logout    auth.logout
    GET       /          auth.home    people to their first page, visitors to the public site
    GET       /desk/     auth.desk    the desk's front door (signed-in people only)
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_login import login_user, logout_user

from ..domain.states import Role
from ..extensions import db
from ..services.credentials import close_login_session, open_login_session
from ..services.users import authenticate
from .access import LOGIN_SESSION_KEY, current_person, roles_required
from .throttle import login_throttled

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths may be redirected to after login."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def home_for(person) -> str:
    """The page a person starts their day on, by their main role."""
    roles = person.roles
    if Role.EDITOR in roles:
        return url_for("review.queue")
    if Role.ADAPTOR in roles:
        return url_for("adaptation.queue")
    if Role.REPORTER in roles:
        return url_for("reporter.reports")
    if Role.ADMIN in roles:
        return url_for("admin.users")
    return url_for("public.index")


@bp.route("/login", methods=["GET", "POST"])
@login_throttled
def login():
    """Show the login form and log a person in."""
    error = None
    if request.method == "POST":
        person = authenticate(db.session, request.form.get("username", ""), request.form.get("password", ""))
        if person is not None:
            session.clear()  # nothing from before the login carries over
            session[LOGIN_SESSION_KEY] = open_login_session(db.session, person)
            login_user(person)
            db.session.commit()
            if person.must_change_password:
                flash(gettext("An admin reset your password: choose a new one before you go on."), "info")
                return redirect(url_for("account.page", _anchor="password"))
            return redirect(_safe_next(request.args.get("next")) or home_for(person))
        error = gettext("Wrong username or password.")
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.errorhandler(RateLimitExceeded)
def too_many_logins(exc: RateLimitExceeded):
    """Past the login budget: the form again, saying why and how long to wait."""
    return render_template("auth/login.html", error=gettext(exc.description)), 429


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out and return to the login page; the session cookie stops working, copies of it included."""
    close_login_session(db.session, session.get(LOGIN_SESSION_KEY))
    db.session.commit()
    logout_user()
    session.pop(LOGIN_SESSION_KEY, None)
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def home():
    """Send people to their work, and visitors to the public site."""
    person = current_person()
    return redirect(home_for(person) if person else url_for("public.index"))


@bp.get("/desk/")
@roles_required()
def desk():
    """The desk's front door: each person's own first page."""
    return redirect(url_for("auth.home"))
