"""Queue latency on the embedded default: the worker is woken by each write to the embedded (SQLite) broker's
file where the kernel reports them, else polls it every EMBEDDED_POLL_SECONDS instead of kombu's second, and a
poll of an unchanged file runs no query (the live stack checks a real worker says so:
tests/worker/test_embedded_serve.py)."""

from __future__ import annotations

import threading
import time
from queue import Empty

import pytest
from kombu import Connection
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from sqlalchemy import event

from workflow import embedded_broker
from workflow.embedded_broker import Transport
from workflow.jobs import EMBEDDED_POLL_SECONDS, EMBEDDED_TRANSPORT, celery_config


@pytest.fixture
def broker(tmp_path):
    """A channel of the embedded transport on a fresh file, and a stock sqla connection sending to it."""
    consumer = Connection(f"sqlite:///{tmp_path / 'broker.db'}", transport=EMBEDDED_TRANSPORT)
    producer = Connection(f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    channel = consumer.default_channel
    channel.queue_declare(queue="jobs")
    try:
        yield channel, producer
    finally:
        producer.release()
        consumer.release()


def _queries_of(channel):
    """A list that grows by one per statement the channel's own SQLAlchemy engine runs."""
    statements: list[str] = []
    engine = channel.session.get_bind()
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


def test_the_embedded_transport_polls_every_fraction_of_a_second(broker):
    channel, _producer = broker
    assert kombu_sqlalchemy.Transport.polling_interval == 1.0  # kombu's own: up to a second per job
    assert isinstance(channel.connection, Transport)
    assert channel.connection.polling_interval == EMBEDDED_POLL_SECONDS <= 0.05


def test_an_empty_queue_is_queried_once_until_the_file_changes(broker):
    channel, producer = broker
    statements = _queries_of(channel)
    with pytest.raises(Empty):
        channel._get("jobs")
    queried = len(statements)
    assert queried > 0
    for _ in range(20):
        with pytest.raises(Empty):
            channel._get("jobs")
    assert len(statements) == queried  # nothing committed meanwhile: no query, no write lock taken

    producer.SimpleQueue("jobs").put({"draft": 7})
    message = channel._get("jobs")
    assert len(statements) > queried
    assert producer.SimpleQueue("jobs").qsize() == 0  # taken, not left for another worker
    assert message["body"]  # the job itself, as kombu delivers it


def test_a_job_sent_between_two_empty_polls_is_found_at_the_next(broker):
    channel, producer = broker
    for _ in range(3):
        with pytest.raises(Empty):
            channel._get("jobs")
    producer.SimpleQueue("jobs").put({"draft": 8})
    assert channel._get("jobs") is not None
    with pytest.raises(Empty):  # taken: the next poll finds the queue empty again
        channel._get("jobs")


def test_a_worker_waiting_on_an_empty_queue_takes_a_job_as_soon_as_it_is_sent(tmp_path, monkeypatch):
    # Rounds so far apart that only the file's write can end the wait in time.
    monkeypatch.setattr(Transport, "polling_interval", 30.0)
    monkeypatch.setattr(embedded_broker, "WATCHED_POLL_SECONDS", 30.0)
    consumer = Connection(f"sqlite:///{tmp_path / 'broker.db'}", transport=EMBEDDED_TRANSPORT)
    producer = Connection(f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    jobs = consumer.SimpleQueue("jobs")
    sender = threading.Timer(0.5, lambda: producer.SimpleQueue("jobs").put({"draft": 9}))
    try:
        sender.start()
        started = time.monotonic()
        message = jobs.get(block=True, timeout=20)
        assert message.payload == {"draft": 9}
        assert time.monotonic() - started < 5  # woken by the commit, not the 20 s timeout
        message.ack()
    finally:
        sender.join()
        jobs.close()
        producer.release()
        consumer.release()


def test_celery_uses_the_embedded_transport_only_on_the_embedded_broker(app):
    settings = app.config["ADAPTDESK"]
    assert settings.embedded_broker
    config = celery_config(settings)
    assert config["broker_transport"] == EMBEDDED_TRANSPORT
    assert config["broker_url"] == settings.broker_url.removeprefix("sqla+")
    with app.extensions["celery"].connection_for_read() as connection:
        assert isinstance(connection.transport, Transport)
