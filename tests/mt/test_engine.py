"""The translation engine and model packages, on real (tiny, offline-built) Argos models."""

from __future__ import annotations

import json
import multiprocessing
import time
import zipfile
from pathlib import Path

import pytest

from tests.mt.conftest import install_in_subprocess, run_python
from tests.support.argos_model import ARABIC_SENTENCES, build_package, sample_arabic_article
from workflow.domain.segment import segment_text
from workflow.mt import packages
from workflow.mt.engine import EngineSettings, MissingModelError, TranslationEngine, get_engine
from workflow.mt.index import install_from_index
from workflow.mt.packages import InvalidPackageError, ModelDownloadError, import_package

SENTENCES = ARABIC_SENTENCES[:6]


def token_count(engine: TranslationEngine, text: str, from_code: str = "ar", to_code: str = "en") -> int:
    model = engine._model(engine.route(from_code, to_code)[0])
    return len(model.encode([text])[0])


# --- the built package ----------------------------------------------------------------------------------


def test_build_is_deterministic_for_a_seed(tmp_path):
    first = build_package(tmp_path / "a", "ar", "en", seed=3).read_bytes()
    assert build_package(tmp_path / "b", "ar", "en", seed=3).read_bytes() == first
    assert build_package(tmp_path / "c", "ar", "en", seed=4).read_bytes() != first


def test_built_model_stops_near_1_2_times_the_source_length(argos_home):
    import ctranslate2
    import sentencepiece

    folder = argos_home.packages_dir / "translate-ar_en-1_0"
    translator = ctranslate2.Translator(str(folder / "model"), compute_type="int8", intra_threads=1)
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    sources = [
        tokenizer.encode(s, out_type=str) for s in [ARABIC_SENTENCES[0], " ".join(ARABIC_SENTENCES[:8])]
    ]
    # Stock decoding settings: no max_decoding_length bound other than ctranslate2's default of 256.
    results = translator.translate_batch(sources, beam_size=4)
    for source, result in zip(sources, results, strict=True):
        ratio = len(result.hypotheses[0]) / len(source)
        assert 1.0 <= ratio <= 1.5, (len(source), len(result.hypotheses[0]))


def test_package_sentence_splitter_runs_offline(argos_home):
    from minisbd import SBDetect

    model = next((argos_home.packages_dir / "translate-ar_en-1_0" / "minisbd").glob("*.onnx"))
    detector = SBDetect(str(model), use_gpu=False)
    assert detector.sentences("قال: «نعم». هل انتهى؟ الرقم 3.5 ثابت. نهاية") == [
        "قال: «نعم».",
        "هل انتهى؟",
        "الرقم 3.5 ثابت.",
        "نهاية",
    ]


# --- translating ----------------------------------------------------------------------------------------


def test_translates_each_sentence_to_a_plausible_length(engine):
    translations = engine.translate_segments(SENTENCES, "ar", "en")
    assert len(translations) == len(SENTENCES)
    for source, translation in zip(SENTENCES, translations, strict=True):
        assert translation.strip()
        assert 0.6 <= token_count(engine, translation) / token_count(engine, source) <= 2.5


def test_translation_is_deterministic(engine):
    assert engine.translate_segments(SENTENCES[:2], "ar", "en") == engine.translate_segments(
        SENTENCES[:2], "ar", "en"
    )


def test_empty_list_loads_nothing(tmp_path):
    idle = TranslationEngine(EngineSettings(packages_dir=tmp_path / "none"))
    assert idle.translate_segments([], "ar", "xx") == []
    assert idle._models == {} and idle._pairs is None


def test_blank_sources_give_blank_translations(engine):
    assert engine.translate_segments(["", SENTENCES[0], "   "], "ar", "en")[0::2] == ["", ""]


def test_progress_reaches_the_total(argos_home):
    small_batches = TranslationEngine(
        EngineSettings(
            packages_dir=argos_home.packages_dir, max_batch_size=4, progress_chunk=1, progress_seconds=0
        )
    )
    calls = []
    sources = ARABIC_SENTENCES[:10]
    translations = small_batches.translate_segments(
        sources, "ar", "en", on_progress=lambda d, t: calls.append((d, t))
    )
    assert len(translations) == 10
    assert len(calls) >= 3  # one per batch: 4 + 3 + 3
    assert all(total == 10 for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (10, 10)


def test_whole_article_through_segmentation(engine):
    segments = segment_text(sample_arabic_article(12, seed=5), "ar")
    calls = []
    translations = engine.translate_segments(
        [s.source for s in segments], "ar", "en", on_progress=lambda d, t: calls.append((d, t))
    )
    assert len(translations) == len(segments) and all(translations)
    assert calls[-1] == (len(segments), len(segments))


def test_missing_pair_names_the_install_command(engine):
    with pytest.raises(MissingModelError) as raised:
        engine.translate_segments(["Text."], "de", "en")
    message = str(raised.value)
    assert "German → English" in message
    assert "adaptdesk models install de en" in message
    assert "adaptdesk models import FILE.argosmodel" in message


def test_a_missing_pair_that_could_pivot_names_both_legs(engine):
    with pytest.raises(MissingModelError) as raised:
        engine.translate_segments(["Texte."], "fr", "ar")
    assert str(raised.value) == (
        "No model for French → Arabic. Install French → English and English → Arabic "
        "(`adaptdesk models install fr en`, `adaptdesk models install en ar`), or a direct pair."
    )


def test_pivots_through_english(engine):
    assert [pair.code for pair in engine.route("ar", "fr")] == ["ar-en", "en-fr"]
    calls = []
    translations = engine.translate_segments(
        SENTENCES, "ar", "fr", on_progress=lambda d, t: calls.append((d, t))
    )
    assert len(translations) == len(SENTENCES) and all(translations)
    assert calls[-1] == (2 * len(SENTENCES), 2 * len(SENTENCES))
    assert translations != engine.translate_segments(SENTENCES, "ar", "en")


def test_package_installed_after_start_is_found(argos_home, engine):
    assert not engine.can_translate("ar", "es")
    install_in_subprocess([argos_home.package("ar", "es")], argos_home.env)
    assert [pair.code for pair in engine.route("ar", "es")] == ["ar-es"]
    assert len(engine.translate_segments(SENTENCES[:2], "ar", "es")) == 2
    assert {"ar-en", "en-fr", "ar-es"} <= {pair.code for pair in engine.installed_pairs()}


def test_installed_pairs_describe_the_packages(engine):
    pair = next(pair for pair in engine.installed_pairs() if pair.code == "ar-en")
    assert (pair.from_name, pair.to_name, pair.version, pair.name) == (
        "Arabic",
        "English",
        "1.0",
        "translate-ar_en-1_0",
    )
    assert pair.size_bytes > 100_000 and Path(pair.path, "model", "model.bin").is_file()


def test_get_engine_is_one_per_process(argos_home):
    settings = EngineSettings(packages_dir=argos_home.packages_dir)
    assert get_engine(settings) is get_engine(settings)
    assert "ar-en" in {pair.code for pair in get_engine(settings).installed_pairs()}


def _translate_in_child(packages_dir: str, queue) -> None:
    engine = get_engine(EngineSettings(packages_dir=Path(packages_dir)))
    queue.put(engine.translate_segments(SENTENCES[:2], "ar", "en"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Python 3.12+ warns about fork with threads
def test_forked_child_reloads_models_instead_of_hanging(argos_home):
    parent = get_engine(EngineSettings(packages_dir=argos_home.packages_dir))
    expected = parent.translate_segments(
        SENTENCES[:2], "ar", "en"
    )  # loaded in the parent, as after a bad init
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_translate_in_child, args=(str(argos_home.packages_dir), queue))
    child.start()
    child.join(30)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung using the engine")
    assert child.exitcode == 0
    assert queue.get(timeout=5) == expected


# --- importing packages ---------------------------------------------------------------------------------


def _zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


TRANSLATE_METADATA = json.dumps({"type": "translate", "from_code": "ar", "to_code": "en"})


@pytest.mark.parametrize(
    "files, message",
    [
        (None, "not a zip archive"),
        ({"readme.txt": "hello"}, "metadata.json is missing"),
        (
            {"a/metadata.json": TRANSLATE_METADATA, "b/metadata.json": TRANSLATE_METADATA},
            "exactly one top folder",
        ),
        ({"p/metadata.json": "{not json"}, "unreadable metadata.json"),
        ({"p/metadata.json": json.dumps({"type": "sbd", "from_code": "ar", "to_code": "en"})}, "type 'sbd'"),
        ({"p/metadata.json": json.dumps({"type": "translate", "to_code": "en"})}, "no from_code"),
        ({"p/metadata.json": TRANSLATE_METADATA, "p/sentencepiece.model": "x"}, "model.bin is missing"),
        ({"p/metadata.json": TRANSLATE_METADATA, "p/model/model.bin": "x"}, "no tokenizer"),
        ({"p/metadata.json": TRANSLATE_METADATA, "p/../evil.txt": "x"}, "unsafe file name"),
    ],
    ids=[
        "not-zip",
        "no-metadata",
        "two-folders",
        "bad-json",
        "not-translate",
        "no-code",
        "no-model",
        "no-tokenizer",
        "zip-slip",
    ],
)
def test_import_rejects_what_is_not_a_translation_package(tmp_path, files, message):
    path = tmp_path / "upload.argosmodel"
    if files is None:
        path.write_text("this is not a model")
    else:
        _zip(path, files)
    with pytest.raises(InvalidPackageError, match=message):
        import_package(path, tmp_path / "packages")
    assert not (tmp_path / "packages").exists() or not any((tmp_path / "packages").iterdir())


def _package_files(model: bytes = b"weights " * 4096, version: str = "1.0") -> dict[str, str | bytes]:
    metadata = json.dumps(
        {"type": "translate", "from_code": "ar", "to_code": "en", "package_version": version}
    )
    return {
        "translate-ar_en/metadata.json": metadata,
        "translate-ar_en/sentencepiece.model": "spm",
        "translate-ar_en/model/model.bin": model,
    }


def _leftovers(root: Path) -> list[str]:
    """Staging folders an import left beside the packages folder."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".adaptdesk-install-"))


def test_a_package_damaged_inside_installs_nothing_and_leaves_nothing(tmp_path):
    path = _zip(tmp_path / "damaged.argosmodel", _package_files())
    data = bytearray(path.read_bytes())
    at = data.index(b"weights weights")
    data[at : at + 7] = b"WEIGHTS"  # the stored bytes no longer match their CRC: unpacking fails midway
    path.write_bytes(bytes(data))
    packages_dir = tmp_path / "packages"
    with pytest.raises(InvalidPackageError, match=r"Installing damaged\.argosmodel failed"):
        import_package(path, packages_dir)
    assert list((tmp_path / "packages").iterdir()) == []
    assert _leftovers(tmp_path) == []


def repackaged(package: Path, target: Path, version: str) -> Path:
    """A copy of a real package whose metadata.json says `version`."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("/metadata.json"):
                data = json.dumps({**json.loads(data), "package_version": version}).encode()
            copy.writestr(info, data)
    return target


def test_importing_a_package_again_replaces_the_installed_copy_whole(argos_home, tmp_path):
    packages_dir = tmp_path / "packages"
    real = argos_home.package("ar", "en")
    first = import_package(repackaged(real, tmp_path / "v1.argosmodel", "1.0"), packages_dir)
    (Path(first.path) / "stray-file-from-v1").write_text("x")
    second = import_package(repackaged(real, tmp_path / "v2.argosmodel", "1.1"), packages_dir)
    assert second.path == first.path and second.version == "1.1" and second.loads
    folder = Path(second.path)
    assert not (folder / "stray-file-from-v1").exists()
    assert [p.name for p in (tmp_path / "packages").iterdir()] == ["translate-ar_en-1_0"]
    assert _leftovers(tmp_path) == []


def test_import_rejects_a_missing_file(tmp_path):
    with pytest.raises(InvalidPackageError, match="does not exist"):
        import_package(tmp_path / "nope.argosmodel", tmp_path / "packages")


def test_import_and_install_from_a_file_index(argos_home, tmp_path):
    """Both install paths with argostranslate's installer, in a fresh process (it pins its folders)."""
    source = argos_home.package("fr", "en")
    index = tmp_path / "index" / "index.json"
    index.parent.mkdir()
    index.write_text(
        json.dumps(
            [
                {
                    "type": "translate",
                    "from_code": "en",
                    "to_code": "ar",
                    "package_version": "1.0",
                    "links": [argos_home.package("en", "ar").as_uri()],
                }
            ]
        )
    )
    code = (
        "import json, sys\n"
        "from workflow.config import Settings\n"
        "from workflow.mt.index import install_from_index\nfrom workflow.mt.packages import import_package\n"
        "settings = Settings.from_env()\n"
        f"imported = import_package({str(source)!r}, settings.argos_packages_dir)\n"
        "fetched = install_from_index('en', 'ar', packages_dir=settings.argos_packages_dir,\n"
        "                             index=settings.argos_package_index, timeout=5)\n"
        "print(json.dumps([imported.code, imported.path, fetched.code, fetched.path]))\n"
    )
    home = tmp_path / "argos"
    env = {
        "ADAPTDESK_DATA_DIR": str(home / "adaptdesk"),
        "ARGOS_PACKAGES_DIR": str(home / "packages"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "ARGOS_PACKAGE_INDEX": index.parent.as_uri() + "/",
    }
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    imported_code, imported_path, fetched_code, fetched_path = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert (imported_code, fetched_code) == ("fr-en", "en-ar")
    assert Path(imported_path).parent == Path(fetched_path).parent == home / "packages"
    assert {pair.code for pair in packages.list_installed(home / "packages")} == {"fr-en", "en-ar"}
    assert (home / "data" / "argos-translate" / "index.json").is_file()  # where stock argos reads the index


@pytest.mark.parametrize(
    "index_url",
    ["http://127.0.0.1:9/", "http://10.255.255.1/", "https://argos-index.invalid/"],
    ids=["refused", "unroutable", "unresolvable"],
)
def test_install_from_index_fails_fast_without_network(tmp_path, index_url):
    started = time.monotonic()
    with pytest.raises(ModelDownloadError, match="Could not reach the Argos package index") as raised:
        install_from_index("ar", "en", packages_dir=tmp_path / "packages", index=index_url, timeout=2)
    assert time.monotonic() - started < 15
    assert "adaptdesk models import" in str(raised.value)


# --- stock argostranslate on the built package ----------------------------------------------------------


def test_stock_argostranslate_translates_offline(argos_home):
    """The package format is real: stock argostranslate.translate.translate() uses it, without a download."""
    code = (
        "import socket, urllib.request\n"
        "def no_network(*args, **kwargs):\n"
        "    raise RuntimeError(f'network used: {args!r}')\n"
        "socket.create_connection = no_network\n"
        "urllib.request.urlopen = urllib.request.urlretrieve = no_network\n"
        "import argostranslate.translate\n"
        f"text = {sample_arabic_article(4, seed=2)!r}\n"
        "print(argostranslate.translate.translate(text, 'ar', 'en'))\n"
    )
    result = run_python(code, {**argos_home.env, "ARGOS_INTRA_THREADS": "1"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
