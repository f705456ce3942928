"""Stories change, through the pages: decisions name the version read, corrections reach the public page,
its JSON-LD and the feed, unpublished stories are gone (410), and a report form makes one original."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.support.factories import drive, make_article, make_user
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Article
from workflow.services import queries
from workflow.services.adaptations import perform_action, save_adaptation
from workflow.services.articles import revise_article
from workflow.services.inputs import Limits

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
ATOM = {"a": "http://www.w3.org/2005/Atom"}
CORRECTED = "Pyongyang welcomed Putin.\n\nA comprehensive strategic partnership was signed."


def in_review(app, *, editor=None):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = drive(make_article().adaptations[0], State.IN_REVIEW, adaptor=adaptor, editor=editor)
    return adaptation, adaptor


def story_url(adaptation) -> str:
    return f"/news/{adaptation.id}/{adaptation.slug}"


def test_a_review_form_without_the_version_read_or_with_a_stale_one_publishes_nothing(app, session):
    client, _editor = person_client(app, Role.EDITOR)
    adaptation, _adaptor = in_review(app)
    url = f"/desk/adaptations/{adaptation.id}/actions/approve"
    review = get(client, f"/desk/review/{adaptation.id}")
    form = review.find("form", action=url)
    assert form.find("input", name="version").attrs["value"] == str(adaptation.version)

    page = post(client, url, {"origin": "review"})
    assert page.status == 400 and "version" in page.alert()
    # The adaptation changed after the editor opened it: the approval names the version they read.
    read = adaptation.version
    save_adaptation(
        db.session,
        make_user(Role.EDITOR),
        adaptation,
        title="Changed behind the editor's back",
        body=adaptation.body,
        version=read,
        limits=Limits(),
    )
    db.session.commit()
    page = post(client, url, {"origin": "review", "version": str(read)})
    assert page.status == 409 and "changed since you opened it" in page.alert()
    db.session.refresh(adaptation)
    assert adaptation.state == "in_review" and adaptation.versions == []


def test_a_far_future_or_past_publish_time_on_the_form_is_refused_naming_the_field(app, session):
    client, _editor = person_client(app, Role.EDITOR)
    adaptation, _ = in_review(app)
    url = f"/desk/adaptations/{adaptation.id}/actions/approve"
    for when in ("9999-12-31T23:59", "2001-01-01T09:00"):
        page = post(client, url, {"origin": "review", "version": adaptation.version, "publish_at": when})
        assert page.status == 400 and "publish_at" in page.alert(), page.alert()
        assert page.find("input", name="publish_at").attrs["value"] == when  # what was typed is kept
    db.session.refresh(adaptation)
    assert adaptation.state == "in_review"


def test_the_review_queue_puts_held_and_revised_stories_first(app, session):
    client, _editor = person_client(app, Role.EDITOR)
    article = make_article(targets=["en", "fr"])
    scheduled = drive(article.adaptations[0], State.SCHEDULED, editor=make_user(Role.EDITOR))
    published = drive(article.adaptations[1], State.PUBLISHED, editor=make_user(Role.EDITOR))
    page = get(client, "/desk/review")
    assert page.find_all("section", class_="held-for-source") == []
    revise_article(db.session, article.reporter, article, {"body": "نص مصحح."}, Limits())
    db.session.commit()
    page = get(client, "/desk/review")
    held = page.find("section", class_="held-for-source")
    assert held.find("a", href=f"/desk/review/{scheduled.id}") and "revision 1 → 2" in held.text
    revised = page.find("section", class_="revised-after-publication")
    assert "Original revised after publication" in revised.text
    assert revised.find("a", href=f"/desk/review/{published.id}")


def test_the_review_shows_the_source_changed_during_the_round(app, session):
    client, _editor = person_client(app, Role.EDITOR)
    adaptor = make_user(Role.ADAPTOR)
    article = make_article(body="زار الوزير الميناء يوم الاثنين.")
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    revise_article(
        db.session, article.reporter, article, {"body": "زار الوزير المطار يوم الثلاثاء."}, Limits()
    )
    perform_action(db.session, adaptor, adaptation, "acknowledge-source", comment="Place and day fixed.")
    perform_action(db.session, adaptor, adaptation, "submit")
    db.session.commit()
    section = get(client, f"/desk/review/{adaptation.id}").find(
        "section", class_="source-changed-during-round"
    )
    assert "took revision 2 into account" in section.text and "Place and day fixed." in section.text
    assert "المطار" in " ".join(n.text for n in section.find_all("ins"))


def test_a_correction_through_the_pages_reaches_the_public_page_its_json_ld_and_the_feed(
    app, session, client
):
    editor_client, _editor = person_client(app, Role.EDITOR, name="Rima Haddad")
    adaptor_client, adaptor = person_client(app, Role.ADAPTOR)
    story = drive(
        make_article().adaptations[0], State.PUBLISHED, adaptor=adaptor, editor=make_user(Role.EDITOR)
    )
    first_paragraph = story.body.split("\n\n")[-1]
    before = client.get(story_url(story)).get_data(as_text=True)
    assert "Updated" not in before and "Corrections" not in before
    feed_before = ET.fromstring(client.get("/news/feed.xml").get_data()).find("a:entry", ATOM)

    review = f"/desk/review/{story.id}"
    page = post(
        editor_client, f"/desk/adaptations/{story.id}/actions/correct", {"origin": "review", "assignee": ""}
    )
    assert location(page) == review
    assert "stays up" in get(editor_client, review).flashes()
    workbench = get(adaptor_client, f"/desk/adaptations/{story.id}")
    page = post(
        adaptor_client,
        f"/desk/adaptations/{story.id}/save",
        {"title": workbench.field("title"), "body": CORRECTED, "version": workbench.field("version")},
    )
    assert location(page) == f"/desk/adaptations/{story.id}"
    shown = client.get(story_url(story)).get_data(as_text=True)
    assert first_paragraph in shown and "comprehensive" not in shown  # still the published text
    page = post(
        adaptor_client,
        f"/desk/adaptations/{story.id}/actions/submit",
        {"origin": "edit", "version": story.version},
    )
    assert location(page) == "/desk/mine"

    approve = f"/desk/adaptations/{story.id}/actions/approve"
    page = post(editor_client, approve, {"origin": "review", "version": story.version})
    assert page.status == 400 and "correction note" in page.alert()
    page = post(
        editor_client,
        approve,
        {"origin": "review", "version": story.version, "correction_note": "The agreement was misnamed."},
    )
    assert location(page) == "/desk/review"

    html = client.get(story_url(story)).get_data(as_text=True)
    assert "comprehensive strategic partnership" in html
    corrections = re.search(r'<section class="story-corrections".*?</section>', html, re.S).group(0)
    assert "The agreement was misnamed." in corrections
    assert re.search(r'class="updated">Updated <time datetime="([^"]+)"', html)
    data = json.loads(LD_JSON.search(html).group(1))
    version = story.versions[-1]
    assert data["dateModified"] == version.published_at.isoformat() > data["datePublished"]
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The agreement was misnamed.",
            "datePublished": version.published_at.isoformat(),
        }
    ]
    entry = ET.fromstring(client.get("/news/feed.xml").get_data()).find("a:entry", ATOM)
    assert entry.findtext("a:updated", namespaces=ATOM) == version.published_at.isoformat()
    assert entry.findtext("a:updated", namespaces=ATOM) > feed_before.findtext("a:updated", namespaces=ATOM)
    assert entry.findtext("a:published", namespaces=ATOM) == feed_before.findtext(
        "a:published", namespaces=ATOM
    )
    versions = get(editor_client, review).find("section", class_="published-versions")
    assert "Version 2" in versions.text and "The agreement was misnamed." in versions.text


def test_an_unpublished_story_is_gone_from_its_address_lists_feed_and_related_links(app, session, client):
    editor_client, _ = person_client(app, Role.EDITOR)
    stories = [
        drive(make_article(tags=["Russia"]).adaptations[0], State.PUBLISHED, editor=make_user(Role.EDITOR))
        for _ in range(2)
    ]
    gone, kept = stories
    assert f'href="{story_url(gone)}"' in client.get(story_url(kept)).get_data(as_text=True)  # related
    url = f"/desk/adaptations/{gone.id}/actions/unpublish"
    page = post(editor_client, url, {"origin": "review", "reason": ""})
    assert page.status == 400
    page = post(editor_client, url, {"origin": "review", "reason": "Legal hold."})
    assert location(page) == f"/desk/review/{gone.id}"
    for address in (story_url(gone), f"/news/{gone.id}"):
        response = client.get(address)
        assert response.status_code == 410 and "taken down" in response.get_data(as_text=True)
    for listing in ("/news", "/news/feed.xml", story_url(kept), "/api/v1/published"):
        assert story_url(gone) not in client.get(listing).get_data(as_text=True), listing
    page = post(editor_client, f"/desk/adaptations/{gone.id}/actions/republish", {"origin": "review"})
    assert location(page) == f"/desk/review/{gone.id}"
    assert client.get(story_url(gone)).status_code == 200


def test_the_report_form_carries_a_one_time_token_so_a_double_click_makes_one_original(app, session):
    client, reporter = person_client(app, Role.REPORTER)
    form = get(client, "/desk/reports/new")
    token = form.find("input", name="submission_token").attrs["value"]
    assert (
        len(token) >= 24
        and token != get(client, "/desk/reports/new").find("input", name="submission_token").attrs["value"]
    )
    data = {
        "title": "عنوان",
        "body": "نص التقرير.",
        "language": "ar",
        "targets": "en",
        "submission_token": token,
    }
    first = location(post(client, "/desk/reports/new", data))
    second = location(post(client, "/desk/reports/new", data))
    assert first == second
    assert "already submitted" in get(client, second).flashes()
    count = db.session.scalar(select(func.count(Article.id)).where(Article.reporter_id == reporter.id))
    assert count == 1
    # A refused form keeps its token, so the corrected form is still one submission.
    refused = post(client, "/desk/reports/new", {**data, "title": "", "submission_token": "fresh-token"})
    assert refused.status == 400
    assert refused.find("input", name="submission_token").attrs["value"] == "fresh-token"


def test_after_changes_are_requested_the_adaptor_saves_without_claiming_again(app, session):
    client, adaptor = person_client(app, Role.ADAPTOR)
    adaptation = drive(make_article().adaptations[0], State.CHANGES_REQUESTED, adaptor=adaptor)
    page = get(client, f"/desk/adaptations/{adaptation.id}")
    page = post(
        client,
        f"/desk/adaptations/{adaptation.id}/save",
        {"title": "Better title", "body": page.field("body"), "version": page.field("version")},
    )
    assert location(page) == f"/desk/adaptations/{adaptation.id}"
    db.session.refresh(adaptation)
    assert (adaptation.title, adaptation.state, adaptation.holder_id) == (
        "Better title",
        "changes_requested",
        adaptor.id,
    )


def test_once_published_the_workbench_is_for_the_people_on_it(app, session):
    adaptor_client, adaptor = person_client(app, Role.ADAPTOR)
    outsider_client, _ = person_client(app, Role.ADAPTOR)
    story = drive(make_article().adaptations[0], State.PUBLISHED, adaptor=adaptor)
    assert get(adaptor_client, f"/desk/adaptations/{story.id}").status == 200
    page = get(outsider_client, f"/desk/adaptations/{story.id}")
    assert page.status == 403 and "credited" in page.text
    assert datetime.now(UTC) > story.published_at


def test_held_scheduled_stories_come_before_everything_else_in_the_review_queue(app, session):
    client, _editor = person_client(app, Role.EDITOR)
    article = make_article(targets=["en", "fr", "de"])
    waiting = drive(article.adaptations[0], State.IN_REVIEW)
    published = drive(article.adaptations[1], State.PUBLISHED, editor=make_user(Role.EDITOR))
    scheduled = drive(article.adaptations[2], State.SCHEDULED, editor=make_user(Role.EDITOR))
    revise_article(db.session, article.reporter, article, {"body": "نص مصحح."}, Limits())
    db.session.commit()
    html = get(client, "/desk/review").html
    positions = [
        html.index(marker)
        for marker in (
            'class="notice notice-warning held-for-source"',
            f'href="/desk/review/{scheduled.id}"',
            'class="notice notice-warning revised-after-publication"',
            f'href="/desk/review/{published.id}"',
            '<table class="table">',
            f'href="/desk/review/{waiting.id}"',
        )
    ]
    assert positions == sorted(positions)


def _correct_through_services(story, adaptor, editor, body: str, note: str, at: datetime) -> None:
    """One correction round, approved with `note`; the version it publishes is dated `at`."""
    perform_action(db.session, editor, story, "correct")
    save_adaptation(
        db.session, adaptor, story, title=story.title, body=body, version=story.version, limits=Limits()
    )
    perform_action(db.session, adaptor, story, "submit")
    perform_action(db.session, editor, story, "approve", correction_note=note)
    story.versions[-1].published_at = at  # a fixed time, so the page's date and time can be read exactly
    db.session.commit()


def test_the_public_page_dates_its_update_and_lists_every_correction(app, session, client):
    adaptor, editor = make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    story = drive(make_article().adaptations[0], State.PUBLISHED, adaptor=adaptor, editor=editor)
    first = datetime(2026, 3, 1, 8, 5, tzinfo=UTC)
    second = datetime(2026, 3, 2, 17, 45, tzinfo=UTC)
    _correct_through_services(story, adaptor, editor, CORRECTED, "The agreement was misnamed.", first)
    _correct_through_services(
        story, adaptor, editor, CORRECTED + "\n\nMore.", "A paragraph was added.", second
    )
    page = get(client, story_url(story))
    updated = page.find("span", class_="updated")
    assert " ".join(updated.text.split()) == "Updated Mar 2, 2026 | 17:45 UTC"
    assert updated.find("time").get("datetime") == second.isoformat()
    notes = page.find("section", class_="story-corrections").find_all("li")
    assert [" ".join(li.text.split()) for li in notes] == [
        "Mar 1, 2026, 08:05 UTC: The agreement was misnamed.",
        "Mar 2, 2026, 17:45 UTC: A paragraph was added.",
    ]
    assert [li.find("time").get("datetime") for li in notes] == [first.isoformat(), second.isoformat()]


def test_an_editor_who_adapted_it_may_not_override_its_qa_on_the_review_page(app, session):
    client, both = person_client(app, Role.ADAPTOR, Role.EDITOR)
    article = make_article(body="قتل ٢٤ شخصاً في انفجار قرب الميناء.")
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=both)
    save_adaptation(
        db.session,
        both,
        adaptation,
        title="Blast near the port",
        body="Several people died in a blast near the port.",
        version=adaptation.version,
        limits=Limits(),
    )
    db.session.commit()
    url = f"/desk/adaptations/{adaptation.id}/qa/override"
    page = post(client, url, {"check": "numbers", "key": "24", "reason": "I know better."})
    assert page.status == 403 and "another editor" in page.alert()
    db.session.expire_all()
    assert "qa-override" not in [e.action for e in queries.history_for(db.session, adaptation)]
    other_client, _other = person_client(app, Role.EDITOR)
    done = post(other_client, url, {"check": "numbers", "key": "24", "reason": "The toll is disputed."})
    assert location(done) == f"/desk/review/{adaptation.id}#qa"


def test_once_published_the_review_page_is_for_editors_even_when_not_credited(app, session):
    story = drive(make_article().adaptations[0], State.PUBLISHED)
    editor_client, _editor = person_client(app, Role.EDITOR)
    review = get(editor_client, f"/desk/review/{story.id}")
    assert review.status == 200 and review.find("section", id="qa") is not None
    assert get(editor_client, f"/desk/adaptations/{story.id}").status == 200


def test_a_ready_draft_of_an_older_revision_is_flagged_in_the_queue_and_on_its_workbench(app, session):
    client, _adaptor = person_client(app, Role.ADAPTOR)
    article = make_article(body="زار الوزير الميناء يوم الاثنين.")
    adaptation = drive(article.adaptations[0], State.DRAFT_READY)

    def queue_row() -> str:
        return (
            get(client, "/desk/queue").find("a", href=f"/desk/adaptations/{adaptation.id}").parent.parent.text
        )

    assert "original revised" not in queue_row()
    revise_article(
        db.session, article.reporter, article, {"body": "زار الوزير المطار يوم الثلاثاء."}, Limits()
    )
    db.session.commit()
    assert "original revised" in queue_row()
    notice = get(client, f"/desk/adaptations/{adaptation.id}").find("section", class_="source-changed")
    assert "Its machine draft was made from revision 1; the original is now at revision 2" in " ".join(
        notice.text.split()
    )
    assert "المطار" in " ".join(n.text for n in notice.find_all("ins"))
