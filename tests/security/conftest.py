"""Fixtures and helpers for the security tests: a newsroom with work in every state owned by someone
else, people of each role logged in through the real form, and readers for headers and HTML.

The helpers are plain functions here (imported by the test modules as `tests.security.conftest`) so
this folder needs no module beyond the tests themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.factories import finish_draft, login, make_article, make_user, token_for
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, Article, User, utcnow
from workflow.services.adaptations import perform_action

#: Who a request comes from: nobody, or a person holding exactly one role.
ANON, REPORTER, ADAPTOR, EDITOR, ADMIN = "anonymous", "reporter", "adaptor", "editor", "admin"
WHO = (ANON, REPORTER, ADAPTOR, EDITOR, ADMIN)
ROLE_OF = {REPORTER: Role.REPORTER, ADAPTOR: Role.ADAPTOR, EDITOR: Role.EDITOR, ADMIN: Role.ADMIN}

#: The published story's headline; every other marker below names work nobody outside the desk may see.
PUBLIC_TITLE = "Published story zqxPUBLIC"
PUBLIC_BODY = "The published text zqxPUBLICBODY.\n\nA second paragraph."


def secret(key: str) -> str:
    """A marker for one piece of unpublished text: it must never reach a page that may not show it."""
    return f"zqxSECRET{key}"


@dataclass
class World:
    """People and work: `owner`'s original in every state, one of `me`'s own, and a hidden original."""

    owner: User  #: the reporter of the other originals (someone else, for the IDOR checks)
    people: dict[str, User]  #: who → the person each role's client is logged in as
    worker: User  #: the adaptor who holds and submitted the other originals' adaptations
    other: Article  #: owner's original: an adaptation in each state from queued to published
    hidden: Article  #: owner's original with nothing published (its text is secret)
    own: Article  #: `me`'s own original (reporter), adaptations draft_ready and in_review
    adaptations: dict[str, Adaptation] = field(default_factory=dict)  #: key → adaptation
    secrets: dict[str, str] = field(default_factory=dict)  #: key → marker only insiders may see

    @property
    def published(self) -> Adaptation:
        """The one published adaptation."""
        return self.adaptations["published"]

    def ids(self) -> dict[str, int | str]:
        """Values for URL templates: `{other_article}`, `{in_review}`, `{published_slug}`…"""
        values: dict[str, int | str] = {key: a.id for key, a in self.adaptations.items()}
        values.update(
            other_article=self.other.id,
            hidden_article=self.hidden.id,
            own_article=self.own.id,
            published_slug=self.published.slug,
            missing=987_654,
            admin_user=self.people[ADMIN].id,
            owner_user=self.owner.id,
        )
        return values


def advance(
    adaptation: Adaptation, target: State, *, adaptor: User, editor: User, title: str, body: str
) -> Adaptation:
    """Take a fresh adaptation to `target` through the real services, with this machine-draft text."""
    if target == State.QUEUED:
        return adaptation
    finish_draft(adaptation, title=title, body=body)
    steps = {
        State.DRAFT_READY: [],
        State.IN_ADAPTATION: [("claim", adaptor)],
        State.IN_REVIEW: [("claim", adaptor), ("submit", adaptor)],
        State.CHANGES_REQUESTED: [("claim", adaptor), ("submit", adaptor), ("request-changes", editor)],
        State.PUBLISHED: [("claim", adaptor), ("submit", adaptor), ("approve", editor)],
        State.SCHEDULED: [("claim", adaptor), ("submit", adaptor), ("approve", editor)],
        State.WITHDRAWN: [("claim", adaptor), ("submit", adaptor), ("withdraw", editor)],
    }[target]
    later = utcnow() + timedelta(days=2) if target == State.SCHEDULED else None
    for name, actor in steps:
        perform_action(
            db.session,
            actor,
            adaptation,
            name,
            comment="Tighten the lede.",
            publish_at=later if name == "approve" else None,
        )
    db.session.commit()
    assert adaptation.state == target.value
    return adaptation


def build_world() -> World:
    """People of each role and work in many states, mostly owned by someone else."""
    owner = make_user(Role.REPORTER, name="Owner Reporter")
    people = {role: make_user(ROLE_OF[role], name=f"Walk {role.title()}") for role in ROLE_OF}
    worker = make_user(Role.ADAPTOR, name="Other Adaptor")
    chief = make_user(Role.EDITOR, name="Other Editor")
    states = {
        "queued": State.QUEUED,
        "draft_ready": State.DRAFT_READY,
        "in_adaptation": State.IN_ADAPTATION,
        "in_review": State.IN_REVIEW,
        "changes_requested": State.CHANGES_REQUESTED,
        "scheduled": State.SCHEDULED,
        "withdrawn": State.WITHDRAWN,
        "published": State.PUBLISHED,
    }
    languages = dict(zip(states, ["en", "fr", "es", "de", "tr", "nl", "pt", "it"], strict=False))
    other = make_article(
        owner,
        title="Original headline zqxORIGOTHER",
        targets=list(languages.values()),
        section="World",
        tags=["walk"],
    )
    hidden = make_article(
        owner,
        title=secret("HIDDENORIGINAL"),
        body=secret("HIDDENBODY") + " نص.",
        section=secret("HIDDENSECTION"),
        tags=[secret("HIDDENTAG")],
        targets=["en"],
    )
    own = make_article(people[REPORTER], title="My own original zqxOWN", targets=["en", "fr"])
    world = World(owner=owner, people=people, worker=worker, other=other, hidden=hidden, own=own)
    by_language = {a.language: a for a in other.adaptations}
    for key, state in states.items():
        if key == "published":
            title, body = PUBLIC_TITLE, PUBLIC_BODY
        else:
            title, body = secret(f"{key.upper()}TITLE"), secret(f"{key.upper()}BODY") + " text."
            world.secrets[key] = title
            world.secrets[key + "_body"] = secret(f"{key.upper()}BODY")
        world.adaptations[key] = advance(
            by_language[languages[key]], state, adaptor=worker, editor=chief, title=title, body=body
        )
    own_by_language = {a.language: a for a in own.adaptations}
    world.adaptations["own_draft_ready"] = advance(
        own_by_language["en"],
        State.DRAFT_READY,
        adaptor=worker,
        editor=chief,
        title="Own draft zqxOWNDRAFT",
        body="Own.",
    )
    world.adaptations["own_in_review"] = advance(
        own_by_language["fr"],
        State.IN_REVIEW,
        adaptor=worker,
        editor=chief,
        title="Own review zqxOWNREVIEW",
        body="Own.",
    )
    hidden_adaptation = hidden.adaptations[0]
    world.adaptations["hidden"] = advance(
        hidden_adaptation,
        State.DRAFT_READY,
        adaptor=worker,
        editor=chief,
        title=secret("HIDDENDRAFT"),
        body=secret("HIDDENDRAFTBODY"),
    )
    world.secrets.update(
        hidden_title=secret("HIDDENORIGINAL"),
        hidden_body=secret("HIDDENBODY"),
        hidden_section=secret("HIDDENSECTION"),
        hidden_tag=secret("HIDDENTAG"),
        hidden_draft=secret("HIDDENDRAFT"),
        hidden_draft_body=secret("HIDDENDRAFTBODY"),
    )
    return world


@pytest.fixture()
def world(session) -> World:
    """The newsroom the access tests walk through."""
    return build_world()


class Person:
    """A test client logged in (through the real form) as one person, or as nobody, with a CSRF token."""

    def __init__(self, app: Flask, who: str, user: User | None) -> None:
        self.who, self.user = who, user
        self.client: FlaskClient = app.test_client()
        if user is not None:
            login(self.client, user)
        self._csrf: str | None = None
        self._bearer: dict[str, str] | None = None

    @property
    def csrf(self) -> str:
        """A CSRF token valid for this client's session."""
        if self._csrf is None:
            match = _CSRF_FIELD.search(self.client.get("/login").get_data(as_text=True))
            assert match, "the login page carries no csrf_token field"
            self._csrf = match.group(1)
        return self._csrf

    @property
    def bearer(self) -> dict[str, str]:
        """Authorization headers for this person's API token (none for nobody)."""
        if self.user is None:
            return {}
        if self._bearer is None:
            self._bearer = token_for(self.user)
        return self._bearer


_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture()
def people(app, world) -> dict[str, Person]:
    """A logged-in client for each role in the world, and one for nobody."""
    return {who: Person(app, who, world.people.get(who)) for who in WHO}


# --- what every response must carry --------------------------------------------------------------------


def csp_directives(value: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    return directives


def header_problems(response) -> list[str]:
    """What is wrong with a response's security headers (empty when nothing)."""
    problems = []
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        problems.append("no Content-Security-Policy")
    else:
        directives = csp_directives(csp)
        script_src = directives.get("script-src", directives.get("default-src"))
        if script_src is None:
            problems.append("CSP has neither script-src nor default-src")
        elif "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src or "*" in script_src:
            problems.append(f"CSP script-src allows inline or any script: {script_src}")
        if directives.get("frame-ancestors") != ["'none'"]:
            problems.append(f"CSP frame-ancestors is {directives.get('frame-ancestors')}, not 'none'")
        if directives.get("object-src") not in (["'none'"],):
            problems.append(f"CSP object-src is {directives.get('object-src')}, not 'none'")
    if response.headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    referrer = response.headers.get("Referrer-Policy", "").lower()
    if referrer not in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"):
        problems.append(f"Referrer-Policy is {referrer!r}")
    return problems


# --- reading pages for live script --------------------------------------------------------------------

#: Attributes whose value is loaded or followed as a URL.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"})
_JS_SCHEME = re.compile(r"^\s*(javascript|vbscript|data:text/html)", re.IGNORECASE)


class ScriptAudit(HTMLParser):
    """Collects what in a page would run script: script elements, on* attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []  #: {"type": …, "src": …, "text": …}
        self.handlers: list[str] = []  #: "<tag onx=…>"
        self.js_urls: list[str] = []
        self.elements: list[str] = []  #: every start tag, in order
        self._in_script: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value and _JS_SCHEME.match(value):
                self.js_urls.append(f"<{tag} {name}={value!r}>")
        if tag in ("script", "iframe", "object", "embed", "frame", "base"):
            values = dict(attrs)
            self._in_script = {
                "tag": tag,
                "type": (values.get("type") or "").lower(),
                "src": values.get("src"),
                "text": "",
            }
            self.scripts.append(self._in_script)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = None

    def handle_endtag(self, tag: str) -> None:
        if self._in_script is not None and tag == self._in_script["tag"]:
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._in_script["text"] += data


def live_script(html: str) -> list[str]:
    """Everything in `html` that a browser would run as script or that embeds other documents.

    Allowed: `<script src="/static/…">` with no inline text, and `<script type="application/ld+json">`
    whose text can neither close the element (`</script`) nor start markup (`<`).
    """
    audit = ScriptAudit()
    audit.feed(html)
    audit.close()
    found = [*audit.handlers, *audit.js_urls]
    for script in audit.scripts:
        if script["tag"] != "script":
            found.append(f"<{script['tag']}> element")
        elif script["type"] == "application/ld+json":
            if "</script" in script["text"].lower() or "<" in script["text"]:
                found.append(f"ld+json script holds markup: {script['text'][:200]!r}")
        elif not (script["src"] or "").startswith("/static/") or script["text"].strip():
            found.append(f"script element src={script['src']!r} text={script['text'][:200]!r}")
    return found
