"""Waking on another process's writes to a SQLite file (workflow.file_watch), with real files and processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from workflow import file_watch
from workflow.file_watch import FileWatch

#: Another process committing to the file after a pause.
COMMIT_LATER = (
    "import sqlite3, sys, time; time.sleep(float(sys.argv[2])); c = sqlite3.connect(sys.argv[1]); "
    "c.execute('INSERT INTO jobs VALUES (1)'); c.commit()"
)


@pytest.fixture(params=["delete", "wal"])
def database(request, tmp_path):
    """A SQLite file with a table, in rollback-journal or write-ahead-log mode."""
    path = tmp_path / "broker.db"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA journal_mode={request.param}")
    connection.execute("CREATE TABLE jobs (n INTEGER)")
    connection.commit()
    yield path
    connection.close()


def test_a_commit_by_another_process_ends_the_wait_at_once(database):
    watch = FileWatch(database)
    assert watch.active
    writer = subprocess.Popen([sys.executable, "-c", COMMIT_LATER, str(database), "0.3"])
    started = time.monotonic()
    try:
        assert watch.wait(30) is True
        assert time.monotonic() - started < 5  # the commit, not the 30 s timeout
    finally:
        writer.wait(timeout=30)
        watch.close()


def test_a_commit_between_two_waits_is_not_lost(database):
    watch = FileWatch(database)
    subprocess.run([sys.executable, "-c", COMMIT_LATER, str(database), "0"], check=True, timeout=30)
    started = time.monotonic()
    assert watch.wait(30) is True
    assert time.monotonic() - started < 1
    watch.close()


def test_reads_and_other_files_of_the_folder_do_not_end_the_wait(database):
    watch = FileWatch(database)
    reader = sqlite3.connect(database, check_same_thread=False)

    def elsewhere() -> None:
        time.sleep(0.05)
        reader.execute("SELECT count(*) FROM jobs").fetchone()
        (database.parent / "uploads.txt").write_text("a file beside it")

    threading.Thread(target=elsewhere).start()
    started = time.monotonic()
    assert watch.wait(0.5) is False
    assert time.monotonic() - started >= 0.45
    reader.close()
    watch.close()


def test_without_a_kernel_watch_the_wait_sleeps_its_whole_timeout(database, monkeypatch):
    monkeypatch.setattr(file_watch, "_inotify", lambda: None)  # another system
    watch = FileWatch(database)
    assert not watch.active
    started = time.monotonic()
    assert watch.wait(0.2) is False
    assert time.monotonic() - started >= 0.19
    watch.close()


def test_just_after_a_write_waits_stay_short_until_its_commit_can_show(database):
    # A write-ahead-log commit is visible only once its index (shared memory, never reported) is updated: the
    # caller that woke too early must look again soon, not sleep its whole timeout.
    watch = FileWatch(database)
    subprocess.run([sys.executable, "-c", COMMIT_LATER, str(database), "0"], check=True, timeout=30)
    assert watch.wait(30) is True
    started = time.monotonic()
    assert watch.wait(30) is False  # nothing more written: a short wait
    assert time.monotonic() - started < 0.05
    time.sleep(file_watch.SETTLE_SECONDS)
    started = time.monotonic()
    assert watch.wait(0.3) is False  # settled: the whole timeout again
    assert time.monotonic() - started >= 0.29
    watch.close()
