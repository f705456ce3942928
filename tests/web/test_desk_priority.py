"""Priority and deadline on the newsroom pages: the report form, the editor's form, the queues' marks."""

from __future__ import annotations

from datetime import timedelta

from tests.support.factories import drive, make_article, make_user
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Article, HistoryEntry, utcnow


def test_a_reporter_submits_an_urgent_report_with_a_deadline(app, session):
    client, _reporter = person_client(app, Role.REPORTER)
    form = get(client, "/desk/reports/new")
    assert form.find("select", name="priority") and form.find("input", name="deadline")
    due = (utcnow() + timedelta(hours=3)).replace(second=0, microsecond=0)
    page = post(
        client,
        "/desk/reports/new",
        {
            "title": "Breaking",
            "body": "Text.",
            "language": "fr",
            "targets": ["en"],
            "priority": "urgent",
            "deadline": due.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    article = db.session.get(Article, int(location(page).rsplit("/", 1)[1]))
    assert [(a.priority, a.deadline) for a in article.adaptations] == [("urgent", due)]


def test_a_past_deadline_is_refused_on_the_report_form_with_what_was_typed(app, session):
    client, _reporter = person_client(app, Role.REPORTER)
    page = post(
        client,
        "/desk/reports/new",
        {
            "title": "Late",
            "body": "Text.",
            "language": "fr",
            "targets": ["en"],
            "deadline": "2020-01-01T09:00",
        },
    )
    assert page.status == 400
    assert "in the past" in page.alert()
    assert page.field("title") == "Late" and page.field("deadline") == "2020-01-01T09:00"


def test_an_editor_changes_priority_and_deadline_on_the_review_page(app, session):
    client, _editor = person_client(app, Role.EDITOR)
    adaptation = make_article(targets=["en"]).adaptations[0]
    drive(adaptation, State.IN_REVIEW, adaptor=make_user(Role.ADAPTOR), editor=make_user(Role.EDITOR))
    page = get(client, f"/desk/review/{adaptation.id}")
    form = page.find("form", class_="prioritize")
    assert form is not None and form.find("select", name="priority")
    url = f"/desk/adaptations/{adaptation.id}/actions/prioritize"
    due = (utcnow() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    done = post(
        client, url, {"origin": "review", "priority": "high", "deadline": due.strftime("%Y-%m-%dT%H:%M")}
    )
    assert location(done) == f"/desk/review/{adaptation.id}"
    db.session.refresh(adaptation)
    assert (adaptation.priority, adaptation.deadline, adaptation.state) == ("high", due, "in_review")
    page = get(client, f"/desk/review/{adaptation.id}")
    assert "due within the hour" in page.find("p", class_="urgency").text
    assert "changed the priority or deadline" in page.text
    refused = post(client, url, {"origin": "review", "priority": "whenever", "deadline": ""})
    assert refused.status == 400 and "priority" in refused.alert()
    assert (
        db.session.query(HistoryEntry).filter_by(adaptation_id=adaptation.id, action="prioritize").count()
        == 1
    )


def test_queues_show_priority_and_overdue_first_things_first(app, session):
    client, _adaptor = person_client(app, Role.ADAPTOR)
    low, urgent = (make_article(targets=["en"]).adaptations[0] for _ in range(2))
    low.priority, urgent.priority = "low", "urgent"
    urgent.deadline = utcnow() - timedelta(minutes=10)
    db.session.commit()
    page = get(client, "/desk/queue?language=en&per_page=100")
    rows = [row for row in page.find_all("tr") if row.find_all(data_priority=True)]
    marks = [
        (row.find(data_priority=True).get("data-priority"), row.find_all(data_deadline_mark=True))
        for row in rows
    ]
    assert marks[0][0] == "urgent" and [m.get("data-deadline-mark") for m in marks[0][1]] == ["overdue"]
    assert marks[-1] == ("low", [])
