"""The admin page of webhooks: receivers, what they get, their delivery log and a redeliver button.

URL map (all for admins only):
    GET  /admin/webhooks                                      webhooks.page        receivers and recent deliveries
    POST /admin/webhooks                                      webhooks.create      register one (secret shown once)
    POST /admin/webhooks/<id>/delete                          webhooks.delete      remove one and its log
    POST /admin/webhooks/<id>/deliveries/<delivery>/redeliver webhooks.redeliver   send a delivery again

The API offers the same (workflow/web/api/webhooks.py). A generated secret is shown in the page that answers
the registration, never in a flash message (the session cookie is signed, not encrypted) nor again later.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain.states import Role
from ..domain.webhooks import MAX_ATTEMPTS, WebhookEvent
from ..extensions import db
from ..services import webhooks
from ..services.errors import Conflict, InvalidInput, NotFound
from .access import current_person, roles_required
from .i18n import translate
from .paging import page_args_for_page, page_links

bp = Blueprint("webhooks", __name__)

MAX_ID = 2**31 - 1
#: Deliveries shown per receiver on the page (the API pages through more).
SHOWN_DELIVERIES = 20
#: Receivers per page (each shows its newest deliveries).
ENDPOINTS_PER_PAGE = 20


@bp.after_request
def no_store(response):
    """The page may show a secret once: never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _render(
    status: int = 200, *, new: dict[str, Any] | None = None, error: InvalidInput | None = None, **extra
):
    person = current_person()
    number, size, bad_page = page_args_for_page(ENDPOINTS_PER_PAGE)
    page = webhooks.page_of_endpoints(db.session, person, number, size)
    endpoints = page.items
    if bad_page and status == 200:
        status = bad_page.status
    return render_template(
        "admin/webhooks.html",
        endpoints=endpoints,
        page=page,
        links=page_links(page),
        refused=bad_page,
        deliveries=webhooks.recent_deliveries_of(
            db.session, person, [e.id for e in endpoints], SHOWN_DELIVERIES
        ),
        shown_deliveries=SHOWN_DELIVERIES,
        events=[e.value for e in WebhookEvent],
        new=new or {"url": "", "events": [], "secret": ""},
        error=error,
        max_attempts=MAX_ATTEMPTS,
        **extra,
    ), status


def _checked(value: int) -> int:
    if value > MAX_ID:
        abort(404)
    return value


@bp.get("/admin/webhooks")
@roles_required(Role.ADMIN)
def page():
    """Receivers, the events they get, and their recent deliveries."""
    return _render()


@bp.post("/admin/webhooks")
@roles_required(Role.ADMIN)
def create():
    """Register a receiver; the answer shows its secret, this once."""
    new = {
        "url": request.form.get("url", ""),
        "events": request.form.getlist("events"),
        "secret": request.form.get("secret", ""),
    }
    try:
        endpoint, secret = webhooks.register_endpoint(
            db.session,
            current_person(),
            url=new["url"],
            events=new["events"],
            secret=new["secret"] or None,
            allowed=current_app.config["ADAPTDESK"].webhook_allowed_networks,
        )
    except InvalidInput as exc:
        db.session.rollback()
        return _render(400, new={**new, "secret": ""}, error=exc)
    db.session.commit()
    return _render(200, created=endpoint, created_secret=secret, generated=not new["secret"])


@bp.post("/admin/webhooks/<int:webhook_id>/delete")
@roles_required(Role.ADMIN)
def delete(webhook_id: int):
    """Remove a receiver and its delivery log."""
    try:
        webhooks.delete_endpoint(db.session, current_person(), _checked(webhook_id))
    except NotFound as exc:
        abort(404, description=exc.message)
    db.session.commit()
    flash(gettext("Webhook %(id)s removed; nothing more is sent to it.", id=webhook_id), "success")
    return redirect(url_for("webhooks.page"))


@bp.post("/admin/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver")
@roles_required(Role.ADMIN)
def redeliver(webhook_id: int, delivery_id: int):
    """Send a delivery again, with the same body and delivery id."""
    try:
        delivery = webhooks.redeliver(
            db.session, current_person(), _checked(webhook_id), _checked(delivery_id)
        )
    except NotFound as exc:
        abort(404, description=exc.message)
    except Conflict as exc:
        db.session.rollback()
        flash(translate(exc.message), "error")
        return redirect(url_for("webhooks.page", _anchor=f"webhook-{webhook_id}"))
    db.session.commit()
    flash(gettext("Delivery %(guid)s queued again.", guid=delivery.guid), "success")
    return redirect(url_for("webhooks.page", _anchor=f"webhook-{webhook_id}"))
