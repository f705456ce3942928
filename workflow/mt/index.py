"""Installing a model from the Argos package index: read the index, download the newest package for a pair
(with its progress), then install it as `import_package` does (tested before it is swapped in).

argostranslate is imported only inside functions, after `ensure_argos_environment()` has pointed it at our
folders.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .packages import (
    ArchiveLimits,
    IndexUnreachableError,
    ModelDownloadError,
    ModelNotInIndexError,
    Pair,
    ensure_argos_environment,
    import_package,
    version_key,
)

log = logging.getLogger(__name__)

_URL_SCHEMES = ("http://", "https://", "file://")
#: Bytes read at a time while downloading a package (each read reports progress).
DOWNLOAD_CHUNK = 256 * 1024

#: Told (bytes so far, total bytes or None) as a package downloads.
DownloadProgress = Callable[[int, int | None], None]


def package_index_url(index: str) -> str:
    """The index URL to read, from ARGOS_PACKAGE_INDEX's value: a folder URL (as argostranslate takes it,
    ending in `/`) or an index.json URL."""
    if index.endswith(".json"):
        return index
    return index if index.endswith("/") else index + "/"


def install_from_index(
    from_code: str,
    to_code: str,
    *,
    packages_dir: Path,
    index: str,
    timeout: float = 10,
    limits: ArchiveLimits | None = None,
    on_download: DownloadProgress | None = None,
) -> Pair:
    """Fetch the Argos package index, download the newest from->to package, test it and install it.

    Fails within about `timeout` seconds with ModelDownloadError when the index cannot be reached (the
    deadline covers name resolution, which urllib's own timeout does not). `on_download(done, total)` hears
    of the download's progress in bytes (total None when the server does not say).
    """
    index_url = package_index_url(index)
    if not index_url.endswith(".json"):
        index_url += "index.json"
    try:
        raw_index = _fetch(index_url, timeout)
        index = json.loads(raw_index.decode("utf-8"))
    except ModelDownloadError as error:
        raise IndexUnreachableError(
            f"Could not reach the Argos package index at {index_url} ({error}). "
            "Check the internet connection, or download the .argosmodel file on another machine "
            "and import it: adaptdesk models import FILE.argosmodel"
        ) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ModelDownloadError(
            f"The Argos package index at {index_url} is not valid JSON ({error})."
        ) from None
    if not isinstance(index, list):
        raise ModelDownloadError(f"The Argos package index at {index_url} is not a list of packages.")

    candidates = [
        entry
        for entry in index
        if isinstance(entry, dict)
        and entry.get("type", "translate") == "translate"
        and entry.get("from_code") == from_code
        and entry.get("to_code") == to_code
    ]
    if not candidates:
        raise ModelNotInIndexError(
            f"The Argos package index has no {from_code} → {to_code} model. "
            "Check the language codes, or translate through English if both halves exist."
        )
    entry = max(candidates, key=lambda item: version_key(str(item.get("package_version", ""))))
    links = [
        link for link in entry.get("links", []) if isinstance(link, str) and link.startswith(_URL_SCHEMES)
    ]
    if not links:
        raise ModelDownloadError(f"The index entry for {from_code} → {to_code} has no download link.")

    packages_dir = Path(packages_dir)
    packages_dir.mkdir(parents=True, exist_ok=True)
    ensure_argos_environment(packages_dir)
    _save_local_index(raw_index)

    errors = []
    for link in links:
        with tempfile.TemporaryDirectory(dir=packages_dir.parent) as work:
            target = Path(work) / f"translate-{from_code}_{to_code}.argosmodel"
            try:
                # No overall deadline here (a real package is ~100 MB); each socket read still times out.
                _download(link, target, timeout, on_download)
            except ModelDownloadError as error:
                errors.append(f"{link}: {error}")
                continue
            return import_package(target, packages_dir, limits=limits)
    raise ModelDownloadError(f"Could not download the {from_code} → {to_code} model: {'; '.join(errors)}")


def _save_local_index(raw_index: bytes) -> None:
    """Store the index where argostranslate's get_available_packages() reads it."""
    import argostranslate.settings  # deferred: argos pins its folders on import (see ensure_argos_environment)

    try:
        Path(argostranslate.settings.local_package_index).write_bytes(raw_index)
    except OSError as error:  # only a convenience for the stock tools
        log.warning("Could not save the package index locally: %s", error)


def _download(url: str, target: Path, timeout: float, on_download: DownloadProgress | None) -> None:
    """GET `url` into `target` in chunks, each socket read timing out after `timeout` seconds."""
    if not url.startswith(_URL_SCHEMES):
        raise ModelDownloadError(f"unsupported URL {url!r}")
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "Adaptdesk"})
        with urllib.request.urlopen(request, timeout=timeout) as response, open(target, "wb") as out:
            length = response.headers.get("Content-Length") if response.headers else None
            total = int(length) if length and length.isdigit() else None
            done = 0
            while chunk := response.read(DOWNLOAD_CHUNK):
                out.write(chunk)
                done += len(chunk)
                if on_download is not None:
                    on_download(done, total)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ModelDownloadError(str(getattr(error, "reason", None) or error)) from None


def _fetch(url: str, timeout: float) -> bytes:
    """GET `url` with a socket timeout, in a thread joined within `timeout` seconds."""
    if not url.startswith(_URL_SCHEMES):
        raise ModelDownloadError(f"unsupported URL {url!r}")
    silent = f"no answer within {timeout:g} s"
    outcome: dict = {}

    def run() -> None:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "Adaptdesk"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                outcome["data"] = response.read()
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", None) or error
            # The socket's own timeout and the join's below end together: either way, the same words.
            outcome["error"] = silent if isinstance(reason, TimeoutError) else reason

    thread = threading.Thread(target=run, name="argos-index-fetch", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise ModelDownloadError(silent)
    if "error" in outcome:
        raise ModelDownloadError(str(outcome["error"]))
    return outcome["data"]
