"""Who may open which desk page, CSRF on every form, escaping of people's text, and the CSP-safe markup."""

from __future__ import annotations

import re

import pytest

from tests.support.factories import drive, login, make_article, make_user
from tests.web.test_desk_support import Page, get, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.services.adaptations import perform_action

XSS = "<script>alert(1)</script>"


@pytest.fixture()
def work(session):
    """One report whose English adaptation is in review (adaptor and editor known), and its reporter."""
    reporter = make_user(Role.REPORTER)
    adaptor = make_user(Role.ADAPTOR)
    article = make_article(reporter)
    adaptation = drive(article.adaptations[0], State.IN_REVIEW, adaptor=adaptor)
    return {"reporter": reporter, "adaptor": adaptor, "article": article, "adaptation": adaptation}


PAGES = {
    "my reports": ("/desk/reports", {Role.REPORTER}),
    "new report": ("/desk/reports/new", {Role.REPORTER}),
    "report": ("/desk/reports/{article}", {Role.REPORTER}),
    "queue": ("/desk/queue", {Role.ADAPTOR}),
    "my adaptations": ("/desk/mine", {Role.ADAPTOR}),
    "adaptation editor": ("/desk/adaptations/{adaptation}", {Role.ADAPTOR, Role.EDITOR}),
    "review queue": ("/desk/review", {Role.EDITOR}),
    "review": ("/desk/review/{adaptation}", {Role.EDITOR}),
}


def _url(name: str, work: dict) -> str:
    return PAGES[name][0].format(article=work["article"].id, adaptation=work["adaptation"].id)


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, work, name):
    response = client.get(_url(name, work))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.EDITOR, Role.ADMIN])
def test_each_page_opens_for_its_roles_only(app, work, name, role):
    allowed = PAGES[name][1]
    if role == Role.REPORTER:  # the report's own reporter, so the report page is theirs to see
        client = app.test_client()
        login(client, work["reporter"])
    else:
        client, _ = person_client(app, role)
    page = get(client, _url(name, work))
    if role in allowed:
        assert page.status == 200, page.alert()
        assert page.find("h1") is not None
    else:
        assert page.status == 403
        assert "Your role does not give access to this page" in page.alert()


def test_another_reporters_report_is_not_found(app, work):
    client, _ = person_client(app, Role.REPORTER)
    assert get(client, f"/desk/reports/{work['article'].id}").status == 404


@pytest.mark.parametrize(
    "url",
    [
        "/desk/reports/new",
        "/desk/reports/{article}/revise",
        "/desk/adaptations/{adaptation}/save",
        "/desk/adaptations/{adaptation}/actions/acknowledge-source",
        "/desk/adaptations/{adaptation}/actions/withdraw",
    ],
)
def test_anonymous_posts_are_sent_to_login(client, work, url):
    page = post(client, url.format(article=work["article"].id, adaptation=work["adaptation"].id))
    assert page.status == 302 and page.response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "url",
    [
        "/desk/reports/new",
        "/desk/reports/{article}/revise",
        "/desk/adaptations/{adaptation}/save",
        "/desk/adaptations/{adaptation}/actions/withdraw",
    ],
)
def test_a_post_without_csrf_token_is_refused(app, work, url):
    client = app.test_client()
    login(client, work["reporter"])
    before = work["adaptation"].state
    response = client.post(
        url.format(article=work["article"].id, adaptation=work["adaptation"].id),
        data={"title": "x", "body": "y", "language": "ar", "origin": "report"},
    )
    assert response.status_code == 400
    assert "form expired or was not sent from this site" in Page(response).alert()
    db.session.expire_all()
    assert work["adaptation"].state == before


def _assert_safe_markup(page: Page) -> None:
    """No inline script, no inline style, no event-handler attributes: the CSP would block them."""
    for script in page.find_all("script"):
        assert script.get("src") and not script.text.strip()
    assert page.find_all("style") == []
    for node in page.root.iter():
        assert "style" not in node.attrs, node.tag
        assert not any(name.startswith("on") for name in node.attrs), node.tag


def _assert_user_text_marked(page: Page, marker: str) -> None:
    """Every element holding the marked text carries lang and dir."""
    holders = [
        n
        for n in page.root.iter()
        if marker in n.own_text or (n.tag in ("input", "textarea") and marker in (n.get("value") or n.text))
    ]
    assert holders, "the text is not on the page"
    for node in holders:
        assert node.has("lang") and node.get("dir") in ("ltr", "rtl", "auto"), (node.tag, node.attrs)


def test_markup_is_escaped_on_every_desk_page(app, session):
    reporter_client, reporter = person_client(app, Role.REPORTER, name=f"Reporter {XSS}")
    adaptor_client, adaptor = person_client(app, Role.ADAPTOR, name=f"Adaptor {XSS}")
    editor_client, editor = person_client(app, Role.EDITOR)
    article = make_article(
        reporter,
        title=f"Title {XSS}",
        body=f"Body {XSS}\n\nSecond <b>bold</b>",
        section=f"Sec {XSS}",
        tags=[f"tag {XSS}"],
    )
    in_review = drive(article.adaptations[0], State.IN_REVIEW, adaptor=adaptor, editor=editor)
    in_review.title, in_review.body = f"Adapted {XSS}", f"Adapted body {XSS}"
    other = make_article(reporter, title=f"Queued {XSS}", targets=["en"]).adaptations[0]
    perform_action(db.session, editor, in_review, "request-changes", comment=f"Comment {XSS}")
    perform_action(db.session, adaptor, in_review, "claim")
    perform_action(db.session, adaptor, in_review, "submit")
    db.session.commit()

    pages = [
        (reporter_client, "/desk/reports"),
        (reporter_client, f"/desk/reports/{article.id}"),
        (reporter_client, f"/desk/reports/{article.id}?revision=1"),
        (adaptor_client, "/desk/queue"),
        (adaptor_client, "/desk/queue?state=all"),
        (adaptor_client, "/desk/mine"),
        (adaptor_client, f"/desk/adaptations/{in_review.id}"),
        (adaptor_client, f"/desk/adaptations/{other.id}"),
        (editor_client, "/desk/review"),
        (editor_client, "/desk/review?state=all"),
        (editor_client, f"/desk/review/{in_review.id}"),
        (editor_client, f"/desk/adaptations/{in_review.id}"),
    ]
    for client, url in pages:
        page = get(client, url)
        assert page.status == 200, url
        assert XSS not in page.html and "<b>bold</b>" not in page.html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.html, url
        # only desk.js and live.js, and editor.js on the workbench
        scripts = re.findall(r"<script\b[^>]*>", page.html)
        assert scripts and all(
            re.fullmatch(r'<script src="/static/js/(desk|editor|live)\.js" defer>', s) for s in scripts
        ), url
        assert len(scripts) == len(set(scripts)), url
        _assert_safe_markup(page)
        _assert_user_text_marked(page, XSS)


def test_refusals_re_render_the_page_in_words_not_a_bare_error(app, work):
    """An adaptor claiming what another adaptor holds is told who holds it, on the queue page."""
    adaptation = work["adaptation"]
    sent_back = drive(
        make_article(work["reporter"]).adaptations[0], State.CHANGES_REQUESTED, adaptor=work["adaptor"]
    )
    client, _ = person_client(app, Role.ADAPTOR)
    page = post(client, f"/desk/adaptations/{sent_back.id}/actions/claim", {"origin": "queue"})
    assert page.status == 409
    assert page.find("h1").text == "Queue"
    assert f"held by {work['adaptor'].display_name}" in page.alert()
    page = post(client, f"/desk/adaptations/{adaptation.id}/actions/withdraw", {"origin": "edit"})
    assert page.status == 403
    assert "Only editors or reporters may withdraw" in page.alert()
    assert page.find("h1").text.startswith(f"Adaptation #{adaptation.id}")
