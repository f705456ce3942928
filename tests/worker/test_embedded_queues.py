"""The embedded broker's queues are declared once at a worker's start, and nothing of that is left holding the
SQLite file: no engine of kombu's stays cached for the pool and the beat to inherit when the worker forks (the
first try at this left one, and the forked processes locked each other out)."""

from __future__ import annotations

import sqlite3

from celery import Celery
from kombu.transport.sqlalchemy import Channel

from workflow.jobs import WORKER_QUEUES, declare_embedded_queues


def test_queues_are_declared_once_and_the_broker_file_is_left_free(tmp_path):
    path = tmp_path / "broker.db"
    celery = Celery("declare", broker=f"sqla+sqlite:///{path}")
    declare_embedded_queues(celery)
    declare_embedded_queues(celery)  # a second start finds them there
    with sqlite3.connect(path, timeout=0) as other:  # another process writing at once
        names = [name for (name,) in other.execute("SELECT name FROM kombu_queue ORDER BY id")]
        other.execute("INSERT INTO kombu_queue (name) VALUES ('another')")
    assert names == list(WORKER_QUEUES)
    assert not Channel._engines  # nothing for a forked process to inherit
