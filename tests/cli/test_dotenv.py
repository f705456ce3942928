"""`adaptdesk` reads a `.env` file in the working directory, as Docker Compose does; the real environment wins."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.helpers import run_cli, run_python


def packages_dir_listed(env: dict[str, str], cwd: Path) -> str:
    result = run_cli(env, "models", "list", "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["packages_dir"]


def test_a_dotenv_file_fills_in_what_the_environment_does_not_set(env, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / ".env").write_text(
        f"# settings for this deployment\nADAPTDESK_DATA_DIR={tmp_path / 'from-dotenv'}\n", encoding="utf-8"
    )
    unset = {name: value for name, value in env.items() if name != "ADAPTDESK_DATA_DIR"}
    assert packages_dir_listed(unset, project) == str(tmp_path / "from-dotenv" / "argos-packages")

    # A variable the environment sets wins over the file.
    assert packages_dir_listed(env, project) == str(Path(env["ADAPTDESK_DATA_DIR"]) / "argos-packages")

    # Only the command reads the file: the app factory's settings, in the same folder, do not.
    code = "from workflow.config import Settings\nprint(Settings.from_env().data_dir)"
    result = run_python(unset, code, cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() != str(tmp_path / "from-dotenv")


def test_without_a_dotenv_file_the_environment_alone_counts(env, tmp_path):
    assert packages_dir_listed(env, tmp_path) == str(Path(env["ADAPTDESK_DATA_DIR"]) / "argos-packages")
