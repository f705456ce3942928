"""The admin models page through the test client: access, the installed list, uploads, missing-model pairs.

Each test gets its own data folder and Argos packages folder (the app's settings are swapped for the test),
and models are installed by `adaptdesk models import` in a subprocess, as the page itself does.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.cli.helpers import cli_env, run_cli
from tests.support.argos_model import build_package
from tests.support.factories import csrf_token, login, make_article, make_user, post_form
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import DraftError
from workflow.mt.engine import MissingModelError
from workflow.services import drafts as draft_service

PACKAGE = "translate-ar_en-1_0"


@pytest.fixture(scope="session")
def tiny_package(tmp_path_factory) -> Path:
    """A real (random-weight) Arabic → English `.argosmodel`, about 1.5 MB."""
    return build_package(tmp_path_factory.mktemp("argos-build"), "ar", "en", size="tiny")


@pytest.fixture()
def settings(app, tmp_path):
    """The app's settings for this test: an empty data folder and Argos packages folder of its own."""
    saved = app.config["ADAPTDESK"]
    app.config["ADAPTDESK"] = replace(
        saved, data_dir=tmp_path / "data", argos_packages_dir=tmp_path / "data" / "argos-packages"
    )
    yield app.config["ADAPTDESK"]
    app.config["ADAPTDESK"] = saved


@pytest.fixture()
def admin(client, settings):
    """An admin, logged in on `client`."""
    person = make_user(Role.ADMIN, username="root", name="Rania Admin")
    login(client, person)
    return person


def installed(settings) -> list[str]:
    """Names of the package folders in the settings' packages folder."""
    folder = Path(settings.argos_packages_dir)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def leftover_uploads(settings) -> list[Path]:
    folder = Path(settings.data_dir) / "uploads"
    return list(folder.iterdir()) if folder.is_dir() else []


def upload(client, content: bytes, filename: str = "model.argosmodel", *, csrf: bool = True):
    """POST a file through the upload form, as a browser does.

    The body is encoded in memory: the test client spools bodies over 500 KB to a temporary file it never
    closes (a ResourceWarning, hence an error here).
    """
    fields = {"package": FileStorage(io.BytesIO(content), filename, content_type="application/octet-stream")}
    if csrf:
        fields["csrf_token"] = csrf_token(client)
    boundary, body = encode_multipart(fields)
    return client.post("/admin/models", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def page_error(html: str) -> str:
    match = re.search(r'<p class="error" role="alert" id="upload-error">(.*?)</p>', html, re.S)
    assert match, "the page shows no upload error"
    return match.group(1)


def junk_zip(size: int = 0) -> bytes:
    """A zip that is not an Argos package, padded to about `size` bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("pkg/readme.txt", "hello")
        archive.writestr("pkg/padding.bin", b"\0" * size)
    return buffer.getvalue()


# --- access ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_people_are_sent_to_log_in(client, settings, method):
    response = upload(client, b"junk") if method == "post" else client.get("/admin/models")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert installed(settings) == [] and leftover_uploads(settings) == []


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.EDITOR])
def test_other_roles_are_refused(client, settings, tiny_package, role):
    login(client, make_user(role))
    assert client.get("/admin/models").status_code == 403
    response = upload(client, tiny_package.read_bytes()[:1_000_000])  # under the app-wide 2 MB limit
    assert response.status_code == 403
    assert "It is for: admins" in response.get_data(as_text=True)
    assert installed(settings) == []


def test_the_large_upload_limit_is_for_admins_only(client, settings):
    login(client, make_user(Role.EDITOR))
    response = upload(client, junk_zip(3 * 1024 * 1024))  # over MAX_CONTENT_LENGTH (2 MB)
    assert response.status_code == 413
    assert "Translation models" not in response.get_data(as_text=True)
    assert leftover_uploads(settings) == []


def test_an_upload_without_a_csrf_token_is_refused(client, admin, settings, tiny_package):
    response = upload(client, tiny_package.read_bytes(), csrf=False)
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert installed(settings) == [] and leftover_uploads(settings) == []


# --- listing -----------------------------------------------------------------------------------------


def test_with_no_model_the_page_says_so_and_how_to_install(client, admin, settings):
    response = client.get("/admin/models")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="no-models"' in html and "No translation models are installed" in html
    assert "adaptdesk models install ar en" in html
    assert str(settings.argos_packages_dir) in html
    assert 'enctype="multipart/form-data"' in html and "up to 1 GiB" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_a_model_installed_on_the_server_is_listed(client, admin, settings, tiny_package):
    env = cli_env(Path(settings.data_dir).parent, ADAPTDESK_DATA_DIR=str(settings.data_dir))
    result = run_cli(env, "models", "import", str(tiny_package))
    assert result.returncode == 0, result.stderr

    html = client.get("/admin/models").get_data(as_text=True)
    row = re.search(rf'<tr id="model-{PACKAGE}">.*?</tr>', html, re.S)
    assert row, html
    text = " ".join(re.sub(r"<[^>]+>", " ", row.group(0)).split())
    assert "Arabic → to English ar-en" in text
    assert PACKAGE in text and "1.0" in text and re.search(r"\d\.\d MB", text)
    assert "Loads" in text  # tested when installed
    assert 'id="no-models"' not in html


# --- uploads -----------------------------------------------------------------------------------------


def test_an_uploaded_package_is_installed_and_listed(client, admin, settings, tiny_package):
    response = upload(client, tiny_package.read_bytes(), "translate-ar_en-1_0.argosmodel")
    assert response.status_code == 302, page_error(response.get_data(as_text=True))
    assert response.headers["Location"] == f"/admin/models#model-{PACKAGE}"
    assert installed(settings) == [PACKAGE]
    assert (Path(settings.argos_packages_dir) / PACKAGE / "model" / "model.bin").is_file()
    assert leftover_uploads(settings) == []

    html = client.get("/admin/models").get_data(as_text=True)
    assert "Installed Arabic → English (translate-ar_en-1_0, version 1.0" in html
    assert "0 failed draft(s) queued again" in html  # the import's count: this test's drafts are uncommitted
    assert f'<tr id="model-{PACKAGE}">' in html


def test_a_junk_file_is_refused_in_words_and_nothing_is_installed(client, admin, settings):
    response = upload(client, b"this is not a model", "نموذج.argosmodel")
    assert response.status_code == 400
    assert page_error(response.get_data(as_text=True)) == (
        "Nothing was installed: نموذج.argosmodel is not an Argos Translate model: it is not a zip archive. "
        "Use a .argosmodel file from the Argos package index."
    )
    assert installed(settings) == [] and leftover_uploads(settings) == []


def test_a_file_above_the_app_wide_limit_reaches_the_installer(client, admin, settings):
    response = upload(client, junk_zip(3 * 1024 * 1024), "big.argosmodel")  # MAX_CONTENT_LENGTH is 2 MB
    assert response.status_code == 400
    assert "big.argosmodel is not an Argos Translate model: pkg/metadata.json is missing" in page_error(
        response.get_data(as_text=True)
    )
    assert installed(settings) == [] and leftover_uploads(settings) == []


def test_a_file_above_the_model_limit_is_refused_on_the_page(app, client, admin, settings):
    app.config["ADAPTDESK"] = replace(settings, max_model_bytes=3 * 1024 * 1024)  # `settings` restores it
    response = upload(client, junk_zip(4 * 1024 * 1024), "huge.argosmodel")
    assert response.status_code == 413
    error = page_error(response.get_data(as_text=True))
    assert (
        "The file is too large (4.2 MB): uploads here are limited to 3 MiB (ADAPTDESK_MAX_MODEL_BYTES)"
        in error
    )
    assert "adaptdesk models import FILE.argosmodel" in error
    assert installed(settings) == [] and leftover_uploads(settings) == []


def test_sending_the_form_without_a_file_asks_for_one(client, admin, settings):
    response = post_form(client, "/admin/models", {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert (
        page_error(response.get_data(as_text=True))
        == "Choose a .argosmodel file to upload, then press Install."
    )


# --- drafts that had no model ------------------------------------------------------------------------


def fail_for_missing_model(target: str, message: str | None = None) -> None:
    """An Arabic original whose `target` draft failed as the worker fails it when no model is installed
    (or, given a `message`, failed for another reason)."""
    article = make_article(targets=[target])
    draft = article.adaptations[0].draft
    if message is None:
        draft_service.fail_draft(
            db.session, draft.id, str(MissingModelError("ar", target)), code=DraftError.MISSING_MODEL
        )
    else:
        draft_service.fail_draft(db.session, draft.id, message)
    db.session.commit()
    assert article.adaptations[0].state == State.MT_FAILED.value


def test_pairs_drafts_had_no_model_for_are_shown_with_the_command(client, admin, settings):
    fail_for_missing_model("fr")
    fail_for_missing_model("fr")
    fail_for_missing_model("de", "The model crashed: out of memory")  # another failure: not a missing model
    html = client.get("/admin/models").get_data(as_text=True)
    row = re.search(r'<tr id="missing-ar-fr">.*?</tr>', html, re.S)
    assert row, html
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    assert cells[:2] == ["2", "2"]  # two failed drafts, both adaptations still waiting
    assert "Missing" in row.group(0)
    assert "<code>adaptdesk models install ar fr</code>" in row.group(0)
    assert "<code>adaptdesk models install ar en</code>" in row.group(0)  # or through English
    assert 'id="missing-ar-de"' not in html


def test_a_pair_installed_since_the_failure_is_marked_installed(client, admin, settings, tiny_package):
    fail_for_missing_model("en")
    assert upload(client, tiny_package.read_bytes()).status_code == 302
    html = client.get("/admin/models").get_data(as_text=True)
    row = re.search(r'<tr id="missing-ar-en">.*?</tr>', html, re.S)
    assert row and "Installed now" in row.group(0) and "models install" not in row.group(0)


def test_the_admin_pages_link_to_each_other(client, admin):
    assert 'href="/admin/models"' in client.get("/admin/users").get_data(as_text=True)
    assert 'href="/admin/users"' in client.get("/admin/models").get_data(as_text=True)


def test_failed_drafts_are_retried_from_the_page_once_the_model_is_installed(
    client, admin, settings, tiny_package
):
    fail_for_missing_model("en")
    assert upload(client, tiny_package.read_bytes()).status_code == 302
    html = client.get("/admin/models").get_data(as_text=True)
    row = re.search(r'<tr id="missing-ar-en">.*?</tr>', html, re.S)
    assert row and "Retry drafts" in row.group(0)
    response = post_form(client, "/admin/models/retry", {"source": "ar", "target": "en"})
    assert response.status_code == 302
    assert "1 draft(s) queued again." in client.get("/admin/models").get_data(as_text=True)
    from sqlalchemy import select

    from workflow.models import Adaptation

    states = db.session.scalars(select(Adaptation.state).where(Adaptation.language == "en")).all()
    assert states and set(states) == {State.QUEUED.value}
