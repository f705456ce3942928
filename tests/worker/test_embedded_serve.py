"""The README's quick start on embedded defaults: `adaptdesk serve` with its own Celery worker on the
embedded SQLite broker and a SQLite database — no Redis, no PostgreSQL — from a machine with no model to
real drafts; and drafts that lacked a model made once one is placed in the packages folder, with no command."""

from __future__ import annotations

import shutil
import time
import zipfile

import pytest

from tests.support.argos_model import build_package, sample_arabic_article
from tests.support.live import LiveStack, free_port, new_database, package_index, stack_env
from workflow.embedded_broker import WATCHED_POLL_SECONDS

pytestmark = pytest.mark.worker


def embedded(tmp_path, argos_dir, packages_dir, **env):
    """A stack on embedded defaults (no DATABASE_URL, no broker) whose models live in `packages_dir`."""
    database_url, drop = new_database("sqlite", tmp_path)
    environment = stack_env(tmp_path, database_url, None, argos_dir)
    environment.pop("DATABASE_URL")  # the embedded default: SQLite inside the data directory
    environment["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return LiveStack(environment, tmp_path, free_port()), drop


def submit(stack, reporter, target: str, seed: int) -> int:
    response = reporter.post(
        "/api/v1/articles",
        {
            "title": "عنوان التقرير",
            "body": sample_arabic_article(6, seed=seed),
            "language": "ar",
            "section": "News",
            "targets": [target],
        },
    )
    assert response.status == 201, response.json
    return response.json["adaptations"][0]["id"]


def test_from_no_model_to_real_drafts_with_serve_and_the_demo(tmp_path, argos_dir, tmp_path_factory):
    build = tmp_path_factory.mktemp("index-packages")
    index = package_index(
        tmp_path / "index",
        {("ar", "en"): build_package(build, "ar", "en"), ("en", "ar"): build_package(build, "en", "ar")},
    )
    (tmp_path / "data").mkdir()
    stack, drop = embedded(tmp_path / "data", argos_dir, tmp_path / "models", ARGOS_PACKAGE_INDEX=index)
    try:
        stack.start_web(with_worker=True)
        assert "No translation model is installed" in stack.log("web")

        output = stack.cli("demo")
        assert "Installed Arabic → English" in output and "Installed English → Arabic" in output
        assert "Demo users" in output
        adaptor = stack.user("adaptor2", "Nadine Sassine", "adaptor")
        demo = stack.wait_for(adaptor, 1, {"draft_ready", "mt_failed"}, timeout=120)
        assert demo["state"] == "draft_ready", demo["draft"]  # the example article gets a real draft
        assert all(segment["mt"] for segment in demo["draft"]["segments"])

        reporter = stack.user("reporter2", "Ahmad Abdallah", "reporter")
        data = stack.wait_for(
            adaptor, submit(stack, reporter, "en", 2), {"draft_ready", "mt_failed"}, timeout=120
        )
        assert data["state"] == "draft_ready", data["draft"]
        assert all(seg["mt"] for seg in data["draft"]["segments"])
        assert (stack.data_dir / "adaptdesk.db").exists() and (stack.data_dir / "broker.db").exists()
    finally:
        stack.stop_all()
        drop()


def test_drafts_that_lacked_a_model_are_made_once_one_is_placed_in_the_folder(tmp_path, argos_dir):
    """Default relay interval: a model for the second leg of a pivot, unpacked into the packages folder by
    another machine, is tested and the failed draft is queued again and made within 60 s, with no command."""
    packages_dir = tmp_path / "models"
    shutil.copytree(argos_dir / "packages", packages_dir)  # ar→en only
    en_fr = build_package(tmp_path / "build", "en", "fr")
    (tmp_path / "data").mkdir()
    stack, drop = embedded(tmp_path / "data", argos_dir, packages_dir, ADAPTDESK_RELAY_INTERVAL=None)
    try:
        stack.start_web()
        stack.start_worker()
        # Woken by each write to the broker's file (Linux reports them), looking now and then in case one is missed.
        assert (
            f"Embedded broker: woken by each write to {tmp_path / 'data' / 'broker.db'} (and looking every "
            f"{WATCHED_POLL_SECONDS:g} s in case one is missed)" in stack.log("worker")
        )
        reporter = stack.user("reporter", "Ahmad Abdallah", "reporter")
        adaptor = stack.user("adaptor", "Nadine Sassine", "adaptor")
        adaptation_id = submit(stack, reporter, "fr", 3)
        failed = stack.wait_for(adaptor, adaptation_id, {"draft_ready", "mt_failed"})
        assert failed["state"] == "mt_failed" and failed["draft"]["error_code"] == "missing_model"

        with zipfile.ZipFile(en_fr) as archive:  # as another machine would: no command, no installer
            archive.extractall(tmp_path / "incoming")
        shutil.move(tmp_path / "incoming" / "translate-en_fr-1_0", packages_dir / "translate-en_fr-1_0")
        placed = time.monotonic()
        data = stack.wait_for(adaptor, adaptation_id, {"draft_ready"}, timeout=90)
        assert time.monotonic() - placed < 60
        assert all(seg["mt"] for seg in data["draft"]["segments"])
        assert [(h["action"], h["actor"]) for h in data["history"] if h["action"] == "redraft"] == [
            ("redraft", None)
        ]
    finally:
        stack.stop_all()
        drop()
