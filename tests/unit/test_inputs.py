"""Checking submitted fields: each problem names its field and says what to fix."""

from __future__ import annotations

import pytest

from workflow.config import DEFAULT_PACKAGE_INDEX, ConfigError, Settings, normalize_database_url
from workflow.domain.credits import credit_line, join_names
from workflow.domain.diff import word_diff
from workflow.domain.text import reading_minutes, slugify
from workflow.jobs import celery_config, check_time_limits
from workflow.mt.cores import machine_cores
from workflow.mt.engine import EngineSettings
from workflow.services.errors import InvalidInput
from workflow.services.inputs import ArticleInput, Limits, parse_datetime, parse_version

GOOD = {
    "title": "عنوان",
    "body": "فقرة أولى.\n\nفقرة ثانية.",
    "language": "ar",
    "section": "News",
    "tags": ["Russia"],
    "targets": ["en"],
}


def parse(**changes):
    return ArticleInput.parse({**GOOD, **changes}, Limits(max_title_chars=50, max_tags=3, max_body_chars=200))


def test_a_good_submission_keeps_paragraphs_and_defaults_targets():
    data = parse(targets=None, body="one\r\n\r\n\r\ntwo  \nthree")
    assert data.body == "one\n\ntwo\n\nthree"
    assert data.targets == ["en"]


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 5}, "title"),
        ({"title": "x" * 51}, "title"),
        ({"title": "abc\u202edef"}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"body": ""}, "body"),
        ({"body": "x" * 201}, "body"),
        ({"language": "xx"}, "language"),
        ({"language": None}, "language"),
        ({"targets": "ar"}, "targets"),
        ({"targets": ["zz"]}, "targets"),
        ({"targets": 3}, "targets"),
        ({"tags": ["a", "b", "c", "d"]}, "tags"),
        ({"tags": [1]}, "tags"),
        ({"section": "s" * 81}, "section"),
        ({"title": "\ud800"}, "title"),
    ],
)
def test_each_bad_field_is_named(changes, field):
    with pytest.raises(InvalidInput) as refused:
        parse(**changes)
    assert refused.value.field == field
    assert refused.value.status == 400 and refused.value.message


def test_versions_and_times():
    assert parse_version({"version": "3"}) == 3
    for bad in ({}, {"version": 0}, {"version": True}, {"version": "x"}):
        with pytest.raises(InvalidInput):
            parse_version(bad)
    assert parse_datetime("2026-12-01T09:00:00Z", "publish_at").isoformat() == "2026-12-01T09:00:00+00:00"
    with pytest.raises(InvalidInput):
        parse_datetime("tomorrow", "publish_at")


def test_credit_line_reads_like_the_published_example():
    assert (
        credit_line(["Ahmad Abdallah"], ["Nadine Sassine"], "en")
        == "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"
    )
    assert credit_line(["A"], ["B", "C", "D"], "fr") == "A report by A, French adaptation by B, C and D"
    assert join_names(["A", "B"]) == "A and B"


def test_an_arabic_adaptation_has_an_arabic_byline():
    """«تقرير: …، ترجمة وتحرير: …», names joined with "، " and "و" written onto the last name."""
    assert (
        credit_line(["أحمد عبد الله"], ["نادين ساسين"], "ar")
        == "تقرير: أحمد عبد الله، ترجمة وتحرير: نادين ساسين"
    )
    assert credit_line(["أ"], ["ب", "ج", "د"], "ar") == "تقرير: أ، ترجمة وتحرير: ب، ج ود"
    assert credit_line([], ["ب"], "ar") == "ترجمة وتحرير: ب"
    assert join_names(["أ", "ب"], "ar") == "أ وب"


def test_text_helpers():
    assert reading_minutes("word " * 610) == 3
    assert reading_minutes("") == 1
    assert slugify("Putin's Historic Visit to North Korea!") == "putin-s-historic-visit-to-north-korea"
    assert slugify("زيارة") == "article"
    ops = [(c.op, c.text) for c in word_diff("the old text", "the new text")]
    assert ("delete", "old") in ops and ("insert", "new") in ops


def test_settings_from_environment(tmp_path):
    settings = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path)})
    assert settings.embedded_broker and settings.broker_url.startswith("sqla+sqlite:")
    assert settings.database_url == f"sqlite:///{tmp_path / 'adaptdesk.db'}"
    assert settings.with_secret().secret_key == settings.with_secret().secret_key  # stored, stable
    assert normalize_database_url("postgresql://u@h:5432/d") == "postgresql+psycopg://u@h:5432/d"
    redis = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert not redis.embedded_broker and redis.broker_url == "redis://127.0.0.1:6379/0"
    with pytest.raises(ConfigError):
        Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_ENV": "production"})
    with pytest.raises(ConfigError):
        Settings.from_env(
            {"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_ENV": "production", "SECRET_KEY": "dev"}
        )


def test_worker_time_limits_must_stay_below_the_visibility_timeout(tmp_path):
    base = {"ADAPTDESK_DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/0"}
    check_time_limits(celery_config(Settings.from_env(base)))
    too_short = Settings.from_env(
        {**base, "ADAPTDESK_DRAFT_TIMEOUT": "900", "ADAPTDESK_VISIBILITY_TIMEOUT": "600"}
    )
    with pytest.raises(ConfigError, match="visibility"):
        check_time_limits(celery_config(too_short))


def test_machine_translation_settings_from_environment(tmp_path):
    settings = Settings.from_env(
        {
            "ADAPTDESK_DATA_DIR": str(tmp_path),
            "ADAPTDESK_MT_BEAM_SIZE": "2",
            "ADAPTDESK_MT_THREADS": "3",
            "ADAPTDESK_MT_COMPUTE_TYPE": "int8_float32",
            "ADAPTDESK_MT_MAX_BATCH": "16",
            "ARGOS_PACKAGES_DIR": "/srv/argos/packages",
            "ARGOS_PACKAGE_INDEX": "file:///srv/argos/index/",
        }
    )
    engine = EngineSettings.from_app_settings(settings)
    assert (
        engine.beam_size,
        engine.intra_threads,
        engine.compute_type,
        engine.max_batch_size,
        str(engine.packages_dir),
    ) == (2, 3, "int8_float32", 16, "/srv/argos/packages")
    assert settings.argos_package_index == "file:///srv/argos/index/"
    defaults = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path)})
    engine = EngineSettings.from_app_settings(defaults)
    assert (engine.beam_size, engine.intra_threads, engine.parallel, engine.packages_dir) == (
        4,
        1,
        machine_cores(),
        tmp_path / "argos-packages",
    )
    one = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_MT_PARALLEL": "1"})
    assert EngineSettings.from_app_settings(one).parallel == 1
    assert defaults.argos_package_index == DEFAULT_PACKAGE_INDEX


@pytest.mark.parametrize("value", ["0", "-1", "four"])
def test_invalid_machine_translation_setting_is_explained(tmp_path, value):
    with pytest.raises(ConfigError, match="ADAPTDESK_MT_BEAM_SIZE must be a positive whole number"):
        Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_MT_BEAM_SIZE": value})


def test_operations_settings_from_environment(tmp_path):
    base = {"ADAPTDESK_DATA_DIR": str(tmp_path)}
    defaults = Settings.from_env(base)
    assert (defaults.worker_concurrency, defaults.metrics_token, defaults.prometheus_multiproc_dir) == (
        None,
        "",
        None,
    )
    assert defaults.max_model_bytes == 1024**3
    chosen = Settings.from_env(
        {
            **base,
            "ADAPTDESK_WORKER_CONCURRENCY": "3",
            "ADAPTDESK_METRICS_TOKEN": " s3cret-token ",
            "PROMETHEUS_MULTIPROC_DIR": "/run/metrics",
            "ADAPTDESK_MAX_MODEL_BYTES": "3145728",
        }
    )
    assert (chosen.worker_concurrency, chosen.metrics_token, chosen.prometheus_multiproc_dir) == (
        3,
        "s3cret-token",
        "/run/metrics",
    )
    assert chosen.max_model_bytes == 3 * 1024 * 1024
    with pytest.raises(ConfigError, match="ADAPTDESK_WORKER_CONCURRENCY must be a whole number"):
        Settings.from_env({**base, "ADAPTDESK_WORKER_CONCURRENCY": "many"})


def test_the_default_data_folder_is_instance_in_the_working_directory(tmp_path, monkeypatch):
    """Without ADAPTDESK_DATA_DIR the data lives in ./instance, never inside the installed package."""
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.data_dir == tmp_path.resolve() / "instance"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'instance' / 'adaptdesk.db'}"


@pytest.mark.parametrize("raw", ["0", "-5", "soon"])
def test_the_relay_interval_must_be_a_positive_duration(tmp_path, raw):
    """0 would have every worker's beat send the periodic duties in a busy loop."""
    with pytest.raises(ConfigError, match="ADAPTDESK_RELAY_INTERVAL"):
        Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_RELAY_INTERVAL": raw})
    two_minutes = Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path), "ADAPTDESK_RELAY_INTERVAL": "2m"})
    assert two_minutes.relay_interval_seconds == 120
    assert Settings.from_env({"ADAPTDESK_DATA_DIR": str(tmp_path)}).relay_interval_seconds == 15
