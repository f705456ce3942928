"""Who is told what: each event reaches the people it concerns (never the one who caused it), written in the
transaction of the change, through the real services on the real database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.factories import drive, finish_draft, limits, make_article, make_user, pass_qa
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import Adaptation, Notification, utcnow
from workflow.services import drafts
from workflow.services.adaptations import perform_action, publish_due
from workflow.services.articles import revise_article
from workflow.services.notifications import mark_read, message, unread_count, warn_due_soon
from workflow.services.users import update_settings

#: A language pair no other test adapts, so "adaptors of the pair" are this test's people.
PAIR = ("ar", "ss")


def told(person, adaptation: Adaptation | None = None) -> list[str]:
    """The events a person was told (about one adaptation, when given), oldest first."""
    db.session.flush()
    rows = db.session.query(Notification).filter_by(user_id=person.id).order_by(Notification.id)
    return [n.event for n in rows if adaptation is None or n.adaptation_id == adaptation.id]


@pytest.fixture()
def desk(session):
    reporter, adaptor, editor = make_user(Role.REPORTER), make_user(Role.ADAPTOR), make_user(Role.EDITOR)
    other_pair = make_user(Role.ADAPTOR)
    update_settings(db.session, adaptor, adaptor, language_pairs="ar-ss")
    update_settings(db.session, other_pair, other_pair, language_pairs="fr-en")
    adaptation = make_article(reporter, targets=[PAIR[1]]).adaptations[0]
    db.session.commit()
    return reporter, adaptor, editor, other_pair, adaptation


def test_a_ready_draft_is_told_to_adaptors_of_its_pair_only(desk):
    reporter, adaptor, _editor, other_pair, adaptation = desk
    finish_draft(adaptation)
    assert told(adaptor, adaptation) == ["draft_ready"]
    assert told(other_pair, adaptation) == [] and told(reporter, adaptation) == []
    note = db.session.query(Notification).filter_by(user_id=adaptor.id).one()
    assert message(note) == "Machine draft ready to adapt (Arabic → Swati)."


def test_a_failed_draft_is_told_to_adaptors_of_its_pair(desk):
    _reporter, adaptor, _editor, other_pair, adaptation = desk
    job = drafts.take_job(db.session, adaptation.draft.id, "test", lease_seconds=60)
    drafts.fail_draft(db.session, job.draft_id, "No model.", attempt=job.attempt)
    assert told(adaptor, adaptation) == ["draft_failed"] and told(other_pair, adaptation) == []


def test_the_reporter_hears_of_the_claim_and_editors_of_the_submission(desk):
    reporter, adaptor, editor, _other, adaptation = desk
    finish_draft(adaptation)
    perform_action(db.session, adaptor, adaptation, "claim")
    assert told(reporter, adaptation) == ["claimed"]
    assert "claimed" not in told(adaptor, adaptation)  # never the one who did it
    pass_qa(adaptation, editor)
    perform_action(db.session, adaptor, adaptation, "submit")
    assert told(editor, adaptation) == ["submitted"]
    note = db.session.query(Notification).filter_by(user_id=editor.id, event="submitted").one()
    assert note.actor_id == adaptor.id and "round 1" in message(note)


def test_changes_requested_approved_and_published_reach_reporter_and_adaptor(desk):
    reporter, adaptor, editor, _other, adaptation = desk
    drive(adaptation, State.CHANGES_REQUESTED, adaptor=adaptor, editor=editor)
    assert told(reporter, adaptation)[-1] == told(adaptor, adaptation)[-1] == "changes_requested"
    pass_qa(adaptation, editor)
    perform_action(db.session, adaptor, adaptation, "submit")
    perform_action(db.session, editor, adaptation, "approve", publish_at=utcnow() + timedelta(minutes=5))
    assert told(reporter, adaptation)[-1] == told(adaptor, adaptation)[-1] == "approved"
    publish_due(db.session, now=utcnow() + timedelta(minutes=6))
    assert told(reporter, adaptation)[-1] == told(adaptor, adaptation)[-1] == "published"
    assert "published" not in told(editor, adaptation)


def test_a_published_correction_is_told_as_corrected_and_the_correction_holder_as_handed_over(desk):
    reporter, adaptor, editor, _other, adaptation = desk
    drive(adaptation, State.PUBLISHED, adaptor=adaptor, editor=editor)
    perform_action(db.session, editor, adaptation, "correct")
    assert told(adaptor, adaptation)[-1] == "reassigned"
    adaptation.body += "\n\nCorrected."
    perform_action(db.session, adaptor, adaptation, "submit")
    perform_action(db.session, editor, adaptation, "approve", correction_note="A date was wrong.")
    assert told(reporter, adaptation)[-1] == told(adaptor, adaptation)[-1] == "corrected"


def test_a_reassignment_is_told_to_the_new_holder(desk):
    _reporter, _adaptor, editor, _other, adaptation = desk
    finish_draft(adaptation)
    newcomer = make_user(Role.ADAPTOR)
    perform_action(db.session, editor, adaptation, "reassign", assignee=newcomer.username)
    assert told(newcomer, adaptation) == ["reassigned"]


def test_a_revised_original_is_told_to_editors(desk, session):
    reporter, adaptor, editor, _other, adaptation = desk
    drive(adaptation, State.IN_ADAPTATION, adaptor=adaptor, editor=editor)
    revise_article(db.session, reporter, adaptation.article, {"body": "نص منقح."}, limits())
    assert told(editor, adaptation) == ["source_changed"]


def test_a_deadline_within_the_hour_is_told_once_to_the_holder_or_else_the_pairs_adaptors(desk):
    _reporter, adaptor, editor, other_pair, adaptation = desk
    finish_draft(adaptation)
    perform_action(
        db.session,
        editor,
        adaptation,
        "prioritize",
        deadline=utcnow() + timedelta(minutes=50),
        deadline_sent=True,
    )
    warned = warn_due_soon(db.session)
    assert adaptation.id in warned
    assert told(adaptor, adaptation)[-1] == "deadline_soon" and told(other_pair, adaptation) == []
    assert adaptation.id not in warn_due_soon(db.session)  # once per deadline
    perform_action(db.session, adaptor, adaptation, "claim")
    perform_action(
        db.session,
        editor,
        adaptation,
        "prioritize",
        deadline=utcnow() + timedelta(minutes=30),
        deadline_sent=True,
    )
    holder_only = make_user(Role.ADAPTOR)
    update_settings(db.session, holder_only, holder_only, language_pairs="ar-ss")
    assert adaptation.id in warn_due_soon(db.session)  # a new deadline is warned about afresh
    assert told(holder_only, adaptation) == [] and told(adaptor, adaptation).count("deadline_soon") == 2


def test_nothing_is_told_when_the_change_is_rolled_back(desk):
    reporter, adaptor, _editor, _other, adaptation = desk
    finish_draft(adaptation)
    savepoint = db.session.begin_nested()
    perform_action(db.session, adaptor, adaptation, "claim")
    savepoint.rollback()
    assert told(reporter, adaptation) == []


def test_people_mark_their_own_notifications_read(desk):
    reporter, adaptor, _editor, _other, adaptation = desk
    finish_draft(adaptation)
    perform_action(db.session, adaptor, adaptation, "claim")
    other = make_user(Role.EDITOR)
    assert unread_count(db.session, reporter) == 1
    mine = db.session.query(Notification).filter_by(user_id=reporter.id).one()
    assert mark_read(db.session, other, [mine.id]) == 0  # someone else's id: ignored
    assert mark_read(db.session, reporter, [mine.id]) == 1
    assert unread_count(db.session, reporter) == 0
    waiting = unread_count(db.session, adaptor)
    assert waiting > 0 and mark_read(db.session, adaptor, None) == waiting
    assert unread_count(db.session, adaptor) == 0


def test_a_notification_is_to_be_mailed_only_to_people_with_an_address_who_did_not_mute_the_event(desk):
    reporter, adaptor, _editor, _other, adaptation = desk
    update_settings(
        db.session,
        reporter,
        reporter,
        email="ahmad@example.org",
        mail_events=["published"],
        changing=frozenset({"email", "mail_events"}),
    )
    finish_draft(adaptation)
    perform_action(db.session, adaptor, adaptation, "claim")  # the reporter muted "claimed"
    db.session.flush()
    drafted = db.session.query(Notification).filter_by(user_id=adaptor.id).one()  # the adaptor has no address
    claimed = db.session.query(Notification).filter_by(user_id=reporter.id).one()
    assert (drafted.mail_state, claimed.mail_state) == ("", "")
    update_settings(
        db.session, reporter, reporter, mail_events=["claimed"], changing=frozenset({"mail_events"})
    )
    perform_action(db.session, adaptor, adaptation, "release")
    perform_action(db.session, adaptor, adaptation, "claim")
    assert (
        db.session.query(Notification)
        .filter_by(user_id=reporter.id)
        .order_by(Notification.id.desc())
        .first()
        .mail_state
        == "pending"
    )
