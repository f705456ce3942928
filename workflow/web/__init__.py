"""Blueprints, error pages, security headers and template helpers."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from flask import Flask, g, jsonify, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..domain.languages import language_name, text_direction
from ..domain.states import State
from ..domain.text import paragraphs, reading_minutes
from ..extensions import db, login_manager
from ..models import User
from ..services.errors import ServiceError
from ..services.users import user_for_login_session
from .access import LOGIN_SESSION_KEY, current_person

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def wants_json() -> bool:
    """Whether the error should be JSON (the API, or a client that asks for JSON)."""
    if request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, code: str, message: str, **details):
    """An error as JSON for API clients and as a page for people."""
    if wants_json():
        response = jsonify({"error": code, "message": message, **details})
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="adaptdesk"'
        return response
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return render_template("error.html", status=status, code=code, message=message), status


HTTP_MESSAGES = {
    400: "The request could not be understood.",
    401: "Log in first: send 'Authorization: Bearer TOKEN' (POST /api/v1/tokens gives one).",
    403: "You do not have access to this.",
    404: "There is nothing here.",
    405: "This address does not accept that method.",
    413: "What you sent is too large.",
    429: "Too many attempts; wait a minute and try again.",
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
            409, "stale_version", "Someone else changed this at the same moment. Reload and try again."
        )

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(
            400,
            "csrf",
            f"The form expired or was not sent from this site ({exc.description}). "
            "Reload the page and try again.",
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
        return error_response(status, code, message or HTTP_MESSAGES.get(status, "Error."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error: %s", exc)
        db.session.rollback()
        return error_response(
            500, "internal", "Something went wrong on our side; nothing you saved was lost."
        )


def register_security_headers(app: Flask) -> None:
    """Headers every response carries, and a request id that follows work into the logs and jobs."""

    @app.before_request
    def assign_request_id() -> None:
        offered = request.headers.get("X-Request-ID", "")
        # Only plain ids are kept: the id is echoed in headers and written into logs and job arguments.
        g.request_id = offered if REQUEST_ID.fullmatch(offered) else secrets.token_hex(8)

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if "Cache-Control" not in response.headers and (
            request.authorization or g.get("person") or request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        ):
            # Unpublished work must not linger in shared or browser caches.
            response.headers["Cache-Control"] = "no-store, private"
        return response


def register_template_helpers(app: Flask) -> None:
    """Filters and globals used across templates."""
    app.jinja_env.globals.update(
        language_name=language_name,
        text_direction=text_direction,
        State=State,
        current_person=current_person,
    )
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["reading_minutes"] = reading_minutes
    app.jinja_env.filters["dir"] = text_direction
    app.jinja_env.filters["language_name"] = language_name

    @app.template_filter("when")
    def when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return value.strftime(fmt) if value else ""

    @app.template_filter("state_label")
    def state_label(value: str) -> str:
        return (value or "").replace("_", " ")


def register_web(app: Flask) -> None:
    """Attach every blueprint and cross-cutting behaviour to the app."""
    from . import admin, api, auth, desk, ops, public

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to continue."

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        return user_for_login_session(db.session, int(user_id), session.get(LOGIN_SESSION_KEY))

    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    for blueprint in (auth.bp, desk.bp, admin.bp, public.bp, api.bp, ops.bp):
        app.register_blueprint(blueprint)
    from .assist import bp as assist_bp

    app.register_blueprint(assist_bp)
    from .reports import bp as reports_bp

    app.register_blueprint(reports_bp)
