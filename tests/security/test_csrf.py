"""Cross-site request forgery: every form POST of the pages needs the session's CSRF token, and the API
changes nothing for a browser that only carries the login cookie."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.security.conftest import ADAPTOR, ADMIN, ANON, EDITOR, REPORTER, Person, World
from workflow.domain.glossary import normalize_term
from workflow.models import (
    Adaptation,
    ApiToken,
    Article,
    GlossaryTerm,
    LoginSession,
    QaOverride,
    User,
    WebhookEndpoint,
)

#: The blueprints whose forms are posted by browsers (the API has its own rule: bearer tokens only).
PAGE_BLUEPRINTS = (
    "auth",
    "reporter",
    "adaptation",
    "review",
    "actions",
    "admin",
    "webhooks",
    "people",
    "account",
    "public",
    "i18n",
)
#: Where each page POST lives, and who may post it (so only the missing token can be what refuses).
FORM_POSTS = {
    "auth.login": ("/login", ANON),
    "auth.logout": ("/logout", REPORTER),
    "i18n.choose_language": ("/language", REPORTER),
    "reporter.new_report": ("/desk/reports/new", REPORTER),
    "reporter.revise": ("/desk/reports/{own_article}/revise", REPORTER),
    "adaptation.save": ("/desk/adaptations/{in_review}/save", EDITOR),
    "adaptation.acknowledge_source": ("/desk/adaptations/{in_review}/acknowledge", EDITOR),
    "actions.take": ("/desk/adaptations/{draft_ready}/actions/claim", ADAPTOR),
    "review.override_qa": ("/desk/adaptations/{in_review}/qa/override", EDITOR),
    "admin.create_user": ("/admin/users", ADMIN),
    "admin.change_roles": ("/admin/users/{owner_user}/roles", ADMIN),
    "admin.set_active": ("/admin/users/{owner_user}/active", ADMIN),
    "admin.import_model": ("/admin/models", ADMIN),
    "people.reset_password": ("/admin/users/{owner_user}/password", ADMIN),
    "people.revoke_token": ("/admin/users/{owner_user}/tokens/{missing}/revoke", ADMIN),
    "people.end_sessions": ("/admin/users/{owner_user}/sessions/end", ADMIN),
    "account.change_password": ("/account/password", REPORTER),
    "account.create_token": ("/account/tokens", REPORTER),
    "account.revoke_token": ("/account/tokens/{missing}/revoke", REPORTER),
    "account.log_out_everywhere": ("/account/sessions/end", REPORTER),
    "account.save_settings": ("/account/settings", REPORTER),
    "people.save_settings": ("/admin/users/{owner_user}/settings", ADMIN),
    "notifications.read": ("/notifications/read", REPORTER),
    "admin.retry_drafts": ("/admin/models/retry", ADMIN),
    "webhooks.create": ("/admin/webhooks", ADMIN),
    "webhooks.delete": ("/admin/webhooks/{missing}/delete", ADMIN),
    "webhooks.redeliver": ("/admin/webhooks/{missing}/deliveries/{missing}/redeliver", ADMIN),
}
#: What each form would do with a token: the request must do none of it without one.
FORM_DATA = {
    "auth.login": {"username": "{reporter_name}", "password": "correct horse battery"},
    "i18n.choose_language": {"language": "ar", "next": "/"},
    "reporter.new_report": {"title": "Forged report", "body": "نص.", "language": "ar", "targets": "en"},
    "reporter.revise": {"title": "Forged revision", "body": "نص جديد."},
    "adaptation.save": {"title": "Forged", "body": "Forged.", "version": "{in_review_version}"},
    "review.override_qa": {"check": "numbers", "key": "24", "reason": "Forged."},
    "admin.create_user": {
        "username": "forged",
        "display_name": "Forged",
        "roles": "admin",
        "password": "forged password",
    },
    "admin.change_roles": {"roles": "admin"},
    "admin.set_active": {"active": "0"},
    "people.reset_password": {"password": "forged password", "must_change": "1"},
    "account.change_password": {
        "current_password": "correct horse battery",
        "new_password": "forged password",
        "confirm_password": "forged password",
    },
    "account.create_token": {"name": "forged"},
    "account.save_settings": {"email": "forged@example.org", "language_pairs": "ar-en"},
    "people.save_settings": {"email": "forged@example.org", "language_pairs": "ar-en"},
    "notifications.read": {"all": "1"},
    "webhooks.create": {"url": "https://93.184.216.34/forged", "events": "adaptation.published"},
}


def page_posts(app) -> list[str]:
    """Endpoints of the page blueprints that accept POST."""
    return sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and rule.endpoint.split(".")[0] in PAGE_BLUEPRINTS
        }
    )


def _values(world: World) -> dict:
    return {
        **world.ids(),
        "reporter_name": world.people[REPORTER].username,
        "in_review_version": world.adaptations["in_review"].version,
    }


def _add_glossary_term(session, world: World) -> int:
    """A glossary term for the forged requests to aim at; returns its id."""
    term = GlossaryTerm(
        source_lang="ar",
        target_lang="en",
        source="بوتين",
        source_key=normalize_term("بوتين", "ar"),
        target="Putin",
        created_by_id=world.owner.id,
    )
    session.add(term)
    session.commit()
    return term.id


def _snapshot(session, world: World) -> tuple:
    session.expire_all()
    own = session.get(Article, world.own.id)
    owner = session.get(User, world.owner.id)
    in_review, draft_ready = (
        session.get(Adaptation, world.adaptations[k].id) for k in ("in_review", "draft_ready")
    )
    return (
        session.scalar(select(func.count(Article.id))),
        session.scalar(select(func.count(User.id))),
        own.current_revision,
        sorted(r.value for r in owner.roles),
        owner.active,
        in_review.version,
        in_review.title,
        draft_ready.state,
        draft_ready.holder_id,
        sorted(session.execute(select(GlossaryTerm.id, GlossaryTerm.target)).all()),
        session.scalar(select(func.count(QaOverride.id))),
        owner.password_hash,
        session.get(User, world.people[REPORTER].id).password_hash,
        session.scalar(select(func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None))),
        session.scalar(select(func.count(LoginSession.id)).where(LoginSession.closed_at.is_(None))),
        session.scalar(select(func.count(WebhookEndpoint.id))),
        owner.email,
        session.get(User, world.people[REPORTER].id).email,
        session.get(User, world.people[REPORTER].id).interface_language,
    )


def test_every_page_post_is_listed(app):
    missing = sorted(set(page_posts(app)) - set(FORM_POSTS))
    assert not missing, f"Add {missing} to FORM_POSTS in tests/security/test_csrf.py"


@pytest.mark.parametrize("token", ["none", "empty", "forged", "another session's"])
def test_page_posts_without_the_sessions_token_are_refused(app, session, world, people, token):
    """Every page POST, by a person allowed to make it, with a real form: 400 and nothing done."""
    values = _values(world)
    stranger = Person(app, ANON, None)
    tokens = {
        "none": None,
        "empty": "",
        "forged": "IjAwMDAi.forged.signature",
        "another session's": stranger.csrf,
    }
    before = _snapshot(session, world)
    for endpoint in page_posts(app):
        url, who = FORM_POSTS[endpoint]
        person = people[who]
        data = {k: v.format(**values) for k, v in FORM_DATA.get(endpoint, {}).items()}
        if tokens[token] is not None:
            data["csrf_token"] = tokens[token]
        response = person.client.post(url.format(**values), data=data)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, f"{endpoint} ({token} token): {response.status_code} {body[:300]}"
        assert "form expired or was not sent from this site" in body, f"{endpoint}: not the CSRF refusal"
        assert response.mimetype == "text/html"
    assert _snapshot(session, world) == before, "a POST without a valid token changed something"
    # Still logged in: the logout POST without a token did not log anyone out.
    assert people[REPORTER].client.get("/desk/reports").status_code == 200


def test_the_same_posts_with_the_token_do_work(session, world, people):
    """The check above is not vacuous: with the session's token the same requests go through."""
    values = _values(world)
    for endpoint in ("reporter.new_report", "actions.take", "admin.set_active"):
        url, who = FORM_POSTS[endpoint]
        person = people[who]
        data = {k: v.format(**values) for k, v in FORM_DATA.get(endpoint, {}).items()}
        response = person.client.post(url.format(**values), data={**data, "csrf_token": person.csrf})
        assert response.status_code == 302, (endpoint, response.get_data(as_text=True)[:300])


#: The API's changing routes, with a body each would accept from a person holding a token.
API_CHANGES = {
    ("api.revoke_current_token", "DELETE"): ("/api/v1/tokens/current", None),
    ("api.revoke_token", "DELETE"): ("/api/v1/tokens/{missing}", None),
    ("api.change_my_password", "POST"): (
        "/api/v1/me/password",
        {"current_password": "correct horse battery", "new_password": "forged password"},
    ),
    ("api.update_me", "PUT"): ("/api/v1/me", {"email": "forged@example.org"}),
    ("api.read_notifications", "POST"): ("/api/v1/notifications/read", {"all": True}),
    ("api.create_article", "POST"): (
        "/api/v1/articles",
        {"title": "Forged", "body": "نص.", "language": "ar", "targets": ["en"]},
    ),
    ("api.revise_article", "PUT"): ("/api/v1/articles/{own_article}", {"title": "Forged revision"}),
    ("api.save_adaptation", "PUT"): (
        "/api/v1/adaptations/{in_review}",
        {"title": "Forged", "body": "Forged.", "version": "{in_review_version}"},
    ),
    ("api.take_action", "POST"): ("/api/v1/adaptations/{draft_ready}/actions/claim", {}),
    ("api.acknowledge_source", "POST"): ("/api/v1/adaptations/{in_review}/acknowledge-source", {}),
    ("api.override_qa", "POST"): (
        "/api/v1/adaptations/{in_review}/qa/overrides",
        {"check": "numbers", "key": "24", "reason": "Forged."},
    ),
    ("api.create_glossary_term", "POST"): (
        "/api/v1/glossary",
        {"source_lang": "ar", "target_lang": "en", "source": "بوتين", "target": "Forged"},
    ),
    ("api.update_glossary_term", "PUT"): ("/api/v1/glossary/{glossary_term}", {"target": "Forged"}),
    ("api.delete_glossary_term", "DELETE"): ("/api/v1/glossary/{glossary_term}", None),
    ("api.import_glossary", "POST"): ("/api/v1/glossary/import", {}),
    ("api.import_memory", "POST"): ("/api/v1/memory/import", {}),
    ("api.create_webhook", "POST"): (
        "/api/v1/webhooks",
        {"url": "https://93.184.216.34/forged", "events": ["adaptation.published"]},
    ),
    ("api.delete_webhook", "DELETE"): ("/api/v1/webhooks/{missing}", None),
    ("api.redeliver", "POST"): ("/api/v1/webhooks/{missing}/deliveries/{missing}/redeliver", {}),
}
#: Changing API routes that need no login at all.
API_PUBLIC_CHANGES = {("api.create_token", "POST")}


def api_changes(app) -> set[tuple[str, str]]:
    """(endpoint, method) of every API route that changes something."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }


def test_every_changing_api_route_is_listed(app):
    missing = sorted(api_changes(app) - set(API_CHANGES) - API_PUBLIC_CHANGES)
    assert not missing, f"Add {missing} to API_CHANGES in tests/security/test_csrf.py"


@pytest.mark.parametrize("who", [REPORTER, ADAPTOR, EDITOR])
def test_api_changes_with_only_the_login_cookie_are_refused(session, world, people, who):
    """A page on another site can make the browser send the cookie, never a bearer token: 401, nothing done."""
    values = {**_values(world), "glossary_term": _add_glossary_term(session, world)}
    person = people[who]
    before = _snapshot(session, world)
    for (endpoint, method), (url, body) in API_CHANGES.items():
        if isinstance(body, dict):
            body = {k: (int(v.format(**values)) if k == "version" else v) for k, v in body.items()}
        for extra in ({}, {"X-CSRFToken": person.csrf}):
            response = person.client.open(url.format(**values), method=method, json=body, headers=extra)
            assert response.status_code == 401, (endpoint, who, response.get_data(as_text=True)[:300])
            assert response.is_json and response.json["error"] == "unauthorized"
            assert response.headers.get("WWW-Authenticate", "").startswith("Bearer")
    assert _snapshot(session, world) == before
    # The cookie still reads (the pages poll adaptations), so the refusal above is about changing only.
    assert person.client.get("/api/v1/me").status_code == 200
