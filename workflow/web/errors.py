"""Errors as people and API clients see them: a JSON body or a page, with the right status."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..domain.messages import N_
from ..extensions import db
from ..services.errors import ServiceError
from .i18n import translate


def wants_json() -> bool:
    """Whether the error should be JSON (the API, or a client that asks for JSON)."""
    if request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def _translated(value):
    """Details with the words for people inside them (a QA finding's `message`) in the reader's language."""
    if isinstance(value, dict):
        return {name: _translated(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [_translated(item) for item in value]
    return translate(value)


def error_response(status: int, code: str, message: str, **details):
    """An error as JSON for API clients and as a page for people, its message in the reader's language (the
    person's choice, else Accept-Language), and so are the messages in its details (a refused submission's QA
    findings); JSON keeps the stable `error` code (and a finding's `check` and `key`) for programs to go by."""
    message = translate(message)
    details = {name: _translated(value) for name, value in details.items()}
    if wants_json():
        response = jsonify({"error": code, "message": message, **details})
        response.status_code = status
        response.vary.add("Accept-Language")
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="adaptdesk"'
        return response
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return render_template("error.html", status=status, code=code, message=message), status


HTTP_MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Log in first: send 'Authorization: Bearer TOKEN' (POST /api/v1/tokens gives one)."),
    403: N_("You do not have access to this."),
    404: N_("There is nothing here."),
    405: N_("This address does not accept that method."),
    413: N_("What you sent is too large."),
    429: N_("Too many attempts; wait a minute and try again."),
}


def register_error_handlers(app: Flask) -> None:
    """Every error becomes a clear JSON body or page with the right status."""

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        return error_response(exc.status, exc.code, exc.message, **exc.details)

    @app.errorhandler(StaleDataError)
    def stale_data(_exc: StaleDataError):
        db.session.rollback()
        return error_response(
            409, "stale_version", N_("Someone else changed this at the same moment. Reload and try again.")
        )

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(
            400,
            "csrf",
            N_(
                "The form expired or was not sent from this site (%(reason)s). Reload the page and try again.",
                reason=exc.description,
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        custom = exc.description and exc.description != type(exc).description
        message = exc.description if custom else HTTP_MESSAGES.get(status, exc.description)
        code = {
            400: "bad_request",
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
            429: "too_many_requests",
        }.get(status, "error")
        return error_response(status, code, message or HTTP_MESSAGES.get(status, N_("Error.")))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error: %s", exc)
        db.session.rollback()
        return error_response(
            500, "internal", N_("Something went wrong on our side; nothing you saved was lost.")
        )
