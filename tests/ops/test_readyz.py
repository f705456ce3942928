"""/readyz: the database, the broker, a worker and a model, each checked and reported; 503 naming what is missing."""

from __future__ import annotations

import dataclasses
import shutil
import time

import pytest
from celery import Celery
from sqlalchemy import create_engine

from workflow.extensions import db
from workflow.mt.packages import CHECK_FILE
from workflow.mt.probe import check_new_packages

PONG = [{"worker1@host": {"ok": "pong"}}, {"worker2@host": {"ok": "pong"}}]


@pytest.fixture()
def workers_answer(ops_app, monkeypatch):
    """Two workers answer pings (the e2e test pings real ones)."""
    monkeypatch.setattr(ops_app.extensions["celery"].control, "ping", lambda **_: PONG)


def get_readyz(client):
    started = time.monotonic()
    response = client.get("/readyz")
    return response, time.monotonic() - started


def test_ready_when_everything_answers(ops_client, workers_answer):
    response, _ = get_readyz(ops_client)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "broker", "workers", "models"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())
    assert body["checks"]["workers"]["workers"] == 2
    assert body["checks"]["models"]["pairs"] == ["ar-en"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == "application/json"


def test_no_worker_answering_is_not_ready(ops_client):
    """The real ping over the real Redis: nobody listens on this test's database."""
    response, seconds = get_readyz(ops_client)
    assert response.status_code == 503
    workers = response.json["checks"]["workers"]
    assert workers["ok"] is False and workers["workers"] == 0
    assert "adaptdesk worker" in workers["error"]
    assert response.json["checks"]["broker"]["ok"] and response.json["checks"]["database"]["ok"]
    assert seconds < 5


def test_unreachable_broker_is_not_ready_and_answers_fast(ops_app, ops_client, monkeypatch):
    down = Celery("down", broker="redis://127.0.0.1:1/0", set_as_current=False)
    down.conf.broker_transport_options = {"socket_connect_timeout": 1}
    monkeypatch.setitem(ops_app.extensions, "celery", down)
    response, seconds = get_readyz(ops_client)
    assert response.status_code == 503 and response.json["status"] == "not_ready"
    broker = response.json["checks"]["broker"]
    assert broker["ok"] is False and "CELERY_BROKER_URL" in broker["error"]
    assert "127.0.0.1:1" not in broker["error"]  # addresses go to the log, not to the public body
    assert response.json["checks"]["workers"] == {
        "ok": False,
        "error": "Not checked: the broker is unreachable.",
        "ms": 0.0,
    }
    assert seconds < 8


def test_unreachable_database_is_not_ready(ops_client, workers_answer, monkeypatch):
    monkeypatch.setattr(db, "engine", create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response, _ = get_readyz(ops_client)
    assert response.status_code == 503
    database = response.json["checks"]["database"]
    assert (
        database["ok"] is False and "DATABASE_URL" in database["error"] and "nobody" not in database["error"]
    )
    assert response.json["checks"]["models"]["ok"]


def test_no_model_installed_is_not_ready(ops_app, ops_client, workers_answer, monkeypatch, tmp_path):
    settings = dataclasses.replace(ops_app.config["ADAPTDESK"], argos_packages_dir=tmp_path / "empty")
    monkeypatch.setitem(ops_app.config, "ADAPTDESK", settings)
    response, _ = get_readyz(ops_client)
    assert response.status_code == 503
    models = response.json["checks"]["models"]
    assert models["ok"] is False and models["pairs"] == []
    assert "adaptdesk models install ar en" in models["error"]


def test_embedded_broker_skips_the_worker_ping(ops_app, ops_client, monkeypatch, tmp_path):
    """The embedded (SQLAlchemy) broker has no fanout exchange, so Celery workers on it run without remote
    control and never answer pings: the check says so instead of failing."""
    settings = dataclasses.replace(ops_app.config["ADAPTDESK"], embedded_broker=True)
    monkeypatch.setitem(ops_app.config, "ADAPTDESK", settings)
    embedded = Celery("embedded", broker=f"sqla+sqlite:///{tmp_path}/b.db", set_as_current=False)
    monkeypatch.setitem(ops_app.extensions, "celery", embedded)
    response, _ = get_readyz(ops_client)
    assert response.status_code == 200, response.json
    workers = response.json["checks"]["workers"]
    assert workers["ok"] is True and workers["skipped"] is True and "CELERY_BROKER_URL" in workers["message"]


def test_embedded_transport_really_cannot_broadcast():
    from kombu.transport.sqlalchemy import Transport

    assert "fanout" not in Transport.implements.exchange_type


def test_only_models_that_load_count(ops_app, ops_client, workers_answer, monkeypatch, tmp_path):
    """A package copied in by hand counts once tested; a broken one never does, and is named."""
    installed = ops_app.config["ADAPTDESK"].argos_packages_dir / "translate-ar_en-1_0"
    packages_dir = tmp_path / "packages"
    shutil.copytree(installed, packages_dir / installed.name, ignore=shutil.ignore_patterns(CHECK_FILE))
    settings = dataclasses.replace(ops_app.config["ADAPTDESK"], argos_packages_dir=packages_dir)
    monkeypatch.setitem(ops_app.config, "ADAPTDESK", settings)

    response, _ = get_readyz(ops_client)
    models = response.json["checks"]["models"]
    assert response.status_code == 503 and models["pairs"] == []
    assert "1 not tested yet" in models["error"]

    check_new_packages(packages_dir)  # what a worker does within a minute
    response, _ = get_readyz(ops_client)
    assert response.status_code == 200 and response.json["checks"]["models"]["pairs"] == ["ar-en"]

    (packages_dir / installed.name / "model" / "model.bin").write_bytes(b"damaged on disk")
    check_new_packages(packages_dir)
    response, _ = get_readyz(ops_client)
    models = response.json["checks"]["models"]
    assert response.status_code == 503 and models["pairs"] == []
    assert "Broken: translate-ar_en-1_0 (RuntimeError" in models["error"]
