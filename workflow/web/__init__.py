"""The web layer: every blueprint (listed here), error pages, security headers and template helpers."""

from __future__ import annotations

import re
import secrets

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface

from ..extensions import login_manager
from . import (
    account,
    actions,
    adaptation,
    admin,
    admin_people,
    admin_webhooks,
    api,
    api_docs,
    auth,
    glossary,
    images,
    memory,
    notifications,
    ops,
    public,
    reporter,
    reports,
    review,
    search,
)
from .access import identify_caller, load_login, trust_proxies
from .errors import register_error_handlers
from .fragments import register_fragments
from .i18n import init_i18n
from .page_cache import init_page_cache
from .templating import register_template_helpers
from .uploads import allow_import_uploads

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


#: Blueprints whose pages crawlers may index (everything else answers with `X-Robots-Tag: noindex`).
INDEXABLE_BLUEPRINTS = ("public",)


class NoCookieOnPublicPages(SecureCookieSessionInterface):
    """The signed-cookie session, never written by a public page: those pages need no session, and a
    Set-Cookie (Flask-Login marks a session it looked at) would make them uncacheable for everyone."""

    def save_session(self, app, session, response) -> None:
        if request.blueprint in INDEXABLE_BLUEPRINTS:
            return
        super().save_session(app, session, response)


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
        if request.blueprint not in INDEXABLE_BLUEPRINTS and request.endpoint != "static":
            # The desk, admin, login and API pages: nothing there belongs in a search engine.
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        if "Cache-Control" not in response.headers and (
            request.authorization or g.get("person") or request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        ):
            # Unpublished work must not linger in shared or browser caches.
            response.headers["Cache-Control"] = "no-store, private"
        return response


#: The page blueprints, one per area of the newsroom (each module's docstring lists its URL map).
PAGE_BLUEPRINTS = (
    auth.bp,  # login, logout, front doors
    reporter.bp,  # reporters' originals
    adaptation.bp,  # adaptors' queue, their adaptations, the workbench
    review.bp,  # editors' review
    actions.bp,  # workflow actions from any of those pages
    glossary.bp,  # the glossary pages
    images.bp,  # lead pictures of originals and adaptations
    memory.bp,  # the translation-memory page
    search.bp,  # the archive search
    reports.bp,  # editors' effort dashboard and credits report
    admin.bp,  # people and translation models
    admin_people.bp,  # one person's account (password reset, tokens, sessions) and the audit log
    admin_webhooks.bp,  # webhook receivers and their delivery log
    account.bp,  # each person's own password, tokens and login sessions
    notifications.bp,  # each person's notifications
    public.bp,  # the public site
    api_docs.bp,  # the interactive API description (Swagger UI)
    ops.bp,  # readiness and metrics
)


def register_web(app: Flask) -> None:
    """Attach every blueprint and cross-cutting behaviour to the app."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to continue."

    login_manager.user_loader(load_login)
    app.session_interface = NoCookieOnPublicPages()
    trust_proxies(app)

    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    init_i18n(
        app
    )  # after the helpers: its `when` and `language_name` (filter and function) speak the reader's language
    register_fragments(app)
    init_page_cache(app)
    app.url_value_preprocessor(allow_import_uploads)
    app.before_request(identify_caller)
    images.allow_picture_uploads(app)
    for blueprint in PAGE_BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(api.blueprint())
