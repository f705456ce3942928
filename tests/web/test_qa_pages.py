"""The QA panel on the desk: shown after a save, a refused submission that says why and keeps the text,
and editors overriding findings with a reason on the review page."""

from __future__ import annotations

from tests.support.factories import drive, make_article
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation

SOURCE_BODY = "قتل ٢٤ شخصاً في انفجار وقع في ١٥ حزيران قرب الميناء."
#: Leaves out the 24: one blocking error.
FLAWED = {"title": "Blast near the port", "body": "Several people died in a blast near the port on June 15."}


def _held(app):
    """An adaptation held by a logged-in adaptor, its original about a blast: (client, adaptor, adaptation)."""
    client, adaptor = person_client(app, Role.ADAPTOR)
    article = make_article(title="انفجار قرب الميناء", body=SOURCE_BODY)
    return client, adaptor, drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)


def _save(client, adaptation: Adaptation, text: dict) -> None:
    url = f"/desk/adaptations/{adaptation.id}"
    page = post(client, f"{url}/save", {**text, "version": get(client, url).field("version")})
    assert location(page) == url


def _findings(page) -> list[str]:
    return [
        " ".join(li.text.split()) for li in page.find("section", id="qa").find_all("li", class_="qa-finding")
    ]


def test_the_editor_page_shows_the_qa_panel_after_a_save(app, session):
    client, _adaptor, adaptation = _held(app)
    _save(client, adaptation, FLAWED)
    page = get(client, f"/desk/adaptations/{adaptation.id}")
    panel = page.find("section", id="qa")
    assert panel.find("h3", id="qa-h").text == "QA checks"
    assert "1 error blocks submission (numbers)" in " ".join(panel.text.split())
    [finding] = [f for f in _findings(page) if f.startswith("Numbers")]
    assert "blocks submission" in finding and "٢٤ (24)" in finding
    message = panel.find("p", class_="qa-message")
    # The message is in the interface language (its numbers and names as written): no lang of its own.
    assert message.get("lang") is None and message.get("dir") == "auto"
    assert not panel.find_all("form") and not panel.find_all("a"), "adaptors get no override form nor link"


def test_a_refused_submission_names_the_checks_says_an_editor_can_override_and_keeps_the_text(app, session):
    client, _adaptor, adaptation = _held(app)
    _save(client, adaptation, FLAWED)
    url = f"/desk/adaptations/{adaptation.id}"
    version = get(client, url).field("version")
    page = post(client, f"{url}/actions/submit", {**FLAWED, "version": version, "origin": "edit"})
    assert page.status == 409
    assert "Not submitted: 1 QA error blocks it (numbers)" in page.alert()
    assert "ask an editor to override" in page.alert() and "Your saved text is kept" in page.alert()
    assert (page.field("title"), page.field("body")) == (FLAWED["title"], FLAWED["body"])
    assert any(f.startswith("Numbers") for f in _findings(page))
    db.session.expire_all()
    assert db.session.get(Adaptation, adaptation.id).state == State.IN_ADAPTATION.value


def test_an_editor_overrides_on_the_review_page_and_the_submission_goes_through(app, session):
    client, _adaptor, adaptation = _held(app)
    _save(client, adaptation, FLAWED)
    editor_client, _editor = person_client(app, Role.EDITOR, name="Rima Haddad")
    in_editor = get(editor_client, f"/desk/adaptations/{adaptation.id}").find("section", id="qa")
    assert in_editor.find("a").get("href") == f"/desk/review/{adaptation.id}#qa"
    review = get(editor_client, f"/desk/review/{adaptation.id}")
    form = review.find("section", id="qa").find("form", class_="qa-override")
    assert form.get("action") == f"/desk/adaptations/{adaptation.id}/qa/override"
    hidden = {n.get("name"): n.get("value") for n in form.find_all("input", type="hidden")}
    assert (hidden["check"], hidden["key"]) == ("numbers", "24")
    label = form.find("label")
    assert form.find("textarea", id=label.get("for")).get("name") == "reason"

    refused = post(
        editor_client,
        f"/desk/adaptations/{adaptation.id}/qa/override",
        {"check": "numbers", "key": "24", "reason": ""},
    )
    assert refused.status == 400 and "Give a reason" in refused.alert()
    assert refused.find("section", id="qa").find("textarea", name="reason").get("aria-invalid") == "true"

    done = post(
        editor_client,
        f"/desk/adaptations/{adaptation.id}/qa/override",
        {"check": "numbers", "key": "24", "reason": "The toll is disputed; the text says several."},
    )
    assert location(done) == f"/desk/review/{adaptation.id}#qa"
    review = get(editor_client, f"/desk/review/{adaptation.id}")
    assert "Overridden:" in review.flashes()
    [finding] = [f for f in _findings(review) if f.startswith("Numbers")]
    assert "overridden" in finding and "Rima Haddad" in finding and "The toll is disputed" in finding
    assert "Nothing blocks submission." in review.find("section", id="qa").text

    url = f"/desk/adaptations/{adaptation.id}"
    page = post(
        client,
        f"{url}/actions/submit",
        {**FLAWED, "version": get(client, url).field("version"), "origin": "edit"},
    )
    assert location(page) == "/desk/mine"
    thread = get(client, url).find("ol", class_="thread").text
    assert "The toll is disputed" in thread


def test_only_editors_may_post_an_override(app, session):
    client, _adaptor, adaptation = _held(app)
    _save(client, adaptation, FLAWED)
    page = post(
        client,
        f"/desk/adaptations/{adaptation.id}/qa/override",
        {"check": "numbers", "key": "24", "reason": "I am sure."},
    )
    assert page.status == 403
    assert (
        get(client, f"/desk/adaptations/{adaptation.id}")
        .find("section", id="qa")
        .find_all("span", class_="qa-badge-error")
    )


def test_an_override_of_a_finding_that_is_gone_says_so_on_the_review_page(app, session):
    _client, _adaptor, adaptation = _held(app)
    editor_client, _editor = person_client(app, Role.EDITOR)
    page = post(
        editor_client,
        f"/desk/adaptations/{adaptation.id}/qa/override",
        {"check": "numbers", "key": "99", "reason": "Old page."},
    )
    assert page.status == 409 and "no finding '99'" in page.alert()
