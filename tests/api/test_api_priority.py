"""Priority and deadline through the API: set at submission, changed by editors, sorted and marked in lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.helpers import adaptation_row, assert_error, assert_matches
from tests.support.factories import make_article
from workflow.extensions import db
from workflow.models import HistoryEntry, utcnow
from workflow.services.outbox import OUTBOX
from workflow.web.api.presenters import iso

#: A target language no other test uses, so the queue can be read exactly.
TARGET = "tn"


def original(**extra) -> dict:
    return {"title": "خبر عاجل", "body": "نص الخبر.", "language": "ar", "targets": [TARGET], **extra}


def submit(api, reporter, **extra) -> dict:
    created = api.post("/api/v1/articles", reporter, json=original(**extra))
    assert created.status_code == 201, created.json
    return created.json


def test_a_submission_sets_priority_and_deadline_for_all_targets_or_each_its_own(api, reporter, editor):
    due = (utcnow() + timedelta(hours=5)).replace(microsecond=0)
    own = (utcnow() + timedelta(minutes=30)).replace(microsecond=0)
    article = submit(
        api,
        reporter,
        priority="high",
        deadline=iso(due),
        targets=[TARGET, {"language": "fr", "priority": "urgent", "deadline": iso(own)}],
    )
    first, second = (api.adaptation(a["id"], editor) for a in article["adaptations"])
    assert (first["priority"], first["deadline"], first["overdue"], first["due_soon"]) == (
        "high",
        iso(due),
        False,
        False,
    )
    assert (second["priority"], second["deadline"], second["due_soon"]) == ("urgent", iso(own), True)
    assert_matches(second, "Adaptation")
    created = [h for h in second["history"] if h["action"] == "create"]
    assert created and created[0]["details"]["priority"] == "urgent"


def test_a_submission_without_them_is_normal_and_undated(api, reporter, editor):
    adaptation = api.adaptation(submit(api, reporter)["adaptations"][0]["id"], editor)
    assert (adaptation["priority"], adaptation["deadline"], adaptation["overdue"]) == ("normal", None, False)


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"priority": "asap"}, "priority"),
        ({"deadline": "2020-01-01T09:00:00Z"}, "deadline"),  # past
        ({"deadline": "2099-01-01T09:00:00Z"}, "deadline"),  # more than a year ahead
        ({"deadline": "tomorrow"}, "deadline"),
        ({"targets": [{"language": TARGET, "priority": 3}]}, "targets.priority"),
    ],
)
def test_a_bad_priority_or_deadline_is_refused_at_submission(api, reporter, extra, field):
    assert_error(api.post("/api/v1/articles", reporter, json=original(**extra)), 400, field=field)


def test_queues_list_by_priority_then_deadline_then_age(api, reporter, editor):
    soon, later = iso(utcnow() + timedelta(hours=2)), iso(utcnow() + timedelta(hours=8))
    made = [
        submit(api, reporter, priority="low"),  # 0: low comes last
        submit(api, reporter),  # 1: normal, no deadline, older
        submit(api, reporter, deadline=later),  # 2: normal, due later
        submit(api, reporter, deadline=soon),  # 3: normal, due sooner
        submit(api, reporter),  # 4: normal, no deadline, newer
        submit(api, reporter, priority="urgent"),  # 5: urgent comes first
        submit(api, reporter, priority="high", deadline=later),  # 6
    ]
    ids = [a["adaptations"][0]["id"] for a in made]
    listed = api.get(f"/api/v1/queue?language={TARGET}&per_page=50", editor)
    assert listed.status_code == 200
    order = [item["id"] for item in listed.json["items"] if item["id"] in ids]
    assert order == [ids[5], ids[6], ids[3], ids[2], ids[1], ids[4], ids[0]]
    assert_matches(listed.json["items"][0], "QueueItem")


def test_overdue_and_due_soon_are_marked_until_the_work_is_done(api, reporter, editor):
    adaptation_id = submit(api, reporter)["adaptations"][0]["id"]
    row = adaptation_row(adaptation_id)
    row.deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    item = next(
        i for i in api.get(f"/api/v1/queue?language={TARGET}", editor).json["items"] if i["id"] == row.id
    )
    assert (item["overdue"], item["due_soon"]) == (True, False)
    row.deadline, row.state = utcnow() - timedelta(minutes=5), "withdrawn"
    db.session.commit()
    assert api.adaptation(adaptation_id, editor)["overdue"] is False


def test_an_editor_changes_priority_and_deadline_and_the_history_records_both(api, reporter, editor):
    adaptation_id = submit(api, reporter)["adaptations"][0]["id"]
    due = (utcnow() + timedelta(minutes=40)).replace(microsecond=0)
    done = api.act(adaptation_id, "prioritize", editor, priority="urgent", deadline=iso(due))
    assert done.status_code == 200, done.json
    assert (done.json["priority"], done.json["deadline"], done.json["due_soon"]) == ("urgent", iso(due), True)
    assert done.json["state"] == "queued"
    entry = db.session.query(HistoryEntry).filter_by(adaptation_id=adaptation_id, action="prioritize").one()
    assert entry.details["priority"] == {"from": "normal", "to": "urgent"}
    assert entry.details["deadline"] == {"from": None, "to": due.isoformat()}
    kept = api.act(adaptation_id, "prioritize", editor, priority="low")  # the deadline left out stays
    assert (kept.json["priority"], kept.json["deadline"]) == ("low", iso(due))
    cleared = api.act(adaptation_id, "prioritize", editor, deadline=None)
    assert (cleared.json["priority"], cleared.json["deadline"]) == ("low", None)


def test_prioritize_refuses_what_it_cannot_do(api, reporter, adaptor, editor):
    adaptation_id = submit(api, reporter)["adaptations"][0]["id"]
    assert_error(api.act(adaptation_id, "prioritize", reporter, priority="urgent"), 403)
    assert_error(api.act(adaptation_id, "prioritize", adaptor, priority="urgent"), 403)
    assert_error(api.act(adaptation_id, "prioritize", editor), 400, field="priority")
    assert_error(api.act(adaptation_id, "prioritize", editor, priority="normal"), 400, field="priority")
    assert_error(
        api.act(adaptation_id, "prioritize", editor, deadline="2020-01-01T00:00:00Z"), 400, field="deadline"
    )


def test_making_a_waiting_draft_urgent_sends_its_job_again(app, api, reporter, editor):
    """The job already sent to the normal line is handed to the outbox again once the change commits."""
    article = make_article(reporter, targets=[TARGET])
    draft = article.adaptations[0].draft
    draft.dispatched_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    held = app.extensions[OUTBOX].held
    held.clear()
    assert api.act(article.adaptations[0].id, "prioritize", editor, priority="high").status_code == 200
    assert held == []  # only urgent jumps the line
    assert api.act(article.adaptations[0].id, "prioritize", editor, priority="urgent").status_code == 200
    assert held == [draft.id]
