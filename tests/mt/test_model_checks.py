"""A model is tested before it is installed: archive caps, its model loaded and tried in a child process;
packages placed by other means are tested later; only models that load are chosen, counted and warmed."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from workflow.mt.engine import EngineSettings, MissingModelError, TranslationEngine
from workflow.mt.packages import (
    CHECK_FILE,
    ArchiveLimits,
    InvalidPackageError,
    import_package,
    list_installed,
    read_installed_package,
)
from workflow.mt.probe import check_new_packages, probe_package

TOP = "translate-ar_en-1_0"


def rewritten(
    package: Path, target: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> Path:
    """A copy of a real package with some files replaced or added (compressed as deflate)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            relative = info.filename.split("/", 1)[1]
            copy.writestr(info.filename, replace.get(relative, source.read(info)), zipfile.ZIP_DEFLATED)
        for relative, data in add.items():
            copy.writestr(f"{TOP}/{relative}", data, zipfile.ZIP_DEFLATED, compresslevel=9)
    return target


def nothing_installed(packages_dir: Path) -> bool:
    return not packages_dir.exists() or list_installed(packages_dir) == []


def test_a_small_archive_unpacking_to_hundreds_of_megabytes_is_refused(argos_home, tmp_path):
    bomb = rewritten(
        argos_home.package("ar", "en"), tmp_path / "bomb.argosmodel", add={"pad": bytes(200 << 20)}
    )
    assert bomb.stat().st_size < 3 << 20  # a few MB that unpack to 200 MB more
    with pytest.raises(InvalidPackageError, match=r"times its own size.*ADAPTDESK_MAX_MODEL_RATIO"):
        import_package(bomb, tmp_path / "packages")
    assert nothing_installed(tmp_path / "packages")


def test_the_archive_caps_are_settings(argos_home, tmp_path):
    real = argos_home.package("ar", "en")
    with pytest.raises(InvalidPackageError, match="ADAPTDESK_MAX_MODEL_UNPACKED_BYTES"):
        import_package(real, tmp_path / "packages", limits=ArchiveLimits(max_unpacked_bytes=100_000))
    with pytest.raises(InvalidPackageError, match="ADAPTDESK_MAX_MODEL_RATIO"):
        import_package(real, tmp_path / "packages", limits=ArchiveLimits(max_ratio=1))
    assert nothing_installed(tmp_path / "packages")
    assert import_package(real, tmp_path / "packages").loads  # within the default caps


def test_a_package_whose_model_does_not_load_is_refused_and_nothing_changes(argos_home, tmp_path):
    packages_dir = tmp_path / "packages"
    good = import_package(argos_home.package("ar", "en"), packages_dir)
    size = (Path(good.path) / "model" / "model.bin").stat().st_size
    broken = rewritten(
        argos_home.package("ar", "en"),
        tmp_path / "broken.argosmodel",
        replace={"model/model.bin": b"\x07" * size},
    )
    with pytest.raises(InvalidPackageError) as refused:
        import_package(broken, packages_dir)
    assert "broken.argosmodel was refused: its model could not load and translate a test sentence" in str(
        refused.value
    )
    assert "Nothing was installed" in str(refused.value)
    [still] = list_installed(packages_dir)  # the good copy stays, unchanged
    assert still.loads and (Path(still.path) / "model" / "model.bin").read_bytes()[:16] != b"\x07" * 16


def test_the_probe_reports_success_and_failure(argos_home, tmp_path):
    installed = Path(list_installed(argos_home.packages_dir)[0].path)
    assert probe_package(installed) is None
    copy = tmp_path / TOP
    shutil.copytree(installed, copy)
    (copy / "model" / "model.bin").write_bytes(b"not a model")
    problem = probe_package(copy)
    assert problem and problem.startswith("RuntimeError: ")


def test_packages_placed_by_hand_are_tested_then_used_or_skipped(argos_home, tmp_path):
    packages_dir = tmp_path / "packages"
    packages_dir.mkdir()
    source = Path(next(p.path for p in list_installed(argos_home.packages_dir) if p.code == "ar-en"))
    shutil.copytree(source, packages_dir / "translate-ar_en-1_0", ignore=shutil.ignore_patterns(CHECK_FILE))
    broken = packages_dir / "translate-en_fr-1_0"
    shutil.copytree(
        next(p.path for p in list_installed(argos_home.packages_dir) if p.code == "en-fr"),
        broken,
        ignore=shutil.ignore_patterns(CHECK_FILE),
    )
    (broken / "model" / "model.bin").write_bytes(b"truncated")
    assert {p.code: p.status for p in list_installed(packages_dir)} == {
        "ar-en": "unchecked",
        "en-fr": "unchecked",
    }

    checked = check_new_packages(packages_dir)
    assert {p.code: p.status for p in checked} == {"ar-en": "ok", "en-fr": "broken"}
    assert check_new_packages(packages_dir) == []  # recorded in the folders: not tested twice
    engine = TranslationEngine(EngineSettings(packages_dir=packages_dir))
    assert engine.can_translate("ar", "en")
    with pytest.raises(MissingModelError):
        engine.route("en", "fr")  # the broken package is never chosen
    # A changed model.bin is a new package: tested again.
    (packages_dir / "translate-ar_en-1_0" / "model" / "model.bin").write_bytes(b"replaced by hand")
    assert read_installed_package(packages_dir / "translate-ar_en-1_0").status == "unchecked"


def test_warming_loads_the_installed_models_within_the_memory_budget(argos_home, tmp_path):
    for pair in list_installed(argos_home.packages_dir):
        if pair.code in ("ar-en", "en-fr"):
            shutil.copytree(pair.path, tmp_path / Path(pair.path).name)
    pairs = {p.code: p for p in list_installed(tmp_path)}
    engine = TranslationEngine(EngineSettings(packages_dir=tmp_path))
    assert engine.warm(0) == [] and engine._models == {}
    one = pairs["ar-en"].size_bytes
    assert [p.code for p in engine.warm(one + 1)] == ["ar-en"]  # into English first; en-fr does not fit
    assert [p.code for p in TranslationEngine(engine.settings).warm(10 * one)] == ["ar-en", "en-fr"]
    assert set(engine._models) == {pairs["ar-en"]}
