"""The reporter's pages: the list of reports, the new-report form, a report with its revisions."""

from __future__ import annotations

from tests.support.factories import ARABIC_BODY, ARABIC_TITLE, drive, make_article
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Article


def test_my_reports_lists_own_reports_newest_first_with_each_adaptation(app, session):
    client, reporter = person_client(app, Role.REPORTER)
    older = make_article(reporter, title="Older report", targets=["en", "fr"])
    newer = make_article(reporter, title="Newer report")
    make_article(title="Someone else's report")
    drive(older.adaptations[0], State.IN_ADAPTATION)

    page = get(client, "/desk/reports")
    titles = [h.text for h in page.find_all("h2", class_="card-title")]
    assert titles == ["Newer report", "Older report"]
    card = page.find_all("article", class_="card")[1]
    rows = card.find("tbody").find_all("tr")
    assert ["English" in rows[0].text, "French" in rows[1].text] == [True, True]
    assert rows[0].find(data_state_for=str(older.adaptations[0].id)).text == "in adaptation"
    assert older.adaptations[0].holder.display_name in rows[0].text
    progress = rows[0].find("progress")
    assert (progress.get("value"), progress.get("max")) == ("2", "2")  # the draft is ready: both segments
    assert rows[1].find(data_poll_adaptation=str(older.adaptations[1].id)) is not None
    assert newer.id != older.id


def test_new_report_refusal_keeps_everything_typed(app, session):
    client, _ = person_client(app, Role.REPORTER)
    typed = {
        "title": "",
        "body": ARABIC_BODY,
        "language": "ar",
        "section": "Economy",
        "tags": "Oil, Gulf",
        "targets": ["en", "fr"],
        "other_targets": "de",
    }
    page = post(client, "/desk/reports/new", typed)
    assert page.status == 400
    assert "The field 'title' is required." in page.alert() or "The title must not be empty." in page.alert()
    assert page.find("input", name="title").get("aria-invalid") == "true"
    assert page.field("body").replace("\r\n", "\n") == ARABIC_BODY
    assert page.field("section") == "Economy" and page.field("tags") == "Oil, Gulf"
    assert page.field("other_targets") == "de"
    assert page.find("input", name="targets", value="fr").has("checked")
    assert page.find("option", value="ar").has("selected")

    page = post(client, "/desk/reports/new", {**typed, "title": ARABIC_TITLE, "other_targets": "xx"})
    assert page.status == 400
    assert "'xx' is not an ISO 639-1 language code" in page.alert()
    assert page.field("title") == ARABIC_TITLE

    page = post(
        client, "/desk/reports/new", {**typed, "title": ARABIC_TITLE, "targets": ["ar"], "other_targets": ""}
    )
    assert page.status == 400 and "already in Arabic" in page.alert()


def test_new_report_with_several_targets(app, session):
    client, _reporter = person_client(app, Role.REPORTER)
    page = post(
        client,
        "/desk/reports/new",
        {
            "title": "Élections",
            "body": "Le texte.\n\nSuite.",
            "language": "fr",
            "section": "Politics",
            "tags": "",
            "targets": ["en", "ar"],
            "other_targets": "es, de",
        },
    )
    article = db.session.get(Article, int(location(page).rsplit("/", 1)[1]))
    assert [a.language for a in article.adaptations] == ["en", "ar", "es", "de"]
    assert article.latest.body == "Le texte.\n\nSuite."
    page = get(client, f"/desk/reports/{article.id}")
    assert page.find("h1").get("dir") == "ltr"
    assert [p.text for p in page.find("div", class_="body-text").find_all("p")] == ["Le texte.", "Suite."]


def test_revisions_are_listed_and_readable_and_a_no_op_revision_is_explained(app, session):
    client, reporter = person_client(app, Role.REPORTER)
    article = make_article(reporter, title="First title", body="First body.", language="en", targets=["ar"])
    url = f"/desk/reports/{article.id}"
    page = post(client, f"{url}/revise", {"title": "First title", "body": "First body.", "note": ""})
    assert page.status == 400 and "Nothing changed" in page.alert()
    page = post(
        client, f"{url}/revise", {"title": "Second title", "body": "Second body.", "note": "Fixed the date"}
    )
    assert location(page) == url

    page = get(client, url)
    assert page.find("h1").text == "Second title"
    items = page.find("ol", class_="revisions").find_all("li")
    assert [i.find("a").text for i in items] == ["Revision 2", "Revision 1"]
    assert "Fixed the date" in items[0].text
    assert page.field("title") == "Second title"

    old = get(client, f"{url}?revision=1")
    assert old.find("h1").text == "First title"
    assert "You are reading revision 1" in old.text


def test_reporter_withdraws_an_adaptation_and_revises_after_publication(app, session):
    client, reporter = person_client(app, Role.REPORTER)
    article = make_article(reporter, targets=["en", "fr"])
    english, french = article.adaptations
    url = f"/desk/reports/{article.id}"

    page = get(client, url)
    assert page.find("form", action=f"/desk/adaptations/{french.id}/actions/withdraw").has("data-confirm")
    page = post(client, f"/desk/adaptations/{french.id}/actions/withdraw", {"origin": "report"})
    assert location(page) == url
    page = get(client, url)
    assert "Withdrawn" in page.flashes()
    assert page.find(data_state_for=str(french.id)).text == "withdrawn"
    assert page.find_all("form", action=f"/desk/adaptations/{french.id}/actions/withdraw") == []

    page = post(client, f"/desk/adaptations/{french.id}/actions/withdraw", {"origin": "report"})
    assert page.status == 409 and "Cannot withdraw: the adaptation is withdrawn" in page.alert()

    drive(english, State.PUBLISHED)
    page = get(client, url)
    assert "editors are told the original was revised after publication" in page.text
    page = post(client, f"{url}/revise", {"title": "Late change", "body": "A correction."})
    assert location(page) == url
    db.session.refresh(english)
    assert english.state == "published" and english.source_changed
