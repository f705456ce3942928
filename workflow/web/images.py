"""Lead pictures from the desk: the reporter sets an original's, the adaptor (or an editor) an adaptation's.

URL map:
    POST /desk/reports/<id>/image              images.set_original_image     the original's reporter
    POST /desk/adaptations/<id>/image          images.set_adaptation_image   its adaptor, or an editor
Readers get the pictures from the public site (`public.image`).
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, request, url_for
from flask_babel import gettext

from ..domain.states import Role
from ..extensions import db
from ..services.adaptations import get_adaptation
from ..services.articles import get_article
from ..services.errors import ServiceError
from ..services.images import attach_lead_image
from .access import roles_required, signed_in
from .adaptation import render_workbench
from .forms import refusal
from .reporter import render_report

bp = Blueprint("images", __name__, url_prefix="/desk")

UPLOAD_ENDPOINTS = ("images.set_original_image", "images.set_adaptation_image")
#: Room for the form's other fields besides the picture.
FORM_OVERHEAD = 64 * 1024


def allow_picture_uploads(app: Flask) -> None:
    """Let the upload pages take a picture up to ADAPTDESK_MAX_IMAGE_BYTES (every other request keeps the
    smaller ADAPTDESK_MAX_REQUEST_BYTES). First of all: the CSRF check reads the form before the view runs."""

    def raise_the_limit() -> None:
        if request.endpoint in UPLOAD_ENDPOINTS:
            request.max_content_length = current_app.config["ADAPTDESK"].max_image_bytes + FORM_OVERHEAD

    app.before_request_funcs.setdefault(None, []).insert(0, raise_the_limit)


def _attach(**target) -> None:
    """Attach the uploaded picture (a larger upload than the image limit answers 413) with what is said of it."""
    settings = current_app.config["ADAPTDESK"]
    file = request.files.get("image")
    attach_lead_image(
        db.session,
        signed_in(),
        data=file.read(settings.max_image_bytes + 1) if file else b"",
        alt=request.form.get("alt", ""),
        caption=request.form.get("caption", ""),
        credit=request.form.get("credit", ""),
        images_dir=settings.data_dir / "images",
        max_bytes=settings.max_image_bytes,
        **target,
    )


@bp.post("/reports/<int:article_id>/image")
@roles_required(Role.REPORTER)
def set_original_image(article_id: int):
    """Set the original's lead picture (adaptations without their own show it)."""
    article = get_article(db.session, signed_in(), article_id)
    try:
        _attach(article=article)
    except ServiceError as error:
        return render_report(get_article(db.session, signed_in(), article_id), refused=refusal(error))
    db.session.commit()
    flash(gettext("Lead picture saved."), "success")
    return redirect(url_for("reporter.report", article_id=article_id))


@bp.post("/adaptations/<int:adaptation_id>/image")
@roles_required(Role.ADAPTOR, Role.EDITOR)
def set_adaptation_image(adaptation_id: int):
    """Set the adaptation's own lead picture."""
    adaptation = get_adaptation(db.session, signed_in(), adaptation_id)
    try:
        _attach(adaptation=adaptation)
    except ServiceError as error:
        return render_workbench(
            get_adaptation(db.session, signed_in(), adaptation_id), refused=refusal(error)
        )
    db.session.commit()
    flash(gettext("Lead picture saved."), "success")
    return redirect(url_for("adaptation.workbench", adaptation_id=adaptation_id))
