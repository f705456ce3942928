"""Installed Argos Translate model packages: list them, and import a `.argosmodel` file (workflow.mt.index
installs one from the package index).

Installed packages are read straight from their `metadata.json` (argostranslate caches its own view for the
life of the process). Installing puts a package's folder where `argostranslate.package.install_from_path()`
would, but atomically (unpacked beside the packages folder, then renamed in), and only after the archive
passed its size caps and its model loaded and translated a sentence in a child process (workflow.mt.probe).
That check is recorded in the package folder (CHECK_FILE), so listings and /readyz count only models that
load; a package placed in the folder by other means is checked by the workers (or `models list`) first.
argostranslate is imported only inside functions, after `ensure_argos_environment()` has pointed it at our
folders.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

log = logging.getLogger(__name__)

#: The file in a package folder recording whether its model loaded (and for which model.bin).
CHECK_FILE = ".adaptdesk-check.json"
LOADS, BROKEN, UNCHECKED = "ok", "broken", "unchecked"
#: Checks of packages whose folder could not take CHECK_FILE (read-only), by (folder, model signature).
_checks_in_memory: dict[tuple[str, tuple], str] = {}


class MTError(Exception):
    """A machine-translation error with a message for the user."""


class InvalidPackageError(MTError):
    """A file that is not an installable Argos translation package."""


class ModelDownloadError(MTError):
    """The Argos package index or a package download could not be reached (may work later)."""


class IndexUnreachableError(ModelDownloadError):
    """The Argos package index could not be reached (offline, or the index is down)."""


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
    status: str = "unchecked"  #: "ok" (its model loaded and translated), "broken", or "unchecked" yet
    problem: str = ""  #: why a broken package does not load

    @property
    def loads(self) -> bool:
        """Whether the model was tested and translates."""
        return self.status == LOADS

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
    status, problem = _recorded_check(folder)
    return Pair(
        from_code=from_code,
        to_code=to_code,
        from_name=str(metadata.get("from_name") or from_code),
        to_name=str(metadata.get("to_name") or to_code),
        name=folder.name,
        version=str(metadata.get("package_version", "")),
        size_bytes=size,
        path=str(folder),
        status=status,
        problem=problem,
    )


def _model_signature(folder: Path) -> tuple | None:
    """Size and modification time of the package's model.bin: a check holds only for the same file."""
    try:
        stat = (folder / "model" / "model.bin").stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def _recorded_check(folder: Path) -> tuple[str, str]:
    """(status, problem) of the package's last check, if it was of its current model.bin."""
    signature = _model_signature(folder)
    if signature is None:
        return BROKEN, "its model/model.bin is missing"
    remembered = _checks_in_memory.get((str(folder), signature))
    if remembered is not None:
        return (LOADS, "") if remembered == "" else (BROKEN, remembered)
    try:
        record = json.loads((folder / CHECK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UNCHECKED, ""
    if not isinstance(record, dict) or record.get("model") != list(signature):
        return UNCHECKED, ""
    problem = str(record.get("problem") or "")
    return (BROKEN, problem) if problem else (LOADS, "")


def record_check(folder: Path, problem: str | None) -> None:
    """Record in the package folder that its model loads (problem None) or why it does not."""
    folder = Path(folder)
    signature = _model_signature(folder)
    if signature is None:
        return
    try:
        (folder / CHECK_FILE).write_text(json.dumps({"model": list(signature), "problem": problem or ""}))
    except OSError as error:  # a read-only folder: this process remembers it instead
        log.info("Could not record the check of %s (%s); keeping it in memory", folder, error)
        _checks_in_memory[(str(folder), signature)] = problem or ""


def version_key(version: str) -> tuple:
    """Sortable key for versions like `1.9` < `1.10`."""
    return tuple(int(part) if part.isdigit() else 0 for part in re.split(r"[._-]", version or "0"))


def _negated(key: tuple) -> tuple:
    return tuple(-part for part in key)


# --- importing a file -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveLimits:
    """Caps on what a package archive may unpack to (a small zip must not fill the disk)."""

    max_unpacked_bytes: int = 4 * 1024**3  #: ADAPTDESK_MAX_MODEL_UNPACKED_BYTES
    max_ratio: int = 20  #: ADAPTDESK_MAX_MODEL_RATIO: unpacked size ÷ archive size

    @classmethod
    def from_app_settings(cls, settings) -> ArchiveLimits:
        """The caps set in Adaptdesk's settings."""
        return cls(settings.max_model_unpacked_bytes, settings.max_model_ratio)


def _check_archive_size(
    label: str, archive: zipfile.ZipFile, archive_bytes: int, limits: ArchiveLimits
) -> None:
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limits.max_unpacked_bytes:
        raise InvalidPackageError(
            f"{label} would unpack to {format_size(unpacked)}, more than the {format_size(limits.max_unpacked_bytes)} "
            "allowed (ADAPTDESK_MAX_MODEL_UNPACKED_BYTES); nothing was installed."
        )
    ratio = unpacked / max(archive_bytes, 1)
    if ratio > limits.max_ratio:
        raise InvalidPackageError(
            f"{label} would unpack to {ratio:.0f} times its own size ({format_size(archive_bytes)} → "
            f"{format_size(unpacked)}), more than the {limits.max_ratio}× allowed (ADAPTDESK_MAX_MODEL_RATIO): "
            "real models barely compress, so it is refused as a zip bomb; nothing was installed."
        )


def check_package_file(path: Path | str, limits: ArchiveLimits | None = None) -> tuple[str, dict]:
    """Validate a `.argosmodel` file: its top folder name and metadata, or InvalidPackageError."""
    path = Path(path)
    limits = limits or ArchiveLimits()
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
            _check_archive_size(label, archive, path.stat().st_size, limits)
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


def import_package(path: Path | str, packages_dir: Path, *, limits: ArchiveLimits | None = None) -> Pair:
    """Validate, test and install a `.argosmodel` file into the packages folder; returns its Pair.

    The archive is unpacked beside the packages folder, its model loaded and tried on one sentence in a child
    process, and only then moved in with a rename, so a worker scanning the folder never sees a half-written
    or broken model, and a crash or a full disk mid-way leaves nothing behind.
    """
    from .probe import probe_package  # the probe module runs the engine, which imports this one

    top, _metadata = check_package_file(path, limits)
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
        problem = probe_package(staging / top)
        if problem:
            raise InvalidPackageError(
                f"{Path(path).name} was refused: its model could not load and translate a test sentence "
                f"({problem}). Nothing was installed; get a good copy of the package and import it again."
            )
        record_check(staging / top, None)
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
