"""The README's run command on embedded defaults: `adaptdesk serve` with its own Celery worker on the
embedded SQLite broker and a SQLite database — no Redis, no PostgreSQL."""

from __future__ import annotations

import pytest

from tests.support.argos_model import sample_arabic_article
from tests.support.live import LiveStack, free_port, new_database, stack_env

pytestmark = pytest.mark.worker


@pytest.fixture(scope="module")
def embedded_stack(tmp_path_factory, argos_dir):
    data_dir = tmp_path_factory.mktemp("embedded")
    database_url, drop = new_database("sqlite", data_dir)
    env = stack_env(data_dir, database_url, None, argos_dir)
    env.pop("DATABASE_URL")  # the embedded default: SQLite inside the data directory
    stack = LiveStack(env, data_dir, free_port())
    try:
        stack.start_web(with_worker=True)
        yield stack
    finally:
        stack.stop_all()
        drop()


def test_serve_on_embedded_defaults_produces_drafts_and_runs_the_demo(embedded_stack):
    output = embedded_stack.cli("demo")
    assert "Demo users" in output
    adaptor = embedded_stack.user("adaptor2", "Nadine Sassine", "adaptor")
    reporter = embedded_stack.user("reporter2", "Ahmad Abdallah", "reporter")
    response = reporter.post(
        "/api/v1/articles",
        {
            "title": "عنوان التقرير",
            "body": sample_arabic_article(6, seed=2),
            "language": "ar",
            "section": "News",
            "targets": ["en"],
        },
    )
    assert response.status == 201, response.json
    data = embedded_stack.wait_for(
        adaptor, response.json["adaptations"][0]["id"], {"draft_ready", "mt_failed"}, timeout=120
    )
    assert data["state"] == "draft_ready", data["draft"]
    assert all(seg["mt"] for seg in data["draft"]["segments"])
    assert (embedded_stack.data_dir / "adaptdesk.db").exists() and (
        embedded_stack.data_dir / "broker.db"
    ).exists()
    demo = adaptor.get("/api/v1/adaptations/1").json
    assert demo["state"] in ("draft_ready", "queued", "translating")
