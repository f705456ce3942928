"""Each person's notifications: what concerns them, newest first, and marking them read.

URL map (anyone logged in, their own only):
    GET  /notifications[?unread=&page=]   notifications.page   the list
    POST /notifications/read              notifications.read   mark one (`id`) or all (`all`) read
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import ngettext

from ..domain.messages import N_
from ..extensions import db
from ..models import Notification
from ..services import notifications, queries
from ..services.errors import InvalidInput, ServiceError
from ..services.notification_text import sentence_for
from .access import roles_required, signed_in
from .forms import refusal, render_page
from .paging import page_args_for_page, page_links

bp = Blueprint("notifications", __name__)


def message(notification: Notification) -> str:
    """The sentence a notification shows, in the interface language."""
    return sentence_for(notification)


def render_list(refused=None):
    """The list, with a refusal when there is one."""
    person = signed_in()
    number, size, bad_page = page_args_for_page()
    unread_only = request.args.get("unread") == "1"
    stmt = notifications.notifications_select(person, unread_only=unread_only)
    page = queries.page_of(db.session, stmt, number, size)
    return render_page(
        "notifications/list.html",
        refused=refused or bad_page,
        rows=page.items,
        page=page,
        links=page_links(page),
        unread_only=unread_only,
        message=message,
    )


@bp.get("/notifications")
@roles_required()
def page():
    """The signed-in person's notifications, newest first."""
    return render_list()


@bp.post("/notifications/read")
@roles_required()
def read():
    """Mark one notification read, or all of them."""
    person = signed_in()
    form = request.form
    try:
        if form.get("all"):
            ids = None
        elif form.get("id", "").isdigit():
            ids = [int(form["id"])]
        else:
            raise InvalidInput("id", N_("Choose a notification to mark read, or mark them all."))
        marked = notifications.mark_read(db.session, person, ids)
    except ServiceError as error:
        return render_list(refusal(error))
    db.session.commit()
    flash(
        ngettext("%(num)d notification marked read.", "%(num)d notifications marked read.", marked), "success"
    )
    return redirect(url_for("notifications.page"))
