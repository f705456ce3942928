"""Structured logs: JSON lines with time, level, logger, message and the request id that follows a job."""

from __future__ import annotations

import io
import json
import logging

import pytest
from celery import signals
from flask import Flask, g

from workflow.config import ConfigError, LogSettings, Settings
from workflow.logging_setup import (
    JsonFormatter,
    RequestIdFilter,
    TextFormatter,
    configure_logging,
    current_request_id,
    install_celery_hooks,
    install_root_handler,
    make_handler,
)


@pytest.fixture()
def captured():
    """A logger writing JSON lines to a buffer through Adaptdesk's handler; returns (logger, lines())."""
    stream = io.StringIO()
    logger = logging.getLogger("adaptdesk.test.logging")
    handler = make_handler("json", stream)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


class FakeTask:
    name = "adaptdesk.draft"


def test_a_record_is_one_json_line_with_the_fields_operators_search(captured):
    logger, lines = captured
    logger.info("draft %s: translating %s→%s", 7, "ar", "en", extra={"draft_id": 7})
    [entry] = lines()
    assert list(entry)[:5] == ["time", "level", "logger", "message", "request_id"]
    assert entry["time"].endswith("Z") and "T" in entry["time"]
    assert entry["level"] == "INFO" and entry["logger"] == "adaptdesk.test.logging"
    assert entry["message"] == "draft 7: translating ar→en"  # not \u-escaped: greppable as written
    assert entry["request_id"] == "" and entry["draft_id"] == 7


def test_exceptions_are_kept_in_the_same_line(captured):
    logger, lines = captured
    try:
        raise ValueError("broken\nacross lines")
    except ValueError:
        logger.exception("it failed")
    [entry] = lines()
    assert entry["level"] == "ERROR" and "ValueError: broken" in entry["exception"]


def test_the_web_request_id_is_on_records_logged_while_serving(captured):
    logger, lines = captured
    app = Flask("adaptdesk-logging-test")
    with app.test_request_context("/"):
        g.request_id = "req-web-1"
        logger.warning("inside a request")
    logger.warning("outside")
    assert [(e["message"], e["request_id"]) for e in lines()] == [
        ("inside a request", "req-web-1"),
        ("outside", ""),
    ]


def test_a_celery_task_carries_the_request_id_it_was_sent_with(captured):
    """task_prerun puts the task's request_id argument in a context variable; task_postrun clears it."""
    logger, lines = captured
    install_celery_hooks(LogSettings())
    signals.task_prerun.send(
        sender=FakeTask, task_id="task-1", task=FakeTask(), args=[5], kwargs={"request_id": "req-from-submit"}
    )
    try:
        assert current_request_id() == "req-from-submit"
        logger.info("draft 5: translating")
    finally:
        signals.task_postrun.send(
            sender=FakeTask,
            task_id="task-1",
            task=FakeTask(),
            args=[5],
            kwargs={},
            retval="ready",
            state="SUCCESS",
        )
    logger.info("after the task")
    first, second = lines()
    assert first["request_id"] == "req-from-submit"
    assert first["task_id"] == "task-1" and first["task_name"] == "adaptdesk.draft"
    assert second["request_id"] == "" and "task_id" not in second


def test_text_format_shows_the_request_id_too():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(TextFormatter())
    logger = logging.getLogger("adaptdesk.test.text")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        app = Flask("adaptdesk-text-test")
        with app.test_request_context("/"):
            g.request_id = "abc123"
            logger.warning("hello")
        logger.warning("bye")
    finally:
        logger.removeHandler(handler)
    first, second = stream.getvalue().splitlines()
    assert first.endswith("WARNING adaptdesk.test.text [abc123] hello")
    assert second.endswith("[-] bye")


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, "text"),
        ({"ADAPTDESK_ENV": "production"}, "json"),
        ({"ADAPTDESK_ENV": "production", "ADAPTDESK_LOG_FORMAT": "text"}, "text"),
        ({"ADAPTDESK_LOG_FORMAT": "JSON"}, "json"),
    ],
)
def test_format_is_json_in_production_unless_chosen(environ, expected):
    assert LogSettings.from_env(environ).format == expected


def test_bad_format_or_level_stops_the_process_with_a_clear_message():
    with pytest.raises(ConfigError, match="ADAPTDESK_LOG_FORMAT must be json or text"):
        LogSettings.from_env({"ADAPTDESK_LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="ADAPTDESK_LOG_LEVEL"):
        LogSettings.from_env({"ADAPTDESK_LOG_LEVEL": "chatty"})
    assert LogSettings.from_env({"ADAPTDESK_LOG_LEVEL": "warning"}).level == logging.WARNING
    assert LogSettings.from_env({}).level == logging.INFO


def test_the_app_settings_carry_the_logging_settings(tmp_path):
    settings = Settings.from_env(
        {"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_LOG_FORMAT": "json", "ADAPTDESK_LOG_LEVEL": "error"}
    )
    assert settings.log == LogSettings(format="json", level=logging.ERROR)
    with pytest.raises(ConfigError, match="ADAPTDESK_LOG_FORMAT must be json or text"):
        Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_LOG_FORMAT": "xml"})


def test_root_handler_is_installed_once_per_process():
    root = logging.getLogger()
    level = root.level
    stream = io.StringIO()
    try:
        first = install_root_handler(LogSettings(format="json"), stream)
        second = install_root_handler(LogSettings(format="text"), stream)
        assert first is second and root.handlers.count(first) == 1
        assert isinstance(first.formatter, JsonFormatter)
    finally:
        root.removeHandler(first)
        root.setLevel(level)


def test_configure_logging_leaves_test_apps_to_pytest_and_sets_up_real_ones(tmp_path):
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    settings = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_LOG_FORMAT": "json"})
    testing = Flask("adaptdesk-testing")
    testing.testing = True
    configure_logging(testing, settings)
    assert root.handlers == before

    real = Flask("adaptdesk-real")
    configure_logging(real, settings)
    try:
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1 and isinstance(added[0].formatter, JsonFormatter)
        from flask.logging import default_handler

        assert default_handler not in real.logger.handlers  # no second copy of each app.logger line
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(level)


def test_celery_leaves_logging_to_us_and_keeps_its_loglevel():
    """With a setup_logging receiver connected, Celery adds no handler of its own; ours gets --loglevel."""
    install_celery_hooks(LogSettings())
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    try:
        results = signals.setup_logging.send(
            sender=None, loglevel=logging.WARNING, logfile=None, format="", colorize=False
        )
        assert results  # Celery skips its own handlers when any receiver answers
        assert root.level == logging.WARNING
        assert len([h for h in root.handlers if h not in before]) <= 1
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
        root.setLevel(level)


def test_gunicorn_own_lines_use_the_same_format(monkeypatch, capsys):
    from gunicorn.config import Config

    from workflow.logging_setup import GunicornLogger

    monkeypatch.setenv("ADAPTDESK_LOG_FORMAT", "json")
    logger = GunicornLogger(Config())
    logger.info("Booting worker with pid: %s", 1234)
    [line] = capsys.readouterr().err.splitlines()
    entry = json.loads(line)
    assert entry["logger"] == "gunicorn.error" and entry["message"] == "Booting worker with pid: 1234"


def test_access_lines_carry_the_request_id_and_cannot_be_forged(ops_app, caplog):
    client = ops_app.test_client()
    with caplog.at_level(logging.INFO, logger="workflow.access"):
        client.get(
            "/no/such%0Afake-line", headers={"X-Request-ID": "req-access-1", "Accept": "application/json"}
        )
    [record] = [r for r in caplog.records if r.name == "workflow.access"]
    assert record.request_id == "req-access-1" and record.status == 404 and record.endpoint == "unmatched"
    assert "\n" not in record.getMessage() and "\\n" in record.path
