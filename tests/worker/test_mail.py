"""Notifications by e-mail: a real worker mails them through a real SMTP server on 127.0.0.1 (aiosmtpd),
retrying a server that answers "try again later", and giving up at once on a refusal."""

from __future__ import annotations

import time
from email import message_from_bytes, policy
from email.message import Message

import pytest
import redis
from aiosmtpd.controller import Controller

from tests.conftest import database_kind
from tests.support.argos_model import sample_arabic_article
from tests.support.live import LiveStack, free_port, new_database, stack_env
from tests.worker.conftest import REDIS_BASE, TEST_REDIS_DB

pytestmark = pytest.mark.worker


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
    stack = LiveStack(env, data_dir, free_port())
    try:
        stack.start_web()
        stack.start_worker(concurrency=1)
        stack.mailbox = mailbox
        stack.people = {
            "reporter": stack.user("reporter", "Ahmad Abdallah", "reporter"),
            "adaptor": stack.user("adaptor", "Nadine Sassine", "adaptor"),
        }
        saved = stack.people["reporter"].put("/api/v1/me", {"email": "ahmad@newsroom.test"})
        assert saved.status == 200, saved.json
        yield stack
    finally:
        stack.stop_all()
        controller.stop()
        client.flushdb()
        client.close()
        drop()


def claim_a_new_draft(stack) -> int:
    """The reporter submits; once drafted, the adaptor claims it (the reporter is told: "claimed")."""
    original = {
        "title": "زيارة",
        "body": sample_arabic_article(3, seed=4),
        "language": "ar",
        "targets": ["en"],
    }
    _article, adaptation_id = stack.submit_and_draft(stack.people["reporter"], original)
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
    assert f"{stack.base_url}/desk/reports/{article_id}" in mail.get_content()
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
