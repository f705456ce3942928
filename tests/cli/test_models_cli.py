"""`adaptdesk models list | import | install`, run as a real command on a temporary data folder."""

from __future__ import annotations

import ast
import json
import socket
import time
import zipfile
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli, run_python

NO_MODELS = (
    "No translation models installed",
    "adaptdesk models install ar en",
    "adaptdesk models import FILE.argosmodel",
)


def listed(env: dict[str, str]) -> dict:
    result = run_cli(env, "models", "list", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_refused(result, *words: str) -> str:
    """Exit code 1, a last line `Error: …` containing `words`, and no traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.strip().splitlines()[-1].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr
    return result.stderr


# --- list ------------------------------------------------------------------------------------------------


def test_list_says_how_to_install_when_nothing_is_installed(env):
    result = run_cli(env, "models", "list")
    assert result.returncode == 0, result.stderr
    for words in NO_MODELS:
        assert words in result.stdout
    packages_dir = Path(env["ADAPTDESK_DATA_DIR"]) / "argos-packages"
    assert listed(env) == {"packages_dir": str(packages_dir), "models": []}


# --- import ----------------------------------------------------------------------------------------------


def test_import_installs_into_the_data_folder_and_list_shows_the_pair(env, tiny_package):
    result = run_cli(env, "models", "import", str(tiny_package))
    assert result.returncode == 0, result.stderr
    assert "Installed Arabic → English (translate-ar_en-1_0, version 1.0," in result.stdout

    packages_dir = Path(env["ADAPTDESK_DATA_DIR"]) / "argos-packages"
    assert (packages_dir / "translate-ar_en-1_0" / "model" / "model.bin").is_file()
    listing = listed(env)
    assert listing["packages_dir"] == str(packages_dir)
    [model] = listing["models"]
    assert (model["from_code"], model["to_code"], model["from_name"], model["to_name"]) == (
        "ar",
        "en",
        "Arabic",
        "English",
    )
    assert model["name"] == "translate-ar_en-1_0" and model["version"] == "1.0"
    assert model["path"] == str(packages_dir / "translate-ar_en-1_0")
    assert 1_000_000 < model["size_bytes"] < 5_000_000

    text = run_cli(env, "models", "list")
    assert text.returncode == 0, text.stderr
    assert "Arabic → English (ar-en)" in text.stdout and "translate-ar_en-1_0" in text.stdout
    assert f"{model['size_mb']:.1f} MB" in text.stdout and model["path"] in text.stdout
    assert "No translation models installed" not in text.stdout


def test_the_worker_translates_with_a_model_the_cli_imported(env, tiny_package):
    assert run_cli(env, "models", "import", str(tiny_package)).returncode == 0
    code = (
        "from workflow.config import Settings\nfrom workflow.mt.engine import engine_for\n"
        "engine = engine_for(Settings.from_env())\n"
        "print(engine.translate_segments(['استقبلت بيونغ يانغ الرئيس.'], 'ar', 'en'))"
    )
    result = run_python(env, code)
    assert result.returncode == 0, result.stderr
    [translation] = ast.literal_eval(result.stdout)
    assert translation.strip()


def test_import_honours_argos_packages_dir(env, tiny_package, tmp_path):
    env = {**env, "ARGOS_PACKAGES_DIR": str(tmp_path / "shared-models")}
    assert run_cli(env, "models", "import", str(tiny_package)).returncode == 0
    assert (tmp_path / "shared-models" / "translate-ar_en-1_0" / "metadata.json").is_file()
    assert not (Path(env["ADAPTDESK_DATA_DIR"]) / "argos-packages").exists()
    assert listed(env)["packages_dir"] == str(tmp_path / "shared-models")


def _text(path: Path) -> Path:
    path.write_text("not a model")
    return path


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path


BAD_FILES = {
    "text": (_text, "it is not a zip archive"),
    "zip-without-metadata": (
        lambda path: _zip(path, {"pkg/readme.txt": "hi"}),
        "pkg/metadata.json is missing",
    ),
    "two-top-folders": (
        lambda path: _zip(path, {"a/metadata.json": "{}", "b/x": ""}),
        "exactly one top folder",
    ),
    "no-ctranslate2-model": (
        lambda path: _zip(
            path,
            {
                "pkg/metadata.json": json.dumps({"from_code": "ar", "to_code": "en"}),
                "pkg/sentencepiece.model": "",
            },
        ),
        "no CTranslate2 model",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_import_refuses_a_bad_file_and_installs_nothing(env, tmp_path, kind):
    make, words = BAD_FILES[kind]
    path = make(tmp_path / f"{kind}.argosmodel")
    assert_refused(run_cli(env, "models", "import", str(path)), f"{kind}.argosmodel", words)
    assert listed(env)["models"] == []


def test_import_of_a_missing_file_says_so(env, tmp_path):
    assert_refused(
        run_cli(env, "models", "import", str(tmp_path / "nowhere.argosmodel")),
        "nowhere.argosmodel does not exist",
    )


# --- install ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["option", "environment"])
def test_install_without_a_reachable_index_fails_fast_and_clearly(env, how):
    url = "http://127.0.0.1:9/index.json"  # the discard port: nobody listens
    args = ["models", "install", "ar", "en"]
    if how == "option":
        args += ["--index-url", url]
    else:
        env = {**env, "ARGOS_PACKAGE_INDEX": url}
    started = time.monotonic()
    result = run_cli(env, *args, timeout=30)
    assert time.monotonic() - started < 15
    assert_refused(
        result, f"Could not reach the Argos package index at {url}", "adaptdesk models import FILE.argosmodel"
    )
    assert listed(env)["models"] == []


def test_install_gives_up_on_an_index_that_never_answers(env):
    with socket.socket() as silent:  # accepts connections (backlog) but never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/index.json"
        started = time.monotonic()
        result = run_cli(
            env, "models", "install", "ar", "en", "--index-url", url, "--timeout", "2", timeout=30
        )
        elapsed = time.monotonic() - started
    assert elapsed < 15
    assert_refused(result, "Could not reach the Argos package index", "within 2 s")


def _index(tmp_path: Path, entries: list[dict]) -> str:
    path = tmp_path / "index" / "index.json"
    path.parent.mkdir()
    path.write_text(json.dumps(entries))
    return path.as_uri()


def test_install_downloads_the_pair_from_the_index(env, tiny_package, tmp_path):
    url = _index(
        tmp_path,
        [
            {"type": "translate", "from_code": "en", "to_code": "ar", "package_version": "1.0", "links": []},
            {
                "type": "translate",
                "from_code": "ar",
                "to_code": "en",
                "package_version": "1.0",
                "links": [tiny_package.as_uri()],
            },
        ],
    )
    result = run_cli(env, "models", "install", "ar", "en", "--index-url", url)
    assert result.returncode == 0, result.stderr
    assert "Installed Arabic → English (translate-ar_en-1_0" in result.stdout
    assert [m["code"] for m in listed(env)["models"]] == ["ar-en"]


def test_install_of_a_pair_the_index_lacks_says_so(env, tmp_path):
    url = _index(tmp_path, [{"type": "translate", "from_code": "en", "to_code": "fr", "links": []}])
    assert_refused(
        run_cli(env, "models", "install", "ar", "sw", "--index-url", url),
        "The Argos package index has no ar → sw model",
    )


def test_install_refuses_something_that_is_not_a_language_code(env):
    result = run_cli(env, "models", "install", "arabic!", "en")
    assert result.returncode == 2
    assert "'arabic!' is not a language code" in result.stderr
