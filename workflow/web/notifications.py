"""Each person's notifications: what concerns them, newest first, and marking them read.

URL map (anyone logged in, their own only):
    GET  /notifications[?unread=&page=]   notifications.page   the list
    POST /notifications/read              notifications.read   mark one (`id`) or all (`all`) read
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import lazy_gettext, ngettext

from ..domain.messages import N_
from ..domain.notifications import Event
from ..extensions import db
from ..models import Notification
from ..services import notifications, queries
from ..services.errors import InvalidInput, ServiceError
from .access import roles_required, signed_in
from .forms import refusal, render_page
from .paging import page_args_for_page, page_links

bp = Blueprint("notifications", __name__)

#: What each event says on the pages, in the interface language (the domain's MESSAGES are the English the
#: mail and the API use); %(pair)s is the language pair as stored ("Arabic → English"), %(round)s the round.
SENTENCES = {
    Event.DRAFT_READY: lazy_gettext("Machine draft ready to adapt (%(pair)s)."),
    Event.DRAFT_FAILED: lazy_gettext(
        "No machine draft could be made (%(pair)s); it can be adapted from the original."
    ),
    Event.CLAIMED: lazy_gettext("An adaptor took the adaptation (%(pair)s)."),
    Event.CHANGES_REQUESTED: lazy_gettext("An editor asked for changes (%(pair)s)."),
    Event.APPROVED: lazy_gettext("Approved and scheduled for publication (%(pair)s)."),
    Event.PUBLISHED: lazy_gettext("Published (%(pair)s)."),
    Event.CORRECTED: lazy_gettext("A correction was published (%(pair)s)."),
    Event.SUBMITTED: lazy_gettext("Submitted for review, round %(round)s (%(pair)s)."),
    Event.SOURCE_CHANGED: lazy_gettext("The original was revised after the adaptation started (%(pair)s)."),
    Event.REASSIGNED: lazy_gettext("Handed to you: you hold the adaptation now (%(pair)s)."),
    Event.DEADLINE_SOON: lazy_gettext("Due within the hour (%(pair)s)."),
}

#: Each event named in a few words, for the mail settings ("Mail me when …").
EVENT_LABELS = {
    Event.DRAFT_READY: lazy_gettext("Machine draft ready to adapt"),
    Event.DRAFT_FAILED: lazy_gettext("No machine draft could be made"),
    Event.CLAIMED: lazy_gettext("An adaptor took the adaptation"),
    Event.CHANGES_REQUESTED: lazy_gettext("An editor asked for changes"),
    Event.APPROVED: lazy_gettext("Approved and scheduled for publication"),
    Event.PUBLISHED: lazy_gettext("Published"),
    Event.CORRECTED: lazy_gettext("A correction was published"),
    Event.SUBMITTED: lazy_gettext("Submitted for review"),
    Event.SOURCE_CHANGED: lazy_gettext("The original was revised after the adaptation started"),
    Event.REASSIGNED: lazy_gettext("Handed to you: you hold the adaptation now"),
    Event.DEADLINE_SOON: lazy_gettext("Due within the hour"),
}


def message(notification: Notification) -> str:
    """The sentence a notification shows, in the interface language."""
    details = notification.details or {}
    sentence = SENTENCES[Event(notification.event)]
    return sentence % {"pair": details.get("pair", ""), "round": details.get("round", "")}


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
