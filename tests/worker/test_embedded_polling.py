"""Queue latency on the embedded default: the worker polls the embedded (SQLite) broker every
EMBEDDED_POLL_SECONDS instead of kombu's second (the live stack checks a real worker says so:
tests/worker/test_embedded_serve.py)."""

from __future__ import annotations

from types import SimpleNamespace

from kombu import Connection

from workflow.jobs import EMBEDDED_POLL_SECONDS, PollEmbeddedBrokerOften


def test_the_embedded_broker_connection_is_polled_every_fraction_of_a_second(tmp_path):
    connection = Connection(f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    try:
        assert connection.transport.polling_interval == 1.0  # kombu's own: up to a second per job
        PollEmbeddedBrokerOften.start(None, SimpleNamespace(connection=connection))
        assert connection.transport.polling_interval == EMBEDDED_POLL_SECONDS <= 0.1
    finally:
        connection.release()


def test_the_step_runs_in_workers_on_the_embedded_broker(app):
    assert app.config["ADAPTDESK"].embedded_broker
    assert PollEmbeddedBrokerOften in app.extensions["celery"].steps["consumer"]
