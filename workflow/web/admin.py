"""Admin pages: the people who work in the newsroom, their roles, and whether they may log in.

URL map (all for admins only):
    GET  /admin                          admin.index         → /admin/users
    GET  /admin/users                    admin.users         everyone, with forms to change them
    POST /admin/users                    admin.create_user   add a person
    POST /admin/users/<id>/roles         admin.change_roles  replace a person's roles
    POST /admin/users/<id>/active        admin.set_active    enable or disable a person's login

Handlers run parse → check access → one service call → commit → flash and redirect. A refused form is
shown again (status 400) with the reason in words and everything that was typed still in place.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ..domain.states import Role
from ..extensions import db
from ..models import User
from ..services import queries
from ..services import users as user_service
from ..services.errors import InvalidInput
from .access import current_person, roles_required

bp = Blueprint("admin", __name__)

#: Ids above this cannot exist (PostgreSQL `integer`); asking the database would fail instead of 404.
MAX_ID = 2**31 - 1
ROLE_CHOICES = list(Role)


@bp.after_request
def no_store(response):  # noqa: ANN001
    """Admin pages (which may echo a typed password back) are never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _person_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id) if user_id <= MAX_ID else None
    if user is None:
        abort(404, description=f"There is no person with id {user_id}.")
    return user


def _render_users(status: int = 200, *, new: dict[str, Any] | None = None,
                  new_error: InvalidInput | None = None,
                  row_roles: dict[int, list[str]] | None = None, row_errors: dict[int, str] | None = None):
    """The people page; after a refused form, with its error and the values that were sent."""
    return render_template(
        "admin/users.html", people=queries.users(db.session), role_choices=ROLE_CHOICES, me=current_person(),
        new=new or {"username": "", "display_name": "", "roles": [], "password": ""},
        new_error=new_error, row_roles=row_roles or {}, row_errors=row_errors or {},
    ), status


def _checked_roles() -> list[str]:
    return [value for value in request.form.getlist("roles") if value.strip()]


@bp.get("/admin")
@roles_required(Role.ADMIN)
def index():
    """Send admins to the people page."""
    return redirect(url_for("admin.users"))


@bp.get("/admin/users")
@roles_required(Role.ADMIN)
def users():
    """List everyone: username, display name, roles, active, created."""
    return _render_users()


@bp.post("/admin/users")
@roles_required(Role.ADMIN)
def create_user():
    """Add a person with a display name, roles and a first password."""
    new = {"username": request.form.get("username", ""), "display_name": request.form.get("display_name", ""),
           "roles": _checked_roles(), "password": request.form.get("password", "")}
    try:
        roles = user_service.parse_roles(new["roles"])
        if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in new["display_name"]):
            raise InvalidInput("name", "The display name holds a control character; "
                                       "type it again without it.")
        person = user_service.create_user(db.session, new["username"], new["display_name"], roles,
                                          new["password"])
    except InvalidInput as exc:
        db.session.rollback()
        return _render_users(400, new=new, new_error=exc)
    db.session.commit()
    held = ", ".join(sorted(r.value for r in person.roles)) or "no roles yet"
    flash(f"Added {person.display_name} ({person.username}) with {held}.", "success")
    return redirect(url_for("admin.users", _anchor=f"user-{person.id}"))


@bp.post("/admin/users/<int:user_id>/roles")
@roles_required(Role.ADMIN)
def change_roles(user_id: int):
    """Replace one person's roles with the boxes that were ticked."""
    person = _person_or_404(user_id)
    checked = _checked_roles()
    try:
        roles = user_service.parse_roles(checked)
        user_service.change_roles(db.session, current_person(), person, roles)
    except InvalidInput as exc:
        db.session.rollback()
        return _render_users(400, row_roles={user_id: checked}, row_errors={user_id: exc.message})
    db.session.commit()
    held = ", ".join(sorted(r.value for r in roles)) or "no roles"
    flash(f"{person.display_name} ({person.username}) now has {held}.", "success")
    return redirect(url_for("admin.users", _anchor=f"user-{person.id}"))


@bp.post("/admin/users/<int:user_id>/active")
@roles_required(Role.ADMIN)
def set_active(user_id: int):
    """Enable or disable one person's login (and their API tokens)."""
    person = _person_or_404(user_id)
    value = request.form.get("active", "")
    if value not in ("0", "1"):
        abort(400, description="Say whether to enable (active=1) or disable (active=0) the account.")
    try:
        user_service.set_active(db.session, current_person(), person, value == "1")
    except InvalidInput as exc:
        db.session.rollback()
        return _render_users(400, row_errors={user_id: exc.message})
    db.session.commit()
    if person.active:
        flash(f"{person.display_name} ({person.username}) can log in again.", "success")
    else:
        flash(f"{person.display_name} ({person.username}) is disabled: they can no longer log in "
              "or use their API tokens.", "success")
    return redirect(url_for("admin.users", _anchor=f"user-{person.id}"))
