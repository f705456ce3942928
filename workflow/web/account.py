"""Each person's own account: their password, their API tokens and their login sessions.

URL map (anyone logged in, for themselves only):
    GET  /account                              account.page               password form, tokens, sessions
    POST /account/password                     account.change_password    change the password (proving the current one)
    POST /account/settings                     account.save_settings      e-mail address and language pairs
    POST /account/tokens                       account.create_token       a new named API token, shown once
    POST /account/tokens/<id>/revoke           account.revoke_token       revoke one token
    POST /account/sessions/end                 account.log_out_everywhere end every login session, this one too
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import logout_user

from ..domain.messages import N_
from ..domain.notifications import Event
from ..extensions import db
from ..services import credentials, queries
from ..services import users as user_service
from ..services.errors import InvalidInput, ServiceError
from ..services.notification_text import EVENT_LABELS
from .access import LOGIN_SESSION_KEY, roles_required, session_policy, signed_in
from .forms import Refused, refusal
from .paging import page_args_for_page, page_links

bp = Blueprint("account", __name__)


@bp.after_request
def no_store(response):
    """Account pages (which may show a new token once) are never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _render(status: int = 200, *, refused: Refused | None = None, new_token: str | None = None, **typed: Any):
    me = signed_in()
    current = credentials.hash_secret(session.get(LOGIN_SESSION_KEY) or "")
    number, size, bad_page = page_args_for_page()
    refused = refused or bad_page
    page = queries.page_of(db.session, credentials.live_tokens_select(me), number, size)
    return render_template(
        "account/page.html",
        me=me,
        tokens=page.items,
        page=page,
        links=page_links(page),
        sessions=credentials.open_login_sessions(db.session, me, session_policy()),
        current_session_hash=current,
        refused=refused,
        new_token=new_token,
        typed=typed,
        token_days=current_app.config["ADAPTDESK"].token_lifetime_seconds // 86400,
        mail_events=[(e.value, str(EVENT_LABELS[e])) for e in Event],
        mailed=user_service.mailed_events(me),
        mail_server=current_app.config["ADAPTDESK"].smtp is not None,
        digest_hour=f"{current_app.config['ADAPTDESK'].mail_digest_hour:02d}:00",
    ), (refused.status if refused else status)


@bp.get("/account")
@roles_required()
def page():
    """The signed-in person's password form, API tokens and login sessions."""
    return _render()


@bp.post("/account/password")
@roles_required()
def change_password():
    """Change one's own password: every other login session ends and every API token is revoked."""
    form = request.form
    try:
        if form.get("new_password", "") != form.get("confirm_password", ""):
            raise InvalidInput(
                "confirm_password", N_("The two new passwords differ; type the same one twice.")
            )
        sessions, tokens = user_service.change_own_password(
            db.session,
            signed_in(),
            form.get("current_password", ""),
            form.get("new_password", ""),
            keep_session=session.get(LOGIN_SESSION_KEY),
        )
    except ServiceError as exc:
        return _render(refused=refusal(exc))
    db.session.commit()
    flash(
        gettext(
            "Your password is changed. %(sessions)s other login session(s) ended and %(tokens)s API token(s) "
            "were revoked.",
            sessions=sessions,
            tokens=tokens,
        ),
        "success",
    )
    return redirect(url_for("account.page"))


@bp.post("/account/settings")
@roles_required()
def save_settings():
    """Set one's own e-mail address and language pairs (which drafts one hears about)."""
    form = request.form
    try:
        user_service.update_settings(
            db.session,
            signed_in(),
            signed_in(),
            email=form.get("email", ""),
            language_pairs=form.get("language_pairs", ""),
            mail_events=form.getlist("mail_events"),
            mail_digest=form.get("mail_digest") == "1",
            changing=frozenset({"email", "language_pairs", "mail_events", "mail_digest"}),
        )
    except ServiceError as exc:
        return _render(
            refused=refusal(exc),
            email=form.get("email", ""),
            language_pairs=form.get("language_pairs", ""),
            mail_digest=form.get("mail_digest", "0"),
        )
    db.session.commit()
    flash(gettext("Your settings are saved."), "success")
    return redirect(url_for("account.page", _anchor="settings"))


@bp.post("/account/tokens")
@roles_required()
def create_token():
    """Make a named API token for oneself; it is shown on this one answer only."""
    lifetime = timedelta(seconds=current_app.config["ADAPTDESK"].token_lifetime_seconds)
    try:
        token = credentials.issue_token(
            db.session, signed_in(), request.form.get("name", ""), lifetime=lifetime
        )
    except ServiceError as exc:
        return _render(refused=refusal(exc), name=request.form.get("name", ""))
    db.session.commit()
    return _render(201, new_token=token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@roles_required()
def revoke_token(token_id: int):
    """Revoke one of one's own API tokens."""
    row = credentials.revoke_token(db.session, signed_in(), token_id)
    db.session.commit()
    flash(
        gettext("The token “%(label)s” is revoked; programs using it now get 401.", label=row.label),
        "success",
    )
    return redirect(url_for("account.page", _anchor="tokens"))


@bp.post("/account/sessions/end")
@roles_required()
def log_out_everywhere():
    """End every login session of the signed-in person, this browser's too."""
    count = credentials.log_out_everywhere(db.session, signed_in(), signed_in())
    db.session.commit()
    logout_user()
    session.pop(LOGIN_SESSION_KEY, None)
    flash(gettext("You are logged out everywhere (%(count)s login session(s) ended).", count=count), "info")
    return redirect(url_for("auth.login"))
