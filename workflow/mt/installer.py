"""Installing an uploaded model for the web app: `adaptdesk models import --json FILE` in a child process.

argostranslate fixes its folders when first imported; running the import in a fresh interpreter keeps the
long-running web process from ever importing it (and from pinning its folders).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from ..config import Settings
from .packages import MTError, Pair

log = logging.getLogger(__name__)

#: Seconds the web app lets `models import` run (a ~100 MB package unzips in a few seconds).
IMPORT_TIMEOUT_SECONDS = 600


def import_in_child_process(
    path: Path,
    settings: Settings,
    *,
    display_name: str | None = None,
    timeout: float = IMPORT_TIMEOUT_SECONDS,
) -> tuple[Pair, int]:
    """Run `adaptdesk models import --json PATH` in a fresh interpreter on `settings`' packages folder.

    Returns the installed Pair and how many failed drafts it queued again; raises MTError with the command's
    message in words (the file's temporary name replaced by `display_name`), also when the command could not
    run or timed out.
    """
    env = {
        **os.environ,
        "ADAPTDESK_DATA_DIR": str(settings.data_dir),
        "ARGOS_PACKAGES_DIR": str(settings.argos_packages_dir),
    }
    try:
        # --no-audit: the web app records the upload itself, under the admin who sent it.
        command = [sys.executable, "-m", "workflow.cli", "models", "import", "--json", "--no-audit"]
        command.append(str(path))
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise MTError(
            f"Installing the model took longer than {timeout:g} s and was stopped. "
            "Try again, or install it on the server: adaptdesk models import FILE.argosmodel"
        ) from None
    except OSError as exc:
        raise MTError(f"Could not start the model installer ({exc}).") from None
    if result.returncode == 0:
        try:
            record = json.loads(result.stdout)
            return Pair(**{field: record[field] for field in Pair.__dataclass_fields__}), int(
                record["requeued"]
            )
        except (ValueError, KeyError, TypeError):
            output = result.stdout[-300:]
            raise MTError(f"The model installer printed something unexpected: {output!r}") from None
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    if result.returncode == 1 and errors:
        message = errors[-1].removeprefix("Error: ")
        if display_name:  # the file name as a word of its own, not inside ".argosmodel" or a path
            own_word = rf"(?<![\w./-]){re.escape(path.name)}(?![\w-]|\.\w)"
            message = re.sub(own_word, lambda _match: display_name, message)
        raise MTError(message)
    log.error("adaptdesk models import %s failed (exit code %s):\n%s", path, result.returncode, result.stderr)
    raise MTError(
        f"The model installer failed unexpectedly (exit code {result.returncode}); "
        "the server log has the details."
    )
