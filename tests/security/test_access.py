"""Deny by default: every route of the app, for nobody and for each role, on someone else's work and
one's own, answers as the table below says — and a route the table does not classify fails the walk.

Anonymous visitors are sent to /login from the desk and admin pages and get 401 from the API; a role
that has no business on a page gets 403; someone else's unpublished work is 404 (its existence does
not leak); the public site shows published adaptations and 404 for everything else. Every response
on the way carries the security headers and no live script, and no page that a person may not see
unpublished work on shows any of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.security.conftest import (
    ADAPTOR,
    ADMIN,
    ANON,
    EDITOR,
    PUBLIC_TITLE,
    REPORTER,
    WHO,
    Person,
    World,
    header_problems,
    live_script,
)
from tests.support.factories import PASSWORD, make_article, make_user, token_for
from workflow.domain.states import Role

#: 302 to /login?next=… (a page visitor who is not logged in).
LOGIN = "login"
#: Statuses in the order of WHO: anonymous, reporter, adaptor, editor, admin (None: not asked).
ALL_200 = (200, 200, 200, 200, 200)


@dataclass(frozen=True)
class Probe:
    """One request to make as each person, and the status each must get."""

    url: str
    expect: tuple[Any, Any, Any, Any, Any]  #: per WHO: a status, LOGIN, or None for "not asked"
    form: dict[str, Any] | None = None  #: page POSTs: the form (a valid CSRF token is added)
    json: Any = None  #: API calls: the JSON body
    fresh_token: bool = False  #: use a throwaway bearer token (the request revokes it)
    last: bool = False  #: changes who is logged in: run after every other probe


def page(url: str, anon, reporter, adaptor, editor, admin, **kwargs) -> Probe:
    """A desk, admin or public page."""
    return Probe(url, (anon, reporter, adaptor, editor, admin), **kwargs)


def api(url: str, anon, reporter, adaptor, editor, admin, **kwargs) -> Probe:
    """An API call made with each person's bearer token."""
    return Probe(url, (anon, reporter, adaptor, editor, admin), **kwargs)


def role_page(url: str, allowed: str | tuple[str, ...], status: int = 200, **kwargs) -> Probe:
    """A page for some roles only: nobody → login, other roles → 403."""
    allowed = (allowed,) if isinstance(allowed, str) else allowed
    return Probe(
        url, tuple(LOGIN if who == ANON else status if who in allowed else 403 for who in WHO), **kwargs
    )


#: An article body that passes every check (the API walk submits one as each role).
VALID_ARTICLE = {"title": "Walk", "body": "نص قصير.", "language": "ar", "targets": ["en"]}
SAVE = {"title": "Walk", "body": "Walk.", "version": 99_999}
#: An override of a finding no text has: refused (409) once an editor is let in, so the walk changes nothing.
QA_OVERRIDE = {"check": "numbers", "key": "no such number", "reason": "Walk."}
#: A valid glossary term (the walk only sends it where it is refused or names a missing term).
GLOSSARY_TERM = {"source_lang": "ar", "target_lang": "en", "source": "بوتين", "target": "Putin"}
#: A webhook registration refused by the SSRF guard (400) once an admin is let in.
WEBHOOK_REFUSED = {"url": "http://127.0.0.1/hook", "events": ["draft.ready"]}
WRONG_LOGIN = {"username": "nobody-here", "password": "not the password"}
#: A password change whose current password is wrong: refused (400) once the person is let in.
WRONG_PASSWORD_CHANGE = {
    "current_password": "not it",
    "new_password": "a new password",
    "confirm_password": "a new password",
}
#: The other original's adaptations that are not (or no longer, or not yet) published.
UNPUBLISHED = (
    "queued",
    "draft_ready",
    "in_adaptation",
    "in_review",
    "changes_requested",
    "scheduled",
    "withdrawn",
)

#: (endpoint, method) → probes, or why a route is not walked. Every rule of app.url_map must be here;
#: ids come from World.ids().
ACCESS: dict[tuple[str, str], list[Probe] | str] = {
    # --- login, logout, front door ---------------------------------------------------------------
    ("auth.home", "GET"): [page("/", 302, 302, 302, 302, 302)],
    ("auth.login", "GET"): [page("/login", *ALL_200)],
    ("auth.login", "POST"): [page("/login", 401, 401, 401, 401, 401, form=WRONG_LOGIN)],
    # --- one's own account (before logout: "log out everywhere" runs among the last probes) ---------
    ("account.page", "GET"): [page("/account", LOGIN, 200, 200, 200, 200)],
    ("account.change_password", "POST"): [
        page("/account/password", LOGIN, 400, 400, 400, 400, form=WRONG_PASSWORD_CHANGE)
    ],
    ("account.save_settings", "POST"): [
        page("/account/settings", LOGIN, 400, 400, 400, 400, form={"email": "not an address"})
    ],
    ("notifications.page", "GET"): [page("/notifications", LOGIN, 200, 200, 200, 200)],
    ("notifications.read", "POST"): [page("/notifications/read", LOGIN, 400, 400, 400, 400, form={})],
    ("account.create_token", "POST"): [
        page("/account/tokens", LOGIN, 400, 400, 400, 400, form={"name": "x" * 121})
    ],
    ("account.revoke_token", "POST"): [
        page("/account/tokens/{missing}/revoke", LOGIN, 404, 404, 404, 404, form={})
    ],
    ("account.log_out_everywhere", "POST"): [
        page("/account/sessions/end", LOGIN, 302, 302, 302, 302, form={}, last=True)
    ],
    ("auth.logout", "POST"): [page("/logout", 302, 302, 302, 302, 302, form={}, last=True)],
    # --- the interface language: anyone may choose it (a bad choice is a 400 on the page) -------------
    ("i18n.choose_language", "POST"): [
        page("/language", 303, 303, 303, 303, 303, form={"language": "en", "next": "/"}),
        page("/language", 400, 400, 400, 400, 400, form={"language": "xx"}),
    ],
    # --- the desk ---------------------------------------------------------------------------------
    ("auth.desk", "GET"): [page("/desk/", LOGIN, 302, 302, 302, 302)],
    ("reporter.reports", "GET"): [role_page("/desk/reports", REPORTER)],
    ("reporter.new_report", "GET"): [role_page("/desk/reports/new", REPORTER)],
    ("reporter.new_report", "POST"): [role_page("/desk/reports/new", REPORTER, 400, form={"title": ""})],
    ("reporter.report", "GET"): [
        role_page("/desk/reports/{own_article}", REPORTER),
        role_page("/desk/reports/{other_article}", REPORTER, 404),
        role_page("/desk/reports/{hidden_article}", REPORTER, 404),
        role_page("/desk/reports/{missing}", REPORTER, 404),
    ],
    ("reporter.revise", "POST"): [
        role_page("/desk/reports/{own_article}/revise", REPORTER, 400, form={"title": "", "body": ""}),
        role_page("/desk/reports/{other_article}/revise", REPORTER, 404, form={"title": "Mine now"}),
        role_page("/desk/reports/{hidden_article}/revise", REPORTER, 404, form={"title": "Mine now"}),
    ],
    ("images.set_original_image", "POST"): [
        role_page("/desk/reports/{own_article}/image", REPORTER, 400, form={"alt": "A port"}),  # no picture
        role_page("/desk/reports/{other_article}/image", REPORTER, 404, form={"alt": "A port"}),
        role_page("/desk/reports/{hidden_article}/image", REPORTER, 404, form={"alt": "A port"}),
    ],
    ("images.set_adaptation_image", "POST"): [
        # Held by another adaptor: the walk's adaptor may not set its picture; an editor may (no picture: 400).
        page("/desk/adaptations/{in_adaptation}/image", LOGIN, 403, 403, 400, 403, form={"alt": "A port"}),
        role_page("/desk/adaptations/{missing}/image", (ADAPTOR, EDITOR), 404, form={"alt": "A port"}),
    ],
    ("adaptation.queue", "GET"): [role_page("/desk/queue", ADAPTOR)],
    ("adaptation.mine", "GET"): [role_page("/desk/mine", ADAPTOR)],
    ("adaptation.workbench", "GET"): [
        role_page("/desk/adaptations/{in_review}", (ADAPTOR, EDITOR)),
        role_page("/desk/adaptations/{in_adaptation}", (ADAPTOR, EDITOR)),
        role_page("/desk/adaptations/{queued}", (ADAPTOR, EDITOR)),
        role_page("/desk/adaptations/{own_in_review}", (ADAPTOR, EDITOR)),
        role_page("/desk/adaptations/{missing}", (ADAPTOR, EDITOR), 404),
        # Once published, the workbench (thread, QA, machine draft) is for editors and the people credited.
        page("/desk/adaptations/{published}", LOGIN, 403, 403, 200, 403),
    ],
    ("adaptation.save", "POST"): [
        # No version: refused as bad input (400) once access is granted.
        role_page("/desk/adaptations/{in_review}/save", (ADAPTOR, EDITOR), 400, form={"title": "x"}),
        # Held by another adaptor: the walk's adaptor may not save it (403), an editor may (stale: 409).
        page("/desk/adaptations/{in_adaptation}/save", LOGIN, 403, 403, 409, 403, form=SAVE),
        role_page("/desk/adaptations/{missing}/save", (ADAPTOR, EDITOR), 404, form=SAVE),
    ],
    ("actions.take", "POST"): [
        # Someone else's unpublished work: a reporter cannot even see it (404).
        page("/desk/adaptations/{in_review}/actions/claim", LOGIN, 404, 409, 403, 403, form={}),
        page("/desk/adaptations/{queued}/actions/withdraw", LOGIN, 404, None, None, 403, form={}),
        page("/desk/adaptations/{hidden}/actions/withdraw", LOGIN, 404, None, None, 403, form={}),
        # Work a reporter may see: their own, and published work.
        page("/desk/adaptations/{own_in_review}/actions/claim", LOGIN, 403, 409, 403, 403, form={}),
        page("/desk/adaptations/{published}/actions/claim", LOGIN, 403, 409, 403, 403, form={}),
        page("/desk/adaptations/{published}/actions/withdraw", LOGIN, 409, 403, 409, 403, form={}),
        # Held by another adaptor: the walk's adaptor may neither submit nor release it.
        page("/desk/adaptations/{in_adaptation}/actions/submit", LOGIN, 404, 403, 403, 403, form={}),
        page("/desk/adaptations/{in_adaptation}/actions/release", LOGIN, 404, 403, None, 403, form={}),
        page("/desk/adaptations/{missing}/actions/claim", LOGIN, 404, 404, 404, 403, form={}),
        # acknowledge-source: the holder or an editor, and only once the original changed (409 up_to_date).
        page("/desk/adaptations/{in_review}/actions/acknowledge-source", LOGIN, 404, 403, 409, 403, form={}),
        page(
            "/desk/adaptations/{in_adaptation}/actions/acknowledge-source", LOGIN, 404, 403, 409, 403, form={}
        ),
        # Editors only; a correction and unpublishing need a published story, republishing an unpublished one.
        page("/desk/adaptations/{in_review}/actions/correct", LOGIN, 404, 403, 409, 403, form={}),
        page("/desk/adaptations/{scheduled}/actions/unpublish", LOGIN, 404, 403, 409, 403, form={}),
        page("/desk/adaptations/{published}/actions/republish", LOGIN, 403, 403, 409, 403, form={}),
    ],
    ("review.override_qa", "POST"): [
        role_page("/desk/adaptations/{in_review}/qa/override", EDITOR, 409, form=QA_OVERRIDE),
        role_page("/desk/adaptations/{published}/qa/override", EDITOR, 409, form=QA_OVERRIDE),
        role_page("/desk/adaptations/{missing}/qa/override", EDITOR, 404, form=QA_OVERRIDE),
    ],
    ("review.queue", "GET"): [role_page("/desk/review", EDITOR)],
    ("review.adaptation", "GET"): [
        role_page("/desk/review/{in_review}", EDITOR),
        role_page("/desk/review/{own_in_review}", EDITOR),
        role_page("/desk/review/{published}", EDITOR),
        role_page("/desk/review/{missing}", EDITOR, 404),
    ],
    # --- editors' reports ---------------------------------------------------------------------------
    ("reports.dashboard", "GET"): [role_page("/desk/dashboard", EDITOR)],
    ("reports.credits", "GET"): [
        role_page(f"/desk/reports/credits{export}", EDITOR) for export in ("", "?format=csv", "?format=json")
    ],
    # --- admin --------------------------------------------------------------------------------------
    ("admin.index", "GET"): [role_page("/admin", ADMIN, 302)],
    ("admin.users", "GET"): [role_page("/admin/users", ADMIN)],
    ("admin.create_user", "POST"): [role_page("/admin/users", ADMIN, 400, form={"username": ""})],
    ("admin.change_roles", "POST"): [
        # An admin may not drop their own admin role (400): no role changes while walking.
        role_page("/admin/users/{admin_user}/roles", ADMIN, 400, form={}),
        role_page("/admin/users/{owner_user}/roles", ADMIN, None, form={"roles": ["admin"]}),
        role_page("/admin/users/{missing}/roles", ADMIN, 404, form={}),
    ],
    ("admin.set_active", "POST"): [
        role_page("/admin/users/{owner_user}/active", ADMIN, 400, form={}),
        role_page("/admin/users/{owner_user}/active", ADMIN, None, form={"active": "0"}),
        role_page("/admin/users/{missing}/active", ADMIN, 404, form={"active": "1"}),
    ],
    ("people.person", "GET"): [
        role_page("/admin/users/{owner_user}", ADMIN),
        role_page("/admin/users/{missing}", ADMIN, 404),
    ],
    ("people.save_settings", "POST"): [
        role_page("/admin/users/{owner_user}/settings", ADMIN, 400, form={"email": "not an address"}),
        role_page("/admin/users/{missing}/settings", ADMIN, 404, form={"email": "a@example.org"}),
    ],
    ("people.reset_password", "POST"): [
        role_page("/admin/users/{owner_user}/password", ADMIN, 400, form={"password": "short"}),
        role_page("/admin/users/{missing}/password", ADMIN, 404, form={"password": "long enough"}),
    ],
    ("people.revoke_token", "POST"): [
        role_page("/admin/users/{owner_user}/tokens/{missing}/revoke", ADMIN, 404, form={}),
    ],
    ("people.end_sessions", "POST"): [
        role_page("/admin/users/{owner_user}/sessions/end", ADMIN, 302, form={}),
        role_page("/admin/users/{admin_user}/sessions/end", ADMIN, 400, form={}),
        role_page("/admin/users/{missing}/sessions/end", ADMIN, 404, form={}),
    ],
    ("people.audit_log", "GET"): [
        role_page("/admin/audit", ADMIN),
        role_page("/admin/audit?action=nothing", ADMIN, 400),
    ],
    ("admin.models", "GET"): [role_page("/admin/models", ADMIN)],
    ("admin.import_model", "POST"): [role_page("/admin/models", ADMIN, 400, form={})],
    ("admin.retry_drafts", "POST"): [role_page("/admin/models/retry", ADMIN, 302, form={"source": "xx"})],
    # --- the public site ----------------------------------------------------------------------------
    ("public.index", "GET"): [page("/news", *ALL_200)],
    ("public.feed", "GET"): [page("/news/feed.xml", *ALL_200)],
    ("public.robots", "GET"): [page("/robots.txt", *ALL_200)],
    ("public.image", "GET"): [page("/images/" + "0" * 32 + "-480.jpg", 404, 404, 404, 404, 404)],
    ("public.sitemap", "GET"): [page("/sitemap.xml", *ALL_200)],
    ("public.news_sitemap", "GET"): [page("/news-sitemap.xml", *ALL_200)],
    ("public.person", "GET"): [
        page("/people/not-the-slug-{owner_user}", 301, 301, 301, 301, 301),  # the published story's reporter
        page("/people/admin-{admin_user}", 404, 404, 404, 404, 404),  # no byline on the site
        page("/people/nobody-{missing}", 404, 404, 404, 404, 404),
    ],
    ("public.short", "GET"): [
        page("/news/{published}", 301, 301, 301, 301, 301),
        *[
            page(f"/news/{{{key}}}", 404, 404, 404, 404, 404)
            for key in (*UNPUBLISHED, "own_in_review", "hidden", "missing")
        ],
    ],
    ("public.article", "GET"): [
        page("/news/{published}/{published_slug}", *ALL_200),
        page("/news/{published}/not-its-slug", 301, 301, 301, 301, 301),
        *[
            page(f"/news/{{{key}}}/{{published_slug}}", 404, 404, 404, 404, 404)
            for key in (*UNPUBLISHED, "own_in_review", "hidden", "missing")
        ],
    ],
    ("static", "GET"): [
        page("/static/css/app.css", *ALL_200),
        page("/static/js/desk.js", *ALL_200),
        page("/static/nothing-here.css", 404, 404, 404, 404, 404),
    ],
    # --- the API (bearer tokens; nobody sends none) -------------------------------------------------
    ("api.create_token", "POST"): [api("/api/v1/tokens", 401, 401, 401, 401, 401, json=WRONG_LOGIN)],
    ("api.revoke_current_token", "DELETE"): [
        api("/api/v1/tokens/current", 401, 204, 204, 204, 204, fresh_token=True)
    ],
    ("api.show_me", "GET"): [api("/api/v1/me", 401, 200, 200, 200, 200)],
    ("api.list_tokens", "GET"): [api("/api/v1/tokens", 401, 200, 200, 200, 200)],
    ("api.revoke_token", "DELETE"): [api("/api/v1/tokens/{missing}", 401, 404, 404, 404, 404)],
    ("api.update_me", "PUT"): [api("/api/v1/me", 401, 400, 400, 400, 400, json={"email": "not an address"})],
    ("api.list_notifications", "GET"): [api("/api/v1/notifications", 401, 200, 200, 200, 200)],
    ("api.stream_events", "GET"): [
        api("/api/v1/events", 401, 200, 200, 200, 200),
        api("/api/v1/events?desk=1", 401, 403, 200, 200, 403),  # the desk's stream: who sees the queues
        api("/api/v1/events?adaptation={in_review}", 401, 404, 200, 200, 404),  # as the adaptation itself
        api("/api/v1/events?adaptation={own_in_review}", 401, 200, 200, 200, 404),
        api("/api/v1/events?adaptation={missing}", 401, 404, 404, 404, 404),
    ],
    ("api.read_notifications", "POST"): [
        api("/api/v1/notifications/read", 401, 400, 400, 400, 400, json={"ids": []})
    ],
    ("api.change_my_password", "POST"): [
        api("/api/v1/me/password", 401, 400, 400, 400, 400, json=WRONG_PASSWORD_CHANGE)
    ],
    # Webhooks: admins only; the walk's registrations are refused (a loopback target), so nothing is created.
    ("api.create_webhook", "POST"): [api("/api/v1/webhooks", 401, 403, 403, 403, 400, json=WEBHOOK_REFUSED)],
    ("api.list_webhooks", "GET"): [api("/api/v1/webhooks", 401, 403, 403, 403, 200)],
    ("api.show_webhook", "GET"): [api("/api/v1/webhooks/{missing}", 401, 403, 403, 403, 404)],
    ("api.delete_webhook", "DELETE"): [api("/api/v1/webhooks/{missing}", 401, 403, 403, 403, 404)],
    ("api.list_deliveries", "GET"): [api("/api/v1/webhooks/{missing}/deliveries", 401, 403, 403, 403, 404)],
    ("api.redeliver", "POST"): [
        api("/api/v1/webhooks/{missing}/deliveries/{missing}/redeliver", 401, 403, 403, 403, 404, json={})
    ],
    ("webhooks.page", "GET"): [role_page("/admin/webhooks", ADMIN)],
    ("webhooks.create", "POST"): [role_page("/admin/webhooks", ADMIN, 400, form=WEBHOOK_REFUSED)],
    ("webhooks.delete", "POST"): [role_page("/admin/webhooks/{missing}/delete", ADMIN, 404, form={})],
    ("webhooks.redeliver", "POST"): [
        role_page("/admin/webhooks/{missing}/deliveries/{missing}/redeliver", ADMIN, 404, form={})
    ],
    ("api.list_audit", "GET"): [
        api("/api/v1/audit", 401, 403, 403, 403, 200),
        api("/api/v1/audit?action=nothing", 401, 400, 400, 400, 400),
    ],
    ("api.create_article", "POST"): [api("/api/v1/articles", 401, 201, 403, 403, 403, json=VALID_ARTICLE)],
    ("api.show_article", "GET"): [
        api("/api/v1/articles/{own_article}", 401, 200, 200, 200, 404),
        api("/api/v1/articles/{other_article}", 401, 404, 200, 200, 404),
        api("/api/v1/articles/{hidden_article}", 401, 404, 200, 200, 404),
        api("/api/v1/articles/{missing}", 401, 404, 404, 404, 404),
    ],
    ("api.revise_article", "PUT"): [
        # {} changes nothing: refused as bad input (400) once the reporter is allowed in.
        api("/api/v1/articles/{own_article}", 401, 400, 403, 403, 404, json={}),
        api("/api/v1/articles/{other_article}", 401, 404, 403, 403, 404, json={"title": "Mine now"}),
        api("/api/v1/articles/{hidden_article}", 401, 404, 403, 403, 404, json={"title": "Mine now"}),
    ],
    ("api.show_adaptation", "GET"): [
        *[api(f"/api/v1/adaptations/{{{key}}}", 401, 404, 200, 200, 404) for key in (*UNPUBLISHED, "hidden")],
        api("/api/v1/adaptations/{own_in_review}", 401, 200, 200, 200, 404),
        api("/api/v1/adaptations/{published}", 401, 200, 200, 200, 200),
        api("/api/v1/adaptations/{missing}", 401, 404, 404, 404, 404),
    ],
    ("api.show_progress", "GET"): [
        *[
            api(f"/api/v1/adaptations/{{{key}}}/progress", 401, 404, 200, 200, 404)
            for key in (*UNPUBLISHED, "hidden")
        ],
        api("/api/v1/adaptations/{own_in_review}/progress", 401, 200, 200, 200, 404),
        api("/api/v1/adaptations/{published}/progress", 401, 200, 200, 200, 200),
        api("/api/v1/adaptations/{missing}/progress", 401, 404, 404, 404, 404),
    ],
    ("api.save_adaptation", "PUT"): [
        api("/api/v1/adaptations/{in_review}", 401, 404, 403, 409, 404, json=SAVE),
        api("/api/v1/adaptations/{in_adaptation}", 401, 404, 403, 409, 404, json=SAVE),
        api("/api/v1/adaptations/{own_in_review}", 401, 403, 403, 409, 404, json=SAVE),
        api("/api/v1/adaptations/{hidden}", 401, 404, 409, 409, 404, json=SAVE),
    ],
    ("api.take_action", "POST"): [
        api("/api/v1/adaptations/{in_review}/actions/claim", 401, 404, 409, 403, 404, json={}),
        api("/api/v1/adaptations/{queued}/actions/withdraw", 401, 404, 403, None, 404, json={}),
        api("/api/v1/adaptations/{in_adaptation}/actions/submit", 401, 404, 403, 403, 404, json={}),
        api("/api/v1/adaptations/{own_in_review}/actions/claim", 401, 403, 409, 403, 404, json={}),
        api("/api/v1/adaptations/{published}/actions/claim", 401, 403, 409, 403, 403, json={}),
        api("/api/v1/adaptations/{published}/actions/withdraw", 401, 409, 403, 409, 403, json={}),
        api("/api/v1/adaptations/{in_review}/actions/unpublish", 401, 404, 403, 409, 404, json={}),
        api("/api/v1/adaptations/{published}/actions/republish", 401, 403, 403, 409, 403, json={}),
    ],
    ("api.acknowledge_source", "POST"): [
        api("/api/v1/adaptations/{in_review}/acknowledge-source", 401, 404, 403, 409, 404, json={}),
        api("/api/v1/adaptations/{own_in_review}/acknowledge-source", 401, 403, 403, 409, 404, json={}),
    ],
    ("api.show_qa", "GET"): [
        *[
            api(f"/api/v1/adaptations/{{{key}}}/qa", 401, 404, 200, 200, 404)
            for key in (*UNPUBLISHED, "hidden")
        ],
        api("/api/v1/adaptations/{own_in_review}/qa", 401, 200, 200, 200, 404),
        # Once published, QA findings are for editors and the people credited on the story.
        api("/api/v1/adaptations/{published}/qa", 401, 403, 403, 200, 403),
        api("/api/v1/adaptations/{missing}/qa", 401, 404, 404, 404, 404),
    ],
    ("api.list_versions", "GET"): [
        *[
            api(f"/api/v1/adaptations/{{{key}}}/versions", 401, 404, 200, 200, 404)
            for key in (*UNPUBLISHED, "hidden")
        ],
        api("/api/v1/adaptations/{own_in_review}/versions", 401, 200, 200, 200, 404),
        api("/api/v1/adaptations/{published}/versions", 401, 200, 200, 200, 200),
        api("/api/v1/adaptations/{missing}/versions", 401, 404, 404, 404, 404),
    ],
    ("api.override_qa", "POST"): [
        # Editors only (403 before anything is looked up); an editor gets 409 for a finding the text lacks.
        api("/api/v1/adaptations/{in_review}/qa/overrides", 401, 403, 403, 409, 403, json=QA_OVERRIDE),
        api("/api/v1/adaptations/{published}/qa/overrides", 401, 403, 403, 409, 403, json=QA_OVERRIDE),
        api("/api/v1/adaptations/{missing}/qa/overrides", 401, 403, 403, 404, 403, json=QA_OVERRIDE),
    ],
    ("api.work_queue", "GET"): [api("/api/v1/queue", 401, 403, 200, 200, 403)],
    ("api.credits_report", "GET"): [api("/api/v1/reports/credits", 401, 403, 403, 200, 403)],
    ("api.published", "GET"): [api("/api/v1/published", *ALL_200)],
    ("api.openapi", "GET"): [api("/api/v1/openapi.json", *ALL_200)],
    ("api.healthz", "GET"): [api("/healthz", *ALL_200)],
    # --- glossary and translation memory -------------------------------------------------------------
    ("glossary.terms", "GET"): [page("/desk/glossary?from=ar&to=en", LOGIN, 200, 200, 200, 200)],
    ("glossary.add_term", "POST"): [role_page("/desk/glossary", EDITOR, 400, form={"source": ""})],
    ("glossary.update_term", "POST"): [role_page("/desk/glossary/{missing}", EDITOR, 404, form={})],
    ("glossary.delete_term", "POST"): [role_page("/desk/glossary/{missing}/delete", EDITOR, 404, form={})],
    ("memory.search", "GET"): [role_page("/desk/memory?q=walk", (ADAPTOR, EDITOR))],
    ("api.list_glossary", "GET"): [api("/api/v1/glossary", 401, 200, 200, 200, 200)],
    # Editors only (403 before the body is read); an editor's empty body is 400.
    ("api.create_glossary_term", "POST"): [api("/api/v1/glossary", 401, 403, 403, 400, 403, json={})],
    ("api.show_glossary_term", "GET"): [api("/api/v1/glossary/{missing}", 401, 404, 404, 404, 404)],
    ("api.update_glossary_term", "PUT"): [
        api("/api/v1/glossary/{missing}", 401, 403, 403, 404, 403, json=GLOSSARY_TERM)
    ],
    ("api.delete_glossary_term", "DELETE"): [api("/api/v1/glossary/{missing}", 401, 403, 403, 404, 403)],
    ("api.search_memory", "GET"): [api("/api/v1/memory?q=walk", 401, 200, 200, 200, 200)],
    # --- archive search: everyone signed in (each finds what they may open) ----------------------------
    ("search.archive", "GET"): [page("/desk/search?q=walk", LOGIN, 200, 200, 200, 200)],
    ("api.search_archive", "GET"): [
        api("/api/v1/search?q=walk", 401, 200, 200, 200, 200),
        api("/api/v1/search?q=walk&from=never", 401, 400, 400, 400, 400),
    ],
    # --- exchange formats: export for readers of the memory and glossary, import for editors and admins ---
    ("api.export_glossary", "GET"): [
        api("/api/v1/glossary/export?source_lang=ar&target_lang=en&format=csv", 401, 200, 200, 200, 200)
    ],
    ("api.export_memory", "GET"): [
        api("/api/v1/memory/export?source_lang=ar&target_lang=en", 401, 200, 200, 200, 200)
    ],
    # Importers only (403 before the upload is read); an importer's JSON body is not a file upload.
    ("api.import_glossary", "POST"): [api("/api/v1/glossary/import", 401, 403, 403, 415, 415, json={})],
    ("api.import_memory", "POST"): [api("/api/v1/memory/import", 401, 403, 403, 415, 415, json={})],
    ("glossary.export_terms", "GET"): [
        page("/desk/glossary/export?from=ar&to=en&format=csv", LOGIN, 200, 200, 200, 200)
    ],
    ("glossary.import_terms", "POST"): [page("/desk/glossary/import", LOGIN, 403, 403, 400, 400, form={})],
    ("memory.export_memory", "GET"): [role_page("/desk/memory/export?from=ar&to=en", (ADAPTOR, EDITOR))],
    ("memory.import_memory", "POST"): [role_page("/desk/memory/import", EDITOR, 400, form={})],
    # --- originals, published stories (public), the API's own page ----------------------------------
    ("api.list_articles", "GET"): [api("/api/v1/articles", 401, 200, 403, 200, 403)],
    ("api.show_published", "GET"): [api("/api/v1/published/{published}", *ALL_200)],
    ("api.show_published_ninjs", "GET"): [api("/api/v1/published/{published}/ninjs", *ALL_200)],
    ("api_docs.page", "GET"): [page("/api/docs", *ALL_200)],
    # --- operations: classified, not walked --------------------------------------------------------
    ("ops.metrics", "GET"): "public unless ADAPTDESK_METRICS_TOKEN is set (read from the environment); "
    "tests/ops checks both",
    ("ops.readyz", "GET"): "public, names no work; it waits on the broker and workers, tests/ops checks it",
}
#: Who may see unpublished work at all: nobody else's page or API answer may show any of it.
INSIDERS = {ADAPTOR, EDITOR}


def routes(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) the app answers, HEAD and OPTIONS aside."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_is_classified(app):
    unclassified = sorted(routes(app) - set(ACCESS))
    assert not unclassified, (
        f"New routes {unclassified}: add them to ACCESS in tests/security/test_access.py with the status "
        "each kind of person must get (deny by default)."
    )
    stale = sorted(set(ACCESS) - routes(app))
    assert not stale, f"ACCESS names routes the app no longer has: {stale}"


def _send(person: Person, method: str, probe: Probe, url: str):
    if url.startswith(("/api/", "/healthz")):
        headers = person.bearer
        if probe.fresh_token and person.user is not None:
            headers = token_for(person.user)
        return person.client.open(url, method=method, json=probe.json, headers=headers)
    data = None
    if method == "POST":
        data = {**(probe.form or {}), "csrf_token": person.csrf}
    return person.client.open(url, method=method, data=data)


def _outcome(response) -> Any:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/login?next="):
        return LOGIN
    return response.status_code


def test_deny_by_default_walk(app, world: World, people: dict[str, Person]):
    """Every route × every kind of person × objects in many states: the status the table says."""
    ids = world.ids()
    plan = [
        (endpoint, method, probe)
        for (endpoint, method), probes in ACCESS.items()
        if (endpoint, method) in routes(app) and not isinstance(probes, str)
        for probe in probes
    ]
    assert len(plan) > 100
    plan.sort(key=lambda item: item[2].last)
    wrong, leaks, unsafe = [], [], []
    for _endpoint, method, probe in plan:
        url = probe.url.format(**ids)
        for who, expected in zip(WHO, probe.expect, strict=False):
            if expected is None:
                continue
            response = _send(people[who], method, probe, url)
            got = _outcome(response)
            if got != expected:
                wrong.append(
                    f"{who:9} {method:6} {url}: expected {expected}, got {got} "
                    f"{response.get_data(as_text=True)[:160]!r}"
                )
            unsafe.extend(f"{who} {method} {url}: {p}" for p in header_problems(response))
            body = response.get_data(as_text=True)
            response.close()
            if response.mimetype == "text/html":
                unsafe.extend(f"{who} {method} {url}: {p}" for p in live_script(body))
            if who not in INSIDERS:
                leaks.extend(
                    f"{who} {method} {url} shows {key} ({marker})"
                    for key, marker in world.secrets.items()
                    if marker in body
                )
    assert not wrong, "\n".join(["Access is not as the table says:", *wrong])
    assert not leaks, "\n".join(["Unpublished work shown to people who may not see it:", *leaks])
    assert not unsafe, "\n".join(["Unsafe responses:", *unsafe])


def test_anonymous_desk_redirect_names_the_page_asked_for(client, session):
    article = make_article()
    response = client.get(f"/desk/reports/{article.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/desk/reports/{article.id}"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "///evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
    ],
)
def test_login_never_redirects_off_site(app, session, target):
    """After login, `next` is followed only when it is a path on this site."""
    person = Person(app, ANON, None)
    user = make_user(Role.REPORTER)
    response = person.client.post(
        "/login",
        query_string={"next": target},
        data={"username": user.username, "password": PASSWORD, "csrf_token": person.csrf},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/"), location
    # Browsers read "//host", "///host" and "/\\host" as another site.
    assert not location.startswith(("//", "/\\")), location


# --- unpublished work is never public -------------------------------------------------------------------

PUBLIC_LISTS = [
    "/news",
    "/news?page=1",
    "/news?section=World",
    "/news?tag=walk",
    "/news/feed.xml",
    "/news/feed.xml?section=World",
    "/api/v1/published?limit=100",
    "/api/v1/published?section=World&limit=100",
]


def test_public_lists_show_the_published_story_and_nothing_unpublished(world, people):
    """Whoever asks, even an editor: the public site and /api/v1/published list published work only."""
    for who in WHO:
        for url in PUBLIC_LISTS:
            response = people[who].client.get(url)
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            assert PUBLIC_TITLE in body, f"{url} does not list the published story"
            shown = [key for key, marker in world.secrets.items() if marker in body]
            assert not shown, f"{url} shows unpublished work to {who}: {shown}"


def test_published_page_shows_no_unpublished_sibling(world, people):
    """The published story's page names its original but none of the original's other adaptations."""
    page_ = people[EDITOR].client.get(f"/news/{world.published.id}/{world.published.slug}")
    assert page_.status_code == 200
    body = page_.get_data(as_text=True)
    assert PUBLIC_TITLE in body
    assert not [key for key, marker in world.secrets.items() if marker in body]


@pytest.mark.parametrize("query", ["section", "tag"])
def test_filters_on_unpublished_sections_and_tags_find_nothing(world, client, query):
    value = world.secrets[f"hidden_{query}"]
    for url in (
        f"/news?{query}={value}",
        f"/news/feed.xml?{query}={value}",
        f"/api/v1/published?{query}={value}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = response.get_data(as_text=True)
        assert world.secrets["hidden_title"] not in body and world.secrets["hidden_draft"] not in body, url
        assert PUBLIC_TITLE not in body, f"{url}: the filter matched the published story"


def test_a_published_story_becomes_invisible_when_it_is_no_longer_published(world, client, session):
    """The public pages read the state on each request: a story moved off the site is gone at once."""
    adaptation = world.published
    url = f"/news/{adaptation.id}/{adaptation.slug}"
    assert client.get(url).status_code == 200
    adaptation.state = "withdrawn"
    session.commit()
    assert client.get(url).status_code == 404
    assert PUBLIC_TITLE not in client.get("/news").get_data(as_text=True)
    assert PUBLIC_TITLE not in client.get("/news/feed.xml").get_data(as_text=True)
    assert PUBLIC_TITLE not in client.get("/api/v1/published").get_data(as_text=True)
