"""Admin pages for one person's account, and the audit log (the list of people is in admin.py).

URL map (all for admins only):
    GET  /admin/users/<id>                             people.person          their tokens, sessions, password, history
    POST /admin/users/<id>/password                    people.reset_password  set a password, maybe forcing a change
    POST /admin/users/<id>/settings                    people.save_settings   their e-mail address and language pairs
    POST /admin/users/<id>/tokens/<token_id>/revoke    people.revoke_token    revoke one of their tokens
    POST /admin/users/<id>/sessions/end                people.end_sessions    log them out everywhere
    GET  /admin/audit[?action=&before=]                people.audit           the admin audit log, newest first
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext

from ..domain.messages import N_
from ..domain.states import Role
from ..extensions import db
from ..models import AuditAction, User
from ..services import audit, credentials, queries
from ..services import users as user_service
from ..services.errors import ServiceError
from .access import LOGIN_SESSION_KEY, roles_required, session_policy, signed_in
from .forms import Refused, refusal
from .paging import page_args_for_page, page_links

bp = Blueprint("people", __name__)

#: Ids above this cannot exist (PostgreSQL `integer`); asking the database would fail instead of 404.
MAX_ID = 2**31 - 1
AUDIT_PAGE = 100


@bp.after_request
def no_store(response):
    """Admin pages (which may echo a typed password back) are never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _person_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404, description=N_("There is no person with id %(user_id)s.", user_id=user_id))
    return user


def _render_person(person: User, *, refused: Refused | None = None):
    number, size, bad_page = page_args_for_page()
    refused = refused or bad_page
    page = queries.page_of(db.session, credentials.live_tokens_select(person), number, size)
    return render_template(
        "admin/person.html",
        person=person,
        me=signed_in(),
        tokens=page.items,
        page=page,
        links=page_links(page),
        sessions=credentials.open_login_sessions(db.session, person, session_policy()),
        history=audit.entries(db.session, signed_in(), subject=person, limit=20),
        refused=refused,
    ), (refused.status if refused else 200)


@bp.get("/admin/users/<int:user_id>")
@roles_required(Role.ADMIN)
def person(user_id: int):
    """One person's account: tokens, login sessions, a password reset form, and what admins did to it."""
    return _render_person(_person_or_404(user_id))


@bp.post("/admin/users/<int:user_id>/password")
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    """Set someone's password (optionally making them choose another at their next login)."""
    target = _person_or_404(user_id)
    must_change = request.form.get("must_change") == "1"
    try:
        sessions, tokens = user_service.reset_password(
            db.session,
            signed_in(),
            target,
            request.form.get("password", ""),
            must_change=must_change,
            keep_session=session.get(LOGIN_SESSION_KEY),
        )
    except ServiceError as exc:
        return _render_person(target, refused=refusal(exc))
    db.session.commit()
    values = {
        "name": target.display_name,
        "username": target.username,
        "sessions": sessions,
        "tokens": tokens,
    }
    if must_change:
        message = gettext(
            "The password of %(name)s (%(username)s) is reset; %(sessions)s login session(s) ended and %(tokens)s "
            "API token(s) were revoked. They must choose a new one when they next log in.",
            **values,
        )
    else:
        message = gettext(
            "The password of %(name)s (%(username)s) is reset; %(sessions)s login session(s) ended and %(tokens)s "
            "API token(s) were revoked.",
            **values,
        )
    flash(message, "success")
    return redirect(url_for("people.person", user_id=target.id))


@bp.post("/admin/users/<int:user_id>/settings")
@roles_required(Role.ADMIN)
def save_settings(user_id: int):
    """Set someone's e-mail address and language pairs (written to the audit log)."""
    target = _person_or_404(user_id)
    try:
        user_service.update_settings(
            db.session,
            signed_in(),
            target,
            email=request.form.get("email", ""),
            language_pairs=request.form.get("language_pairs", ""),
        )
    except ServiceError as exc:
        return _render_person(target, refused=refusal(exc))
    db.session.commit()
    flash(
        gettext(
            "The settings of %(name)s (%(username)s) are saved.",
            name=target.display_name,
            username=target.username,
        ),
        "success",
    )
    return redirect(url_for("people.person", user_id=target.id))


@bp.post("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke")
@roles_required(Role.ADMIN)
def revoke_token(user_id: int, token_id: int):
    """Revoke one of someone's API tokens."""
    target = _person_or_404(user_id)
    if token_id not in {t.id for t in credentials.live_tokens(db.session, target)}:
        abort(
            404,
            description=N_(
                "%(username)s has no working token %(token_id)s.", username=target.username, token_id=token_id
            ),
        )
    row = credentials.revoke_token(db.session, signed_in(), token_id)
    db.session.commit()
    flash(
        gettext(
            "The token “%(label)s” of %(username)s is revoked.", label=row.label, username=target.username
        ),
        "success",
    )
    return redirect(url_for("people.person", user_id=target.id, _anchor="tokens"))


@bp.post("/admin/users/<int:user_id>/sessions/end")
@roles_required(Role.ADMIN)
def end_sessions(user_id: int):
    """Log someone out everywhere (their API tokens stay; revoke those one by one)."""
    target = _person_or_404(user_id)
    if target.id == signed_in().id:
        abort(400, description=N_("To log yourself out everywhere, use your account page."))
    count = credentials.log_out_everywhere(db.session, signed_in(), target)
    db.session.commit()
    flash(
        gettext(
            "%(username)s is logged out everywhere (%(count)s login session(s) ended).",
            username=target.username,
            count=count,
        ),
        "success",
    )
    return redirect(url_for("people.person", user_id=target.id))


@bp.get("/admin/audit")
@roles_required(Role.ADMIN)
def audit_log():
    """The admin audit log, newest first, a page (a hundred) at a time."""
    try:
        action = audit.parse_action(request.args.get("action"))
    except ServiceError as exc:
        action, refused = None, refusal(exc)
    else:
        refused = None
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before <= MAX_ID:
        before = None
    number, size, bad_page = page_args_for_page(AUDIT_PAGE)
    refused = refused or bad_page
    stmt = audit.entries_select(signed_in(), before=before, action=action)
    page = queries.page_of(db.session, stmt, number, size)
    return render_template(
        "admin/audit.html",
        entries=page.items,
        page=page,
        links=page_links(page),
        actions=list(AuditAction),
        chosen=action.value if action else "",
        refused=refused,
    ), (refused.status if refused else 200)
