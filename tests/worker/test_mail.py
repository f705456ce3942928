"""Notifications by e-mail: a real worker mails them through a real SMTP server on 127.0.0.1 (aiosmtpd),
retrying a server that answers "try again later", and giving up at once on a refusal; in each person's
language with the newsroom's time; once a day for people who chose a digest; and again when the broker lost
the job."""

from __future__ import annotations

import time
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message
from zoneinfo import ZoneInfo

import pytest
import redis
from aiosmtpd.controller import Controller

from tests.conftest import database_kind
from tests.support.argos_model import sample_arabic_article
from tests.support.live import LiveStack, free_port, new_database, stack_env
from tests.worker.conftest import REDIS_BASE, TEST_REDIS_DB

pytestmark = pytest.mark.worker

NEWSROOM_ZONE = "Asia/Beirut"


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts, and first answers with the replies it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.replies: list[str] = []  #: answers to the next DATA commands instead of accepting
        self.attempts = 0

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.attempts += 1
        if self.replies:
            return self.replies.pop(0)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 OK"

    def wait(self, count: int, timeout: float = 60) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.messages) >= count, f"{len(self.messages)} message(s) after {timeout} s"
        return self.messages

    def to(self, address: str) -> list[Message]:
        """The messages delivered to `address`, in order."""
        return [
            m for m, (_sender, rcpt) in zip(self.messages, self.envelopes, strict=True) if address in rcpt
        ]

    def wait_to(self, address: str, count: int, timeout: float = 60) -> list[Message]:
        """Wait until `count` messages were delivered to `address`; returns them."""
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        arrived = self.to(address)
        assert len(arrived) >= count, f"{len(arrived)} message(s) to {address} after {timeout} s"
        return arrived


@pytest.fixture(scope="module")
def mail_stack(tmp_path_factory, argos_dir):
    """Web and a worker on Redis whose notifications are mailed to an SMTP server on 127.0.0.1."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    broker = f"{REDIS_BASE}/{TEST_REDIS_DB}"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    data_dir = tmp_path_factory.mktemp("mail")
    database_url, drop = new_database(database_kind(), data_dir)
    env = stack_env(data_dir, database_url, broker, argos_dir)
    env["ADAPTDESK_SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    env["ADAPTDESK_MAIL_FROM"] = "Adaptdesk <desk@newsroom.test>"
    env["ADAPTDESK_TIMEZONE"] = NEWSROOM_ZONE
    env["ADAPTDESK_MAIL_DIGEST_HOUR"] = "0"  # digests are due from midnight: at once, whenever the test runs
    stack = LiveStack(env, data_dir, free_port())
    try:
        stack.start_web()
        stack.start_worker(concurrency=1)
        stack.mailbox = mailbox
        stack.broker = client
        stack.people = {
            "reporter": stack.user("reporter", "Ahmad Abdallah", "reporter"),
            "adaptor": stack.user("adaptor", "Nadine Sassine", "adaptor"),
        }
        saved = stack.people["reporter"].put("/api/v1/me", {"email": "ahmad@newsroom.test"})
        assert saved.status == 200, saved.json
        stack.people["reporter_ar"] = stack.user("reporter_ar", "سلمى خوري", "reporter")
        saved = stack.people["reporter_ar"].put(
            "/api/v1/me", {"email": "salma@newsroom.test", "interface_language": "ar"}
        )
        assert saved.status == 200, saved.json
        stack.people["reporter_digest"] = stack.user("reporter_digest", "Karim Nassar", "reporter")
        saved = stack.people["reporter_digest"].put(
            "/api/v1/me", {"email": "karim@newsroom.test", "mail_digest": True}
        )
        assert saved.status == 200 and saved.json["mail_digest"] is True, saved.json
        yield stack
    finally:
        stack.stop_all()
        controller.stop()
        client.flushdb()
        client.close()
        drop()


ORIGINAL = {"title": "زيارة", "body": sample_arabic_article(3, seed=4), "language": "ar", "targets": ["en"]}


def claim_a_new_draft(stack, reporter: str = "reporter") -> int:
    """The reporter submits; once drafted, the adaptor claims it (the reporter is told: "claimed")."""
    _article, adaptation_id = stack.submit_and_draft(stack.people[reporter], ORIGINAL)
    claimed = stack.people["adaptor"].post(f"/api/v1/adaptations/{adaptation_id}/actions/claim")
    assert claimed.status == 200, claimed.json
    return adaptation_id


def test_a_notification_is_mailed_to_the_person_with_a_link(mail_stack):
    stack, mailbox = mail_stack, mail_stack.mailbox
    before = len(mailbox.messages)
    adaptation_id = claim_a_new_draft(stack)
    mail = mailbox.wait(before + 1)[-1]
    assert mailbox.envelopes[-1] == ("desk@newsroom.test", ["ahmad@newsroom.test"])
    assert mail["To"] == "Ahmad Abdallah <ahmad@newsroom.test>"
    assert mail["Subject"] == "[Adaptdesk] An adaptor took the adaptation (Arabic → English)."
    article_id = stack.people["reporter"].get(f"/api/v1/adaptations/{adaptation_id}").json["article_id"]
    assert f"{stack.base_url}/desk/reports/{article_id}" in mail.get_body(("plain",)).get_content()
    # The adaptor set no address: only the reporter was mailed.
    assert all(rcpt == ["ahmad@newsroom.test"] for _sender, rcpt in mailbox.envelopes[before:])


def test_a_server_saying_try_later_is_tried_again_and_a_refusal_is_not(mail_stack):
    stack, mailbox = mail_stack, mail_stack.mailbox
    before, attempts = len(mailbox.messages), mailbox.attempts
    mailbox.replies = ["451 4.3.0 Try again later"]
    claim_a_new_draft(stack)
    mailbox.wait(before + 1)
    assert mailbox.attempts == attempts + 2
    stack.wait_for_log("worker", "attempt 1 failed")
    mailbox.replies = ["550 5.1.1 No such mailbox"]
    claim_a_new_draft(stack)
    stack.wait_for_log("worker", "failed for good")
    assert len(mailbox.messages) == before + 1 and mailbox.attempts == attempts + 3


def test_an_arabic_persons_mail_is_arabic_right_to_left_with_the_newsroom_zone_named(mail_stack):
    stack, mailbox = mail_stack, mail_stack.mailbox
    adaptation_id = claim_a_new_draft(stack, "reporter_ar")
    mail = mailbox.wait_to("salma@newsroom.test", 1)[-1]
    assert mail["Subject"] == "[Adaptdesk] تسلّم مكيّف التكييف (العربية → الإنجليزية)."
    assert mail["Content-Language"] == "ar"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    zone = datetime.now(ZoneInfo(NEWSROOM_ZONE)).tzname()  # EET or EEST
    assert "الوقت: " in text and f" {zone}" in text, text
    article_id = stack.people["reporter_ar"].get(f"/api/v1/adaptations/{adaptation_id}").json["article_id"]
    assert f"{stack.base_url}/desk/reports/{article_id}" in text
    assert '<html lang="ar" dir="rtl">' in html and "افتحه" in html


def test_a_person_who_chose_the_digest_gets_one_mail_a_day_listing_what_happened(mail_stack):
    stack, mailbox = mail_stack, mail_stack.mailbox
    address = "karim@newsroom.test"
    claim_a_new_draft(stack, "reporter_digest")
    (digest,) = mailbox.wait_to(address, 1, timeout=60)
    assert digest["Subject"].startswith("[Adaptdesk] Your notifications of ")
    text = digest.get_body(("plain",)).get_content()
    assert "1 notification since your last digest:" in text
    assert "An adaptor took the adaptation (Arabic → English)." in text
    stack.wait_for_log("worker", "mailed digest")
    # Later the same day: told again, but today's digest went out; several rounds of the duty send nothing.
    claim_a_new_draft(stack, "reporter_digest")
    rounds = stack.log("worker").count("Task adaptdesk.digest[")
    stack.wait_for_log("worker", "Task adaptdesk.digest[", count=rounds + 6, timeout=60)
    assert len(mailbox.to(address)) == 1


def test_mail_lost_by_a_flushed_broker_still_arrives(mail_stack):
    stack, mailbox = mail_stack, mail_stack.mailbox
    address = "ahmad@newsroom.test"
    _article, adaptation_id = stack.submit_and_draft(stack.people["reporter"], ORIGINAL)
    before = len(mailbox.to(address))
    stack.stop("worker")  # the mail job waits on the broker…
    claimed = stack.people["adaptor"].post(f"/api/v1/adaptations/{adaptation_id}/actions/claim")
    assert claimed.status == 200, claimed.json
    assert stack.broker.llen("adaptdesk") >= 1
    stack.broker.flushdb()  # …and is lost
    stack.start_worker(concurrency=1)
    mail = mailbox.wait_to(address, before + 1, timeout=90)[-1]
    assert mail["Subject"] == "[Adaptdesk] An adaptor took the adaptation (Arabic → English)."
    time.sleep(3)  # a relay round or more later: still one mail
    assert len(mailbox.to(address)) == before + 1
