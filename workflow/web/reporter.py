"""Reporters' pages: their originals, a new report, one report with its revisions and adaptations.

URL map:
    GET       /desk/reports                     reporter.reports     a reporter's originals, newest first
    GET, POST /desk/reports/new                 reporter.new_report  the form, and submitting it
    GET       /desk/reports/<id>[?revision=n]   reporter.report      one original and where its adaptations stand
    POST      /desk/reports/<id>/revise         reporter.revise      add a revision
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from babel.lists import format_list
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import get_locale, gettext

from ..domain.languages import RTL_LANGUAGES
from ..domain.rules import can_revise_article
from ..domain.states import Role, State
from ..extensions import db
from ..models import Article
from ..services import queries
from ..services.articles import (
    fingerprint,
    get_article,
    parse_submission_key,
    revise_article,
    submit_article,
    submit_article_once,
)
from ..services.errors import ServiceError
from ..services.inputs import ArticleInput
from .access import actions_by_id, roles_required, signed_in
from .forms import Refused, input_limits, refusal, render_page
from .i18n import localized_language_name, newsroom_zone
from .paging import page_args_for_page, page_links

bp = Blueprint("reporter", __name__, url_prefix="/desk")

#: Sections offered as suggestions on the report form (any other name may be typed).
COMMON_SECTIONS = [
    "News",
    "News Bulletin Reports",
    "Politics",
    "Economy",
    "World",
    "Culture",
    "Society",
    "Opinion",
    "Features",
    "Sports",
    "Science",
    "Health",
]
#: Target languages offered as checkboxes; any other ISO code may be typed.
COMMON_TARGETS = ["en", "fr", "es", "de", "tr", "fa", "ru", "zh", "ar"]


@bp.get("/reports")
@roles_required(Role.REPORTER)
def reports():
    """A reporter's originals, newest first, with where each adaptation stands."""
    number, size, bad_page = page_args_for_page()
    page = queries.page_of(db.session, queries.articles_select(signed_in().id), number, size)
    return render_page(
        "reporter/reports.html", refused=bad_page, articles=page.items, page=page, links=page_links(page)
    )


def _render_new_report(form: Mapping[str, Any] | None = None, refused: Refused | None = None):
    form = form or {}
    targets = form.getlist("targets") if hasattr(form, "getlist") else ["en"]
    return render_page(
        "reporter/new_report.html",
        refused=refused,
        form=form,
        # One token per form: a double click or a browser retry sends it twice and makes one original. A
        # refused form keeps its token (nothing was stored), so the corrected form is still one submission.
        submission_token=form.get("submission_token") or secrets.token_urlsafe(24),
        sections=COMMON_SECTIONS,
        common_targets=COMMON_TARGETS,
        chosen_targets=targets or [],
        rtl_languages=sorted(RTL_LANGUAGES),
    )


@bp.route("/reports/new", methods=["GET", "POST"])
@roles_required(Role.REPORTER)
def new_report():
    """Show the form for a new original, and submit it (one adaptation per target language)."""
    if request.method == "GET":
        return _render_new_report()
    form = request.form
    targets = form.getlist("targets") + [
        t for t in form.get("other_targets", "").replace(",", " ").split() if t
    ]
    data = {
        "title": form.get("title", ""),
        "body": form.get("body", ""),
        "language": form.get("language", ""),
        "section": form.get("section", ""),
        "tags": form.get("tags", ""),
        "targets": targets,
        "priority": form.get("priority", ""),
        "deadline": form.get("deadline", ""),
    }
    replayed = False
    try:
        # The form's deadline is the newsroom's local time; it is stored in UTC.
        parsed = ArticleInput.parse(data, input_limits(), newsroom_zone())
        token = parse_submission_key(form.get("submission_token"), "submission_token")
        if token is None:
            article = submit_article(db.session, signed_in(), parsed)
        else:
            article, replayed = submit_article_once(
                db.session, signed_in(), parsed, key=f"form:{token}", fingerprint=fingerprint(data)
            )
    except ServiceError as error:
        return _render_new_report(form, refusal(error))
    db.session.commit()
    if replayed:
        flash(gettext("This report was already submitted (the form was sent twice); here it is."), "info")
        return redirect(url_for("reporter.report", article_id=article.id))
    languages = format_list(
        [localized_language_name(a.language) for a in article.adaptations], locale=get_locale() or "en"
    )
    flash(
        gettext("Report submitted. Machine drafts are on their way for: %(languages)s.", languages=languages),
        "success",
    )
    return redirect(url_for("reporter.report", article_id=article.id))


def render_report(article: Article, *, refused: Refused | None = None, form: Mapping[str, Any] | None = None):
    """The report page, with a refusal and the typed revision when there are."""
    shown = article.latest
    wanted = request.args.get("revision", "")
    if wanted.isdigit() and article.revision(int(wanted)) is not None:
        shown = article.revision(int(wanted))
    any_published = any(a.state == State.PUBLISHED.value for a in article.adaptations)
    return render_page(
        "reporter/report.html",
        refused=refused,
        article=article,
        shown=shown,
        form=form or {"title": article.latest.title, "body": article.latest.body, "note": ""},
        can_revise=can_revise_article(signed_in().actor, article.reporter_id),
        any_published=any_published,
        actions=actions_by_id(article.adaptations),
    )


@bp.get("/reports/<int:article_id>")
@roles_required(Role.REPORTER)
def report(article_id: int):
    """One original: its current text, its revisions, its adaptations, and the revise form."""
    return render_report(get_article(db.session, signed_in(), article_id))


@bp.post("/reports/<int:article_id>/revise")
@roles_required(Role.REPORTER)
def revise(article_id: int):
    """Add a revision of the original; drafts are redone and adaptors see what changed."""
    form = request.form
    data = {"title": form.get("title", ""), "body": form.get("body", "")}
    try:
        article = get_article(db.session, signed_in(), article_id)
        revision = revise_article(
            db.session, signed_in(), article, data, input_limits(), note=form.get("note", "")
        )
    except ServiceError as error:
        refused = refusal(error)
        return render_report(get_article(db.session, signed_in(), article_id), refused=refused, form=form)
    db.session.commit()
    flash(
        gettext(
            "Revision %(number)s saved. Adaptors working on it are told what changed.", number=revision.number
        ),
        "success",
    )
    return redirect(url_for("reporter.report", article_id=article_id))
