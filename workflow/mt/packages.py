"""Installed Argos Translate model packages: list them, import a `.argosmodel` file, install from the index.

Installed packages are read straight from their `metadata.json` (argostranslate caches its own view for the
life of the process). Installing puts a package's folder where `argostranslate.package.install_from_path()`
would, but atomically (unpacked beside the packages folder, then renamed in). argostranslate is imported
only inside functions, after `ensure_argos_environment()` has pointed it at our folders.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

_URL_SCHEMES = ("http://", "https://", "file://")


class MTError(Exception):
    """A machine-translation error with a message for the user."""


class InvalidPackageError(MTError):
    """A file that is not an installable Argos translation package."""


class ModelDownloadError(MTError):
    """The Argos package index or a package download could not be reached (may work later)."""


class ModelNotInIndexError(ModelDownloadError):
    """The Argos package index has no package for the requested pair."""


@dataclass(frozen=True)
class Pair:
    """An installed translation package."""

    from_code: str
    to_code: str
    from_name: str
    to_name: str
    name: str  #: package folder name, e.g. translate-ar_en-1_0
    version: str  #: package_version from metadata.json
    size_bytes: int  #: disk size of the installed folder
    path: str  #: installed folder

    @property
    def code(self) -> str:
        """`ar-en` style identifier of the language pair."""
        return f"{self.from_code}-{self.to_code}"


def format_size(size_bytes: int) -> str:
    """`1.2 MB`-style size of a package (1 MB = 1,000,000 bytes)."""
    return f"{size_bytes / 1_000_000:.1f} MB"


# --- folders and argostranslate's environment -------------------------------------------------------------


def ensure_argos_environment(packages_dir: Path) -> None:
    """Point argostranslate at `packages_dir` before it is imported; check it agrees if it already was.

    Sets ARGOS_PACKAGES_DIR and, when unset, XDG_DATA_HOME / XDG_CONFIG_HOME / XDG_CACHE_HOME to `data`,
    `config` and `cache` next to `packages_dir`, so argostranslate creates nothing under the home folder.
    """
    packages_dir = Path(packages_dir)
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    for variable, folder in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        os.environ.setdefault(variable, str(packages_dir.parent / folder))
    argos_settings = _loaded_module("argostranslate.settings")
    if (
        argos_settings is not None
        and Path(argos_settings.package_data_dir).resolve() != packages_dir.resolve()
    ):
        raise MTError(
            f"argostranslate was already imported with packages folder {argos_settings.package_data_dir}, "
            f"but Adaptdesk uses {packages_dir}. Set ARGOS_PACKAGES_DIR before the process starts."
        )


def _loaded_module(name: str):
    return sys.modules.get(name)


# --- listing --------------------------------------------------------------------------------------------


def list_installed(packages_dir: Path) -> list[Pair]:
    """Translation packages installed in `packages_dir`, sorted by pair then newest first."""
    root = Path(packages_dir)
    pairs = []
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            pair = read_installed_package(folder)
            if pair is not None:
                pairs.append(pair)
    pairs.sort(
        key=lambda pair: (pair.from_code, pair.to_code, _negated(version_key(pair.version)), pair.name)
    )
    return pairs


def read_installed_package(folder: Path) -> Pair | None:
    """The Pair for an installed package folder, or None if it is not a translation package."""
    metadata_path = folder / "metadata.json"
    if not metadata_path.is_file():
        return None
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        log.warning("Skipping package %s: unreadable metadata.json (%s)", folder, error)
        return None
    if not isinstance(metadata, dict) or metadata.get("type", "translate") != "translate":
        return None
    from_code, to_code = metadata.get("from_code"), metadata.get("to_code")
    if not isinstance(from_code, str) or not isinstance(to_code, str):
        return None
    size = sum(file.stat().st_size for file in folder.rglob("*") if file.is_file())
    return Pair(
        from_code=from_code,
        to_code=to_code,
        from_name=str(metadata.get("from_name") or from_code),
        to_name=str(metadata.get("to_name") or to_code),
        name=folder.name,
        version=str(metadata.get("package_version", "")),
        size_bytes=size,
        path=str(folder),
    )


def version_key(version: str) -> tuple:
    """Sortable key for versions like `1.9` < `1.10`."""
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[._-]", version or "0"))


def _negated(key: tuple) -> tuple:
    return tuple(-part for part in key)


# --- importing a file -------------------------------------------------------------------------------------


def check_package_file(path: Path | str) -> tuple[str, dict]:
    """Validate a `.argosmodel` file: its top folder name and metadata, or InvalidPackageError."""
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise InvalidPackageError(f"{path} does not exist or is not a file.")
    if not zipfile.is_zipfile(path):
        raise InvalidPackageError(
            f"{label} is not an Argos Translate model: it is not a zip archive. "
            "Use a .argosmodel file from the Argos package index."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for name in names:
                parts = PurePosixPath(name).parts
                if name.startswith("/") or ".." in parts or "\\" in name:
                    raise InvalidPackageError(
                        f"{label} has an unsafe file name ({name!r}); refusing to install it."
                    )
            tops = {PurePosixPath(name).parts[0] for name in names if PurePosixPath(name).parts}
            if len(tops) != 1:
                raise InvalidPackageError(
                    f"{label} is not an Argos Translate model: it must hold exactly one top folder "
                    f"with metadata.json (found {len(tops)} top-level entries)."
                )
            top = tops.pop()
            try:
                metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
            except KeyError:
                raise InvalidPackageError(
                    f"{label} is not an Argos Translate model: {top}/metadata.json is missing."
                ) from None
            except (ValueError, UnicodeDecodeError) as error:
                raise InvalidPackageError(f"{label} has an unreadable metadata.json ({error}).") from None
            present = set(names)
    except zipfile.BadZipFile as error:
        raise InvalidPackageError(f"{label} is a damaged zip archive ({error}).") from None
    if not isinstance(metadata, dict):
        raise InvalidPackageError(f"{label} has a metadata.json that is not a JSON object.")
    kind = metadata.get("type", "translate")
    if kind != "translate":
        raise InvalidPackageError(f"{label} is an Argos package of type {kind!r}, not a translation model.")
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise InvalidPackageError(f"{label} has no {key} in its metadata.json.")
    if f"{top}/model/model.bin" not in present:
        raise InvalidPackageError(f"{label} has no CTranslate2 model ({top}/model/model.bin is missing).")
    if f"{top}/sentencepiece.model" not in present and f"{top}/bpe.model" not in present:
        raise InvalidPackageError(f"{label} has no tokenizer (sentencepiece.model or bpe.model).")
    return top, metadata


def import_package(path: Path | str, packages_dir: Path) -> Pair:
    """Validate and install a `.argosmodel` file into the packages folder; returns its Pair.

    The archive is unpacked beside the packages folder and moved in with a rename, so a worker scanning the
    folder never sees a half-written model, and a crash or a full disk mid-way leaves nothing behind.
    """
    top, _metadata = check_package_file(path)
    packages_dir = Path(packages_dir)
    packages_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".adaptdesk-install-", dir=packages_dir.parent))
    try:
        try:
            with zipfile.ZipFile(path) as archive:
                archive.extractall(staging)  # names were checked: no absolute paths, no "..", one top folder
        except (OSError, zipfile.BadZipFile) as error:
            raise InvalidPackageError(f"Installing {Path(path).name} failed: {error}") from error
        pair = read_installed_package(staging / top)
        if pair is None:
            raise InvalidPackageError(
                f"{Path(path).name} was unpacked but {top} is not a translation package."
            )
        _move_into_place(staging / top, packages_dir / top, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _forget_argos_caches()
    return read_installed_package(packages_dir / top) or pair


def _move_into_place(unpacked: Path, final: Path, staging: Path) -> None:
    """Rename the unpacked package to its final folder; an older copy there is swapped out, then deleted."""
    if final.exists():
        # Directories cannot be replaced in one rename: the old copy steps aside into the staging folder
        # (deleted with it) for the instant between the two renames.
        os.replace(final, staging / "replaced")
    os.replace(unpacked, final)


def _forget_argos_caches() -> None:
    """If argostranslate is loaded in this process, make it rescan its packages (as its installer does)."""
    translate = _loaded_module("argostranslate.translate")
    if translate is not None and hasattr(translate.get_installed_languages, "cache_clear"):
        translate.get_installed_languages.cache_clear()


# --- installing from the package index ------------------------------------------------------------------


def package_index_url(index: str) -> str:
    """The index URL to read, from ARGOS_PACKAGE_INDEX's value: a folder URL (as argostranslate takes it,
    ending in `/`) or an index.json URL."""
    if index.endswith(".json"):
        return index
    return index if index.endswith("/") else index + "/"


def install_from_index(
    from_code: str, to_code: str, *, packages_dir: Path, index: str, timeout: float = 10
) -> Pair:
    """Fetch the Argos package index, download the newest from->to package and install it.

    Fails within about `timeout` seconds with ModelDownloadError when the index cannot be reached (the
    deadline covers name resolution, which urllib's own timeout does not).
    """
    index_url = package_index_url(index)
    if not index_url.endswith(".json"):
        index_url += "index.json"
    try:
        raw_index = _fetch(index_url, timeout)
        index = json.loads(raw_index.decode("utf-8"))
    except ModelDownloadError as error:
        raise ModelDownloadError(
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
                target.write_bytes(_fetch(link, timeout, deadline=None))
            except ModelDownloadError as error:
                errors.append(f"{link}: {error}")
                continue
            return import_package(target, packages_dir)
    raise ModelDownloadError(f"Could not download the {from_code} → {to_code} model: {'; '.join(errors)}")


def _save_local_index(raw_index: bytes) -> None:
    """Store the index where argostranslate's get_available_packages() reads it."""
    import argostranslate.settings  # deferred: argos pins its folders on import (see ensure_argos_environment)

    try:
        Path(argostranslate.settings.local_package_index).write_bytes(raw_index)
    except OSError as error:  # only a convenience for the stock tools
        log.warning("Could not save the package index locally: %s", error)


def _fetch(url: str, timeout: float, deadline: float | None = -1.0) -> bytes:
    """GET `url` with a socket timeout, in a thread joined within `deadline` seconds (default: `timeout`)."""
    if not url.startswith(_URL_SCHEMES):
        raise ModelDownloadError(f"unsupported URL {url!r}")
    deadline = timeout if deadline == -1.0 else deadline
    outcome: dict = {}

    def run() -> None:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "Adaptdesk"})
            with urllib.request.urlopen(request, timeout=timeout) as response:
                outcome["data"] = response.read()
        except (urllib.error.URLError, OSError, ValueError) as error:
            outcome["error"] = getattr(error, "reason", None) or error

    thread = threading.Thread(target=run, name="argos-index-fetch", daemon=True)
    thread.start()
    thread.join(deadline)
    if thread.is_alive():
        raise ModelDownloadError(f"no answer within {timeout:g} s")
    if "error" in outcome:
        raise ModelDownloadError(str(outcome["error"]))
    return outcome["data"]
