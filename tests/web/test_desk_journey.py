"""The whole newsroom journey through the desk pages: report → draft → adaptation → review → published."""

from __future__ import annotations

from tests.support.factories import ARABIC_BODY, ARABIC_TITLE, finish_draft
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, Article


def test_report_to_publication_through_the_pages(app, session):
    reporter_client, reporter = person_client(app, Role.REPORTER, name="Ahmad Abdallah")
    adaptor_client, adaptor = person_client(app, Role.ADAPTOR, name="Nadine Sassine")
    editor_client, _editor = person_client(app, Role.EDITOR, name="Rima Haddad")

    # The reporter submits an Arabic report through the form.
    form = get(reporter_client, "/desk/reports/new")
    assert form.status == 200
    assert form.find("select", name="language").find("option", value="ar").has("selected")
    assert form.find("input", name="targets", value="en").has("checked")
    page = post(
        reporter_client,
        "/desk/reports/new",
        {
            "title": ARABIC_TITLE,
            "body": ARABIC_BODY,
            "language": "ar",
            "section": "News Bulletin Reports",
            "tags": "Russia, North Korea",
            "targets": "en",
        },
    )
    report_url = location(page)
    article = db.session.get(Article, int(report_url.rsplit("/", 1)[1]))
    assert article.reporter_id == reporter.id and article.tags == ["Russia", "North Korea"]
    adaptation = article.adaptations[0]
    assert adaptation.language == "en" and adaptation.state == State.QUEUED.value

    report = get(reporter_client, report_url)
    assert "Report submitted" in report.flashes()
    heading = report.find("h1")
    assert (heading.get("lang"), heading.get("dir"), heading.text) == ("ar", "rtl", ARABIC_TITLE)
    assert report.find(data_state_for=str(adaptation.id)).text == "queued"
    listing = get(reporter_client, "/desk/reports")
    progress = listing.find(data_poll_adaptation=str(adaptation.id))
    assert progress.get("data-poll-url") == f"/api/v1/adaptations/{adaptation.id}/progress"
    assert progress.find("progress") is not None

    # The worker finishes the machine draft.
    finish_draft(adaptation)
    db.session.commit()

    # The adaptor claims it from the queue and opens the editor.
    queue = get(adaptor_client, "/desk/queue")
    row_link = queue.find("a", href=f"/desk/adaptations/{adaptation.id}")
    assert row_link.text == ARABIC_TITLE and row_link.get("dir") == "rtl"
    claim_form = queue.find("form", action=f"/desk/adaptations/{adaptation.id}/actions/claim")
    assert claim_form.find("button").text == "Claim"
    editor_url = location(
        post(adaptor_client, f"/desk/adaptations/{adaptation.id}/actions/claim", {"origin": "queue"})
    )
    assert editor_url == f"/desk/adaptations/{adaptation.id}"
    assert adaptation.holder_id == adaptor.id and adaptation.state == State.IN_ADAPTATION.value

    page = get(adaptor_client, editor_url)
    original = page.find("section", class_="panel-source")
    title = original.find("h3")
    assert (title.get("lang"), title.get("dir"), title.text) == ("ar", "rtl", ARABIC_TITLE)
    assert original.find("div", class_="body-text").get("dir") == "rtl"
    assert "Pyongyang welcomed Putin." in page.find("section", class_="panel-draft").text
    assert page.field("title") == "Putin's historic visit"
    assert page.find("textarea", name="body").get("lang") == "en"
    version = page.field("version")

    # Saves, then submits for review.
    page = post(
        adaptor_client,
        f"/desk/adaptations/{adaptation.id}/save",
        {
            "title": "Putin's historic visit to Pyongyang",
            "body": "Pyongyang welcomed Putin with Russian flags.\n\nA new partnership was signed.",
            "version": version,
        },
    )
    assert location(page) == editor_url
    page = get(adaptor_client, editor_url)
    assert "Saved" in page.flashes()
    assert page.field("title") == "Putin's historic visit to Pyongyang"
    page = post(
        adaptor_client,
        f"/desk/adaptations/{adaptation.id}/actions/submit",
        {
            "origin": "edit",
            "title": page.field("title"),
            "body": page.field("body"),
            "version": page.field("version"),
        },
    )
    assert location(page) == "/desk/mine"
    assert adaptation.state == State.IN_REVIEW.value

    # The editor asks for changes: without a comment the page says so, with one it goes back.
    review_queue = get(editor_client, "/desk/review")
    assert review_queue.find("a", href=f"/desk/review/{adaptation.id}") is not None
    review_url = f"/desk/review/{adaptation.id}"
    review = get(editor_client, review_url)
    assert review.status == 200
    assert review.find("section", class_="panel-source").find("h3").get("dir") == "rtl"
    mt_section = review.find("h2", id="diff-mt-h").parent
    assert "Russian flags." in " ".join(n.text for n in mt_section.find_all("ins"))
    version = (
        review.find("form", class_="decision-request-changes").find("input", name="version").get("value")
    )
    page = post(
        editor_client,
        f"/desk/adaptations/{adaptation.id}/actions/request-changes",
        {"origin": "review", "version": version, "comment": ""},
    )
    assert page.status == 400
    assert "A comment saying what to change is required" in page.alert()
    assert adaptation.state == State.IN_REVIEW.value
    page = post(
        editor_client,
        f"/desk/adaptations/{adaptation.id}/actions/request-changes",
        {"origin": "review", "version": version, "comment": "Name the agreement in the lede."},
    )
    assert location(page) == "/desk/review"
    assert adaptation.state == State.CHANGES_REQUESTED.value

    # The adaptor sees the comment and, still holding it, revises and resubmits at once (no claim again).
    page = get(adaptor_client, editor_url)
    thread = page.find("ol", class_="thread")
    assert "Name the agreement in the lede." in thread.text and "Rima Haddad" in thread.text
    assert page.find_all("form", action=f"/desk/adaptations/{adaptation.id}/actions/claim") == []
    assert adaptation.holder_id == adaptor.id and adaptation.state == "changes_requested"
    revised = (
        "Pyongyang welcomed Putin with Russian flags.\n\n"
        "A comprehensive strategic partnership agreement was signed."
    )
    location(
        post(
            adaptor_client,
            f"/desk/adaptations/{adaptation.id}/save",
            {"title": page.field("title"), "body": revised, "version": page.field("version")},
        )
    )
    page = get(adaptor_client, editor_url)
    location(
        post(
            adaptor_client,
            f"/desk/adaptations/{adaptation.id}/actions/submit",
            {
                "origin": "edit",
                "title": page.field("title"),
                "body": page.field("body"),
                "version": page.field("version"),
            },
        )
    )
    assert adaptation.state == State.IN_REVIEW.value and len(adaptation.rounds) == 2

    # The editor sees what changed since round 1 and approves the version seen.
    review = get(editor_client, review_url)
    round_section = review.find("h2", id="diff-round-h").parent
    assert "comprehensive strategic" in " ".join(n.text for n in round_section.find_all("ins"))
    version = review.find("form", class_="decision-approve").find("input", name="version").get("value")
    page = post(
        editor_client,
        f"/desk/adaptations/{adaptation.id}/actions/approve",
        {"origin": "review", "version": version, "publish_at": ""},
    )
    assert location(page) == "/desk/review"
    assert "Approved and published" in get(editor_client, "/desk/review").flashes()
    assert db.session.get(Adaptation, adaptation.id).state == State.PUBLISHED.value

    # The reporter sees it published; a revision now would flag it for the editors.
    report = get(reporter_client, report_url)
    assert report.find(data_state_for=str(adaptation.id)).text == "published"
    assert "editors are told the original was revised after publication" in report.text
