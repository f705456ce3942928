"""Notification mail through the real services on the real database: written in the person's language with
the newsroom's time, a daily digest once per person and day, and mail the broker lost found again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests.support.factories import finish_draft, make_article, make_user
from workflow.domain.notifications import Event
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import MailDigest, MailState, Notification, utcnow
from workflow.services import mail
from workflow.services.errors import InvalidInput
from workflow.services.notifications import notify
from workflow.services.outbox import OUTBOX
from workflow.services.users import set_interface_language, update_settings

CONTEXT = mail.MailContext(
    public_url="https://desk.example.org/", sender="Desk <d@x.org>", timezone="Asia/Beirut"
)
#: 2026-03-02 17:45 UTC: 19:45 in Beirut (EET, UTC+2).
WINTER_EVENING = datetime(2026, 3, 2, 17, 45, tzinfo=UTC)


@pytest.fixture()
def reporter_and_adaptation(session):
    reporter = make_user(Role.REPORTER)
    update_settings(db.session, reporter, reporter, email="r@example.org", changing=frozenset({"email"}))
    adaptation = make_article(reporter, targets=["en"]).adaptations[0]
    db.session.commit()
    return reporter, adaptation


def told(person, adaptation, event=Event.CLAIMED, now=None) -> Notification:
    (notification,) = notify(db.session, event, adaptation, actor=None, now=now)
    db.session.flush()
    assert notification.user_id == person.id
    return notification


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_an_arabic_persons_mail_is_arabic_right_to_left_with_the_newsroom_time_and_an_absolute_link(
    app, reporter_and_adaptation
):
    reporter, adaptation = reporter_and_adaptation
    set_interface_language(db.session, reporter, "ar")
    notification = told(reporter, adaptation, now=WINTER_EVENING)
    with app.app_context():
        message = mail.notification_mail(notification, CONTEXT)
    assert message["Subject"] == "[Adaptdesk] تسلّم مكيّف التكييف (العربية → الإنجليزية)."
    assert message["Content-Language"] == "ar"
    text, html = parts(message)
    assert "الوقت: " in text and "19:45 EET" in text and "2026" in text  # Beirut's time, the zone named
    assert f"https://desk.example.org/desk/reports/{adaptation.article_id}" in text
    assert "https://desk.example.org/account" in text
    assert '<html lang="ar" dir="rtl">' in html and "افتحه" in html
    assert adaptation.article.latest.title in text


def test_an_english_persons_mail_stays_english_whatever_language_the_process_speaks(
    app, reporter_and_adaptation
):
    reporter, adaptation = reporter_and_adaptation
    notification = told(reporter, adaptation, now=WINTER_EVENING)
    with app.app_context():
        message = mail.notification_mail(notification, CONTEXT)
    assert message["Subject"] == "[Adaptdesk] An adaptor took the adaptation (Arabic → English)."
    text, html = parts(message)
    assert "When: Mar 2, 2026, 19:45 EET" in text
    assert '<html lang="en" dir="ltr">' in html


def test_the_digest_choice_is_saved_and_keeps_events_for_the_digest(reporter_and_adaptation):
    reporter, adaptation = reporter_and_adaptation
    update_settings(db.session, reporter, reporter, mail_digest=True, changing=frozenset({"mail_digest"}))
    assert reporter.mail_digest is True
    assert told(reporter, adaptation).mail_state == MailState.DIGEST.value
    update_settings(db.session, reporter, reporter, mail_digest=False, changing=frozenset({"mail_digest"}))
    assert told(reporter, adaptation).mail_state == MailState.PENDING.value
    with pytest.raises(InvalidInput) as refused:
        update_settings(db.session, reporter, reporter, mail_digest=None, changing=frozenset({"mail_digest"}))
    assert refused.value.field == "mail_digest"


def test_a_digest_is_written_from_its_hour_once_per_person_and_day(app, reporter_and_adaptation):
    reporter, adaptation = reporter_and_adaptation
    quiet = make_user(Role.REPORTER)  # chose a digest but was told nothing: no digest
    update_settings(
        db.session,
        quiet,
        quiet,
        email="q@example.org",
        mail_digest=True,
        changing=frozenset({"email", "mail_digest"}),
    )
    update_settings(db.session, reporter, reporter, mail_digest=True, changing=frozenset({"mail_digest"}))
    morning = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 08:00 in Beirut
    first = told(reporter, adaptation, now=morning)
    second = told(reporter, adaptation, Event.PUBLISHED, now=morning + timedelta(hours=1))
    before_hour = datetime(2026, 3, 2, 15, 59, tzinfo=UTC)  # 17:59 in Beirut
    assert mail.write_digests(db.session, zone="Asia/Beirut", hour=18, now=before_hour) == []
    at_hour = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    (digest_id,) = mail.write_digests(db.session, zone="Asia/Beirut", hour=18, now=at_hour)
    assert mail.write_digests(db.session, zone="Asia/Beirut", hour=18, now=at_hour + timedelta(hours=3)) == []
    digest = db.session.get(MailDigest, digest_id)
    assert (digest.user_id, str(digest.day)) == (reporter.id, "2026-03-02")

    with app.app_context():
        job = mail.take_digest(db.session, digest_id, CONTEXT)
    assert set(job.notification_ids) == {first.id, second.id}
    assert job.message["Subject"] == "[Adaptdesk] Your notifications of Mar 2, 2026"
    text, _html = parts(job.message)
    assert "2 notifications since your last digest:" in text and "Published (Arabic → English)." in text
    mail.record_digest(db.session, job, MailState.SENT)
    db.session.expire_all()
    assert {first.mail_state, second.mail_state} == {MailState.SENT.value}
    with app.app_context():
        assert mail.take_digest(db.session, digest_id, CONTEXT) is None  # sent: never again
    # The next day brings the next digest, of what came since.
    told(reporter, adaptation, now=at_hour + timedelta(hours=2))
    next_day = mail.write_digests(db.session, zone="Asia/Beirut", hour=18, now=at_hour + timedelta(days=1))
    assert len(next_day) == 1 and next_day != [digest_id]


def test_two_workers_writing_the_same_digest_write_it_once(reporter_and_adaptation):
    reporter, adaptation = reporter_and_adaptation
    update_settings(db.session, reporter, reporter, mail_digest=True, changing=frozenset({"mail_digest"}))
    at_hour = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    told(reporter, adaptation, now=at_hour - timedelta(hours=1))
    # Another worker wrote it between this one's look and its insert: the unique key refuses the second.
    db.session.add(MailDigest(user_id=reporter.id, day=at_hour.date(), cutoff=at_hour, state="pending"))
    db.session.flush()
    assert mail.write_digests(db.session, zone="Asia/Beirut", hour=18, now=at_hour) == []
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(MailDigest(user_id=reporter.id, day=at_hour.date(), cutoff=at_hour, state="pending"))
    assert db.session.query(MailDigest).filter_by(user_id=reporter.id).count() == 1


def test_mail_the_broker_lost_is_found_again_but_not_mail_sent_or_just_sent(reporter_and_adaptation):
    reporter, adaptation = reporter_and_adaptation
    now = utcnow()
    lost = told(reporter, adaptation, now=now - timedelta(minutes=10))
    mail.mark_mails_dispatched(db.session, [lost.id], now=now - timedelta(minutes=10))
    never_sent = told(reporter, adaptation, now=now - timedelta(minutes=1))
    just_sent = told(reporter, adaptation, now=now - timedelta(minutes=1))
    mail.mark_mails_dispatched(db.session, [just_sent.id], now=now - timedelta(seconds=5))
    new = told(reporter, adaptation, now=now)
    sent = told(reporter, adaptation, now=now - timedelta(minutes=10))
    mail.record_mail(db.session, sent.id, MailState.SENT)
    stale = told(reporter, adaptation, now=now - timedelta(days=3))
    found = mail.mails_to_dispatch(db.session, resend_after_seconds=300, now=now)
    assert lost.id in found and never_sent.id in found
    assert not {just_sent.id, new.id, sent.id, stale.id} & set(found)


def test_a_digest_the_broker_lost_is_found_again(reporter_and_adaptation):
    reporter, _adaptation = reporter_and_adaptation
    now = utcnow()
    digest = MailDigest(
        user_id=reporter.id,
        day=now.date(),
        cutoff=now,
        state="pending",
        created_at=now - timedelta(minutes=10),
    )
    db.session.add(digest)
    db.session.flush()
    assert mail.digests_to_dispatch(db.session, resend_after_seconds=300, now=now) == [digest.id]
    mail.mark_digests_dispatched(db.session, [digest.id], now=now)
    assert mail.digests_to_dispatch(db.session, resend_after_seconds=300, now=now) == []


def test_finished_drafts_notify_adaptors_who_chose_a_digest_for_their_digest(session):
    adaptor = make_user(Role.ADAPTOR)
    update_settings(
        db.session,
        adaptor,
        adaptor,
        email="a@example.org",
        language_pairs="ar-tn",
        mail_digest=True,
        changing=frozenset({"email", "language_pairs", "mail_digest"}),
    )
    adaptation = make_article(targets=["tn"]).adaptations[0]
    finish_draft(adaptation)
    db.session.flush()
    (notification,) = db.session.query(Notification).filter_by(user_id=adaptor.id).all()
    assert (notification.event, notification.mail_state) == ("draft_ready", "digest")


def test_a_digest_job_is_sent_once_its_transaction_commits_not_when_its_savepoint_is_released(
    app, reporter_and_adaptation
):
    reporter, adaptation = reporter_and_adaptation
    held = app.extensions[OUTBOX]
    update_settings(db.session, reporter, reporter, mail_digest=True, changing=frozenset({"mail_digest"}))
    at_hour = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    told(reporter, adaptation, now=at_hour - timedelta(hours=1))
    before = len(held.held_digests)
    with app.app_context():
        written = mail.write_digests(db.session, zone="Asia/Beirut", hour=18, now=at_hour)  # in a savepoint
        assert len(written) == 1 and held.held_digests[before:] == []  # a worker would not find it yet
        db.session.commit()
    assert held.held_digests[before:] == written
