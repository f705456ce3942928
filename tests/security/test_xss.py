"""Stored and reflected XSS: script payloads in every field people (and the translation engine) write,
rendered on every page that shows them, must never come out live.

"Live" is judged by parsing each page with html.parser, as a browser would tokenize it: no <script>
element but the static desk.js and JSON-LD (whose text can neither close the element nor start
markup), no element with an on* attribute, no javascript: URL, no frame/object/embed/base element.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import html5lib
import pytest
from markupsafe import escape

from tests.security.conftest import (
    ADAPTOR,
    ADMIN,
    ANON,
    EDITOR,
    REPORTER,
    Person,
    header_problems,
    live_script,
)
from tests.support.factories import make_user
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, Article, User
from workflow.services import drafts
from workflow.services.adaptations import perform_action, save_adaptation
from workflow.services.articles import revise_article, submit_article
from workflow.services.inputs import ArticleInput, Limits

#: A section name within its 80-character limit.
SECTION = 'zqxSECTION <svg onload=alert(1)> "><script>alert(1)</script>'
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '"><script>',
    "</script><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
]
ALL = " ".join(PAYLOADS)


def hostile_text(marker: str) -> str:
    """A one-line text: a marker word naming the field it was written into, then every payload."""
    return f"zqx{marker} {ALL}"


def hostile_body(marker: str) -> str:
    """A body: the marker word, then one payload per paragraph."""
    return "\n\n".join([f"zqx{marker}", *PAYLOADS])


@dataclass
class Hostile:
    """An original, its adaptations and the people around them, every text field holding payloads.

    Each field starts with its own marker word (`zqxOTITLE` for the original's title…), so a page
    can be checked to show the field at all: a field a page does not show proves nothing there.
    """

    people: dict[str, User]
    article: Article
    published: Adaptation  #: en: two review rounds, a late draft, approved and published
    in_review: Adaptation  #: fr: in review, the original revised since (a source-change diff)


def _draft(adaptation: Adaptation, label: str) -> None:
    """Run the adaptation's newest draft through the worker's services with payloads as MT output."""
    draft = adaptation.draft
    job = drafts.take_job(db.session, draft.id, f"xss-{draft.id}", lease_seconds=60)
    assert job is not None
    sources = [(i, i, f"zqx{label}SRC{i} {p}") for i, p in enumerate(PAYLOADS)]
    drafts.store_segments(db.session, job.draft_id, sources)
    drafts.store_translations(
        db.session, job.draft_id, {i: f"zqx{label}SEG{i} {p}" for i, p in enumerate(PAYLOADS)}
    )
    drafts.finish_draft(
        db.session,
        job.draft_id,
        title=hostile_text(f"{label}MTTITLE"),
        body=hostile_body(f"{label}MTBODY"),
        model="zqxMODEL <script>alert(1)</script>",
    )
    db.session.commit()
    db.session.refresh(adaptation)


def _save(actor: User, adaptation: Adaptation, marker: str) -> None:
    save_adaptation(
        db.session,
        actor,
        adaptation,
        title=hostile_text(marker + "TITLE"),
        body=hostile_body(marker + "BODY"),
        version=adaptation.version,
        limits=Limits(),
    )
    db.session.commit()


def build_hostile() -> Hostile:
    people = {
        REPORTER: make_user(Role.REPORTER, name="zqxNREP <script>alert(1)</script>"),
        ADAPTOR: make_user(Role.ADAPTOR, name="zqxNADA <img src=x onerror=alert(1)>"),
        EDITOR: make_user(Role.EDITOR, name='zqxNEDI <svg onload=alert(1)> "><script>'),
        ADMIN: make_user(Role.ADMIN, name="zqxNADM </script><script>alert(1)</script>"),
    }
    make_user(Role.ADAPTOR, name='zqxNOTHER <a href="javascript:alert(1)">x</a>')  # listed for reassignment
    reporter, adaptor, editor = people[REPORTER], people[ADAPTOR], people[EDITOR]
    data = ArticleInput.parse(
        {
            "title": hostile_text("OTITLE"),
            "body": hostile_body("OBODY"),
            "language": "ar",
            "section": SECTION,
            "tags": [f"zqxTAG{i} {p}" for i, p in enumerate(PAYLOADS[:6])],
            "targets": ["en", "fr"],
        },
        Limits(),
    )
    article = submit_article(db.session, reporter, data)
    db.session.commit()
    en, fr = sorted(article.adaptations, key=lambda a: a.language)
    for adaptation in (en, fr):
        label = adaptation.language.upper()
        _draft(adaptation, label)
        perform_action(db.session, adaptor, adaptation, "claim")
        _save(adaptor, adaptation, f"{label}ONE")
        perform_action(db.session, adaptor, adaptation, "submit")
        db.session.commit()
    perform_action(db.session, editor, en, "request-changes", comment=hostile_text("CHANGES"))
    perform_action(db.session, adaptor, en, "claim")
    db.session.commit()
    _save(adaptor, en, "ENTWO")
    perform_action(db.session, adaptor, en, "submit")
    db.session.commit()
    revise_article(
        db.session,
        reporter,
        article,
        {"title": hostile_text("RTITLE"), "body": hostile_body("RBODY")},
        Limits(),
        note=hostile_text("RNOTE"),
    )
    db.session.commit()
    _draft(en, "LATE")
    # The original changed during the round: the editor acknowledges it (with a note) before approving.
    perform_action(db.session, editor, en, "acknowledge-source", comment=hostile_text("ACKNOWLEDGE"))
    perform_action(db.session, editor, en, "approve", comment=hostile_text("APPROVE"))
    db.session.commit()
    assert en.state == State.PUBLISHED.value and fr.state == State.IN_REVIEW.value and fr.source_changed
    return Hostile(people=people, article=article, published=en, in_review=fr)


@pytest.fixture()
def hostile(session) -> Hostile:
    """The newsroom with payloads everywhere."""
    return build_hostile()


@pytest.fixture()
def visitors(app, hostile) -> dict[str, Person]:
    """Each role of the hostile newsroom logged in, and nobody."""
    return {
        who: Person(app, who, hostile.people.get(who)) for who in (ANON, REPORTER, ADAPTOR, EDITOR, ADMIN)
    }


def assert_inert(response, what: str, *, shows_payload: bool = True) -> str:
    """The page rendered, carries the headers, shows the payloads as text (when expected) and runs none."""
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 403, 404, 409), f"{what}: {response.status_code} {body[:300]}"
    assert not header_problems(response), f"{what}: {header_problems(response)}"
    assert response.mimetype == "text/html", what
    found = live_script(body)
    assert not found, f"{what} runs a payload: {found}"
    if shows_payload:
        assert "alert(1)" in body, (
            f"{what} does not show the stored text at all (so the check proves nothing)"
        )
        assert "&lt;script&gt;" in body or "&lt;img" in body or "&lt;svg" in body, (
            f"{what}: payload not escaped"
        )
    return body


SEGMENTS = [f"SRC{i}" for i in range(len(PAYLOADS))] + [f"SEG{i}" for i in range(len(PAYLOADS))]
TAGS = [f"TAG{i}" for i in range(6)]


def desk_pages(h: Hostile) -> list[tuple[str, str, list[str]]]:
    """(who, url, the fields it must show) for every page that shows people's or the engine's text."""
    a, en, fr = h.article.id, h.published.id, h.in_review.id
    return [
        (REPORTER, "/desk/reports", ["RTITLE", "SECTION", "NREP", "NADA"]),
        (REPORTER, f"/desk/reports/{a}", ["RTITLE", "RBODY", "RNOTE", "OTITLE", "SECTION", *TAGS, "NADA"]),
        (REPORTER, f"/desk/reports/{a}?revision=1", ["OTITLE", "OBODY", "RNOTE", "SECTION", *TAGS]),
        (REPORTER, "/desk/reports/new", ["NREP"]),
        (ADAPTOR, "/desk/queue", ["NADA"]),
        (ADAPTOR, "/desk/queue?state=all", ["RTITLE", "SECTION", "NREP", "NADA"]),
        (ADAPTOR, "/desk/mine", ["ENTWOTITLE", "FRONETITLE"]),
        (
            ADAPTOR,
            f"/desk/adaptations/{en}",
            [
                "ENTWOTITLE",
                "ENTWOBODY",
                "CHANGES",
                "APPROVE",
                "ACKNOWLEDGE",
                "RTITLE",
                "RBODY",
                "NEDI",
                *["LATE" + s for s in SEGMENTS],
            ],
        ),
        (
            ADAPTOR,
            f"/desk/adaptations/{fr}",
            ["FRONETITLE", "FRONEBODY", "OTITLE", "OBODY", "RTITLE", "RBODY", *["FR" + s for s in SEGMENTS]],
        ),
        (EDITOR, "/desk/review", ["FRONETITLE", "NADA"]),
        (EDITOR, "/desk/review?state=all", ["ENTWOTITLE", "FRONETITLE", "NADA"]),
        (
            EDITOR,
            f"/desk/review/{en}",
            [
                "ENONETITLE",
                "ENONEBODY",
                "ENTWOTITLE",
                "ENTWOBODY",
                "LATEMTTITLE",
                "LATEMTBODY",
                "CHANGES",
                "APPROVE",
                "ACKNOWLEDGE",
                "NREP",
                "NADA",
                "NEDI",
            ],
        ),
        (
            EDITOR,
            f"/desk/review/{fr}",
            ["FRONETITLE", "FRONEBODY", "FRMTTITLE", "FRMTBODY", "RTITLE", "RBODY", "OBODY", "NREP", "NADA"],
        ),
        (
            EDITOR,
            f"/desk/adaptations/{fr}",
            ["FRMTTITLE", "FRMTBODY", "FRONETITLE", *["FR" + s for s in SEGMENTS]],
        ),
        (EDITOR, f"/desk/adaptations/{en}", ["ENTWOTITLE", "CHANGES", "APPROVE"]),
        (ADMIN, "/admin/users", ["NREP", "NADA", "NEDI", "NADM", "NOTHER"]),
        (ADMIN, "/admin/models", ["NADM"]),
    ]


def test_desk_admin_and_api_show_stored_payloads_as_text(hostile, visitors):
    for who, url, fields in desk_pages(hostile):
        response = visitors[who].client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)
        body = assert_inert(response, f"{who} {url}")
        missing = [field for field in fields if f"zqx{field}" not in body]
        assert not missing, f"{who} {url} does not show {missing}: the test would prove nothing about them"
    _api_returns_payloads_unchanged_as_json(hostile, visitors)


def test_typed_and_reflected_payloads_stay_inert(hostile, visitors):
    """Refused forms echo what was typed (a stale save shows both texts), and query strings and paths
    are echoed in pages: all as text."""
    fr = hostile.in_review
    steps = [
        (
            EDITOR,
            f"/desk/adaptations/{fr.id}/save",
            {"title": hostile_text("TYPEDTITLE"), "body": hostile_body("TYPEDBODY"), "version": "1"},
            409,
        ),
        (EDITOR, f"/desk/adaptations/{fr.id}/actions/reject", {"origin": "review", "comment": ""}, 400),
        (
            EDITOR,
            f"/desk/adaptations/{fr.id}/actions/request-changes",
            {"origin": "review", "comment": ALL, "version": "1"},
            409,
        ),
        (
            REPORTER,
            "/desk/reports/new",
            {
                "title": ALL,
                "body": hostile_body("TYPED"),
                "section": SECTION,
                "tags": ", ".join(PAYLOADS),
                "language": "zz",
                "other_targets": PAYLOADS[1],
            },
            400,
        ),
        (
            REPORTER,
            f"/desk/reports/{hostile.article.id}/revise",
            {"title": "", "body": hostile_body("TYPED"), "note": ALL},
            400,
        ),
        (
            ADMIN,
            "/admin/users",
            {"username": "new-person", "display_name": PAYLOADS[1], "roles": "reporter", "password": "short"},
            400,
        ),
        (
            ADMIN,
            "/admin/users",
            {"username": PAYLOADS[0], "display_name": PAYLOADS[2], "password": "x" * 20},
            400,
        ),
    ]
    for who, url, form, status in steps:
        person = visitors[who]
        response = person.client.post(url, data={**form, "csrf_token": person.csrf})
        assert response.status_code == status, (
            who,
            url,
            response.status_code,
            response.get_data(as_text=True)[:300],
        )
        assert_inert(response, f"{who} POST {url}")
    _reflected_input_is_inert(hostile, visitors)


def test_public_pages_and_feed_show_stored_payloads_as_text(hostile, visitors):
    en = hostile.published
    assert "<" not in en.slug and "script" in en.slug  # the slug is made of the title's words
    anyone = visitors[ANON].client
    tag = quote(f"zqxTAG0 {PAYLOADS[0]}")
    pages = ["/news", f"/news/{en.id}/{en.slug}", f"/news?tag={tag}", f"/news?section={quote(SECTION)}"]
    for url in pages:
        response = anyone.get(url)
        assert response.status_code == 200, url
        body = assert_inert(response, url)
        missing = [f for f in ("ENTWOTITLE", "SECTION", "NREP", "NADA") if f"zqx{f}" not in body]
        assert not missing, f"{url} does not show {missing}"
    body = anyone.get(f"/news/{en.id}/{en.slug}").get_data(as_text=True)
    missing = [f for f in ("ENTWOBODY", "RTITLE", *TAGS, "NEDI") if f"zqx{f}" not in body]
    assert not missing, f"the published page does not show {missing}"
    for url in ("/news/feed.xml", f"/news/feed.xml?section={quote(SECTION)}&tag={tag}"):
        response = anyone.get(url)
        assert response.status_code == 200 and not header_problems(response)
        root = ET.fromstring(response.get_data())  # well-formed: no payload broke out of its element
        ns = "{http://www.w3.org/2005/Atom}"
        entries = root.findall(f"{ns}entry")
        assert entries, url
        assert entries[0].findtext(f"{ns}title") == en.title, "the feed's title is not the stored text"
        for element in root.iter():
            assert not element.tag.lower().endswith("script"), f"{url}: a <script> element"
            assert not [k for k in element.attrib if k.lower().startswith("on")], f"{url}: {element.attrib}"
            assert element.get("type") != "xhtml", f"{url}: {element.tag} carries inline markup"
            if element.get("type") == "html":
                # Escaped HTML a reader renders (the full text): paragraphs only, the payloads inside as text.
                fragment = html5lib.parseFragment(element.text or "", namespaceHTMLElements=False)
                tags = {e.tag for e in fragment.iter() if isinstance(e.tag, str)}
                assert tags <= {"DOCUMENT_FRAGMENT", "p"}, f"{url}: {element.tag} renders {tags}"
        names = {e.findtext(f"{ns}name") for e in root.iter(f"{ns}author")}
        assert hostile.people[REPORTER].display_name in names
    # The JSON-LD block can neither close its <script> element nor start markup, and it is not mangled.
    body = anyone.get(f"/news/{en.id}/{en.slug}").get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.DOTALL)
    assert len(blocks) == 1
    assert "<" not in blocks[0] and ">" not in blocks[0]
    data = json.loads(blocks[0])
    assert data["name"] == en.title and en.title.startswith(data["headline"].removesuffix("…"))
    assert data["author"]["name"] == hostile.people[REPORTER].display_name


def _api_returns_payloads_unchanged_as_json(hostile, visitors):
    """JSON is data, not markup: served as application/json with nosniff, and the text round-trips exactly."""
    editor = visitors[EDITOR]
    en, fr = hostile.published, hostile.in_review
    for url in (
        f"/api/v1/adaptations/{en.id}",
        f"/api/v1/adaptations/{fr.id}",
        f"/api/v1/articles/{hostile.article.id}",
        "/api/v1/published",
        "/api/v1/queue?state=in_review",
        "/api/v1/me",
    ):
        response = editor.client.get(url, headers=editor.bearer)
        assert response.status_code == 200, url
        assert response.mimetype == "application/json" and not header_problems(response), url
    shown = editor.client.get(f"/api/v1/adaptations/{fr.id}", headers=editor.bearer).json
    assert shown["title"] == fr.title == hostile_text("FRONETITLE")
    me = editor.client.get("/api/v1/me", headers=editor.bearer).json
    assert me["name"] == hostile.people[EDITOR].display_name


REFLECTED = [
    (ANON, "/login?next=" + "javascript:alert(1)"),
    (ANON, '/login?next=/"><script>alert(1)</script>'),
    (ANON, "/news?section=<script>alert(1)</script>"),
    (ANON, '/news?tag="><img src=x onerror=alert(1)>'),
    (ADAPTOR, '/desk/queue?state=<script>alert(1)</script>&language="><svg onload=alert(1)>'),
    (EDITOR, '/desk/review?state="><img src=x onerror=alert(1)>&language=<script>'),
    (REPORTER, "/desk/reports/{article}?revision=<script>alert(1)</script>"),
    (ANON, "/<script>alert(1)</script>"),
    (ANON, "/news/1/<script>alert(1)</script>"),
]


def _reflected_input_is_inert(hostile, visitors):
    for who, url in REFLECTED:
        response = visitors[who].client.get(url.format(article=hostile.article.id))
        if response.status_code in (301, 302):
            location = response.headers["Location"]
            assert not location.lower().startswith("javascript:") and "<" not in location, location
            continue
        assert_inert(response, f"{who} {url}", shows_payload=False)
    # An unknown action name, echoed in the error message.
    editor = visitors[EDITOR]
    response = editor.client.post(
        f"/desk/adaptations/{hostile.in_review.id}/actions/<script>alert(1)</script>",
        data={"csrf_token": editor.csrf},
    )
    assert response.status_code == 404
    assert_inert(response, "unknown desk action", shows_payload=False)
    api = editor.client.post(
        f"/api/v1/adaptations/{hostile.in_review.id}/actions/<script>alert(1)</script>", headers=editor.bearer
    )
    assert api.status_code == 404 and api.mimetype == "application/json"


#: The one place a script of ours puts markup in the page, and why: the editor swaps in the QA panel the server
#: rendered (Jinja, autoescaped, the same macro as the page) in the answer to its own save, parsed inside a
#: <template> (inert: no script runs) — never text people typed, which scripts set with textContent.
SERVER_RENDERED_MARKUP = {("editor.js", "holder.innerHTML = html.trim();")}


def test_static_scripts_never_write_markup():
    """Our scripts put people's text into the page as text only (no innerHTML and friends): no DOM XSS.

    static/vendor (Swagger UI on /api/docs) is a third party's bundle: it renders only the OpenAPI document."""
    static = Path(__file__).resolve().parents[2] / "workflow" / "static"
    scripts = [path for path in static.rglob("*.js") if "vendor" not in path.relative_to(static).parts]
    assert scripts
    sinks = re.compile(
        r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\s*\(|"
        r"new\s+Function\s*\(|setTimeout\s*\(\s*['\"`]|setInterval\s*\(\s*['\"`]|\.srcdoc\b|"
        r"createContextualFragment|DOMParser"
    )
    sinks_found = [
        (path.name, n, line.strip())
        for path in scripts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if sinks.search(line)
    ]
    found = [
        f"{name}:{n}: {line}" for name, n, line in sinks_found if (name, line) not in SERVER_RENDERED_MARKUP
    ]
    assert not found, found
    listed = {(name, line) for name, _n, line in sinks_found}
    assert listed >= SERVER_RENDERED_MARKUP, "SERVER_RENDERED_MARKUP names a line no script has any more"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_page_reader_catches_each_payload_left_unescaped(payload):
    """The checks above can fail: each payload, pasted raw where templates put text, is caught; escaped, it is not."""
    contexts = [
        "<p>{}</p>",
        '<input value="{}">',
        "<input value='{}'>",
        '<a href="{}">x</a>',
        '<script type="application/ld+json">{{"headline": "{}"}}</script>',
    ]
    assert any(live_script(c.format(payload)) for c in contexts), payload
    escaped = escape(payload)
    assert not [c for c in contexts[:3] if live_script(c.format(escaped))], payload
