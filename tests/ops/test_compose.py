"""The production stack's files: docker-compose.yml against the Compose Specification and our own rules,
.env.example against the settings it feeds, and the Dockerfile and .dockerignore against the repository.

Docker's engine is not needed: the compose file is checked with the specification's JSON schema (and with
the real `docker compose config` when a Docker Compose binary is on PATH); tests/e2e runs the same
commands the services run.
"""

from __future__ import annotations

import importlib.util
import json
import secrets
import shutil
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from tests.ops.compose_file import (
    COMPOSE_FILE,
    COMPOSE_SCHEMA,
    DOCKERIGNORE,
    LOCK,
    REPO,
    command,
    dockerfile_instructions,
    duration_seconds,
    interpolate,
    load_compose,
    read_env_file,
)
from workflow.cli import main as adaptdesk
from workflow.cli import worker_argv
from workflow.config import ConfigError, Settings

APP_SERVICES = ("web", "worker", "migrate")
LONG_RUNNING = ("web", "worker", "redis", "postgres", "flower")


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose()


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    """.env.example, as Compose reads it for interpolation."""
    return read_env_file()


@pytest.fixture(scope="module")
def services(compose, env) -> dict:
    """Services with ${…} interpolated from .env.example, as `docker compose config` shows them."""
    return interpolate(compose["services"], env)


def test_compose_file_follows_the_compose_specification(compose):
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator = jsonschema.Draft7Validator(schema)
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(compose)
    ]
    assert problems == []


def test_the_stack_has_its_services_and_named_volumes(compose):
    assert set(compose["services"]) == {"web", "worker", "migrate", "redis", "postgres", "flower"}
    assert compose["services"]["flower"]["profiles"] == ["flower"]
    assert all("profiles" not in compose["services"][name] for name in (*APP_SERVICES, "redis", "postgres"))
    assert {"models", "postgres-data", "redis-data"} <= set(compose["volumes"])
    assert "postgres-data:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]
    assert "redis-data:/data" in compose["services"]["redis"]["volumes"]


def test_app_services_share_one_image_and_the_env_file(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["image"] == "adaptdesk:latest" and service["build"] == "."
        assert service["env_file"] == ".env"


def test_web_and_worker_start_after_migrations_succeed(compose):
    for name in ("web", "worker"):
        depends = compose["services"][name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["redis"] == {"condition": "service_healthy"}
    migrate = compose["services"]["migrate"]
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate["restart"] == "no" and "healthcheck" not in migrate  # one-shot: judged by its exit code


def test_every_long_running_service_has_a_health_check(compose):
    for name in LONG_RUNNING:
        check = compose["services"][name].get("healthcheck")
        assert check and check["test"][0] in ("CMD", "CMD-SHELL"), name
        assert {"interval", "timeout", "retries"} <= set(check), name
    assert "/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(compose["services"]["worker"]["healthcheck"]["test"])


def test_redis_persists_and_never_evicts_jobs(services):
    argv = command(services["redis"], {})
    assert argv[0] == "redis-server"
    options = dict(zip(argv[1::2], argv[2::2], strict=False))
    assert options["--appendonly"] == "yes" and options["--maxmemory-policy"] == "noeviction"


def test_models_volume_is_mounted_at_models(compose, env):
    assert env["ARGOS_PACKAGES_DIR"] == "/models"
    assert "models:/models" in compose["services"]["worker"]["volumes"]
    assert "models:/models:ro" in compose["services"]["web"]["volumes"]  # /readyz looks for a model


def test_workers_run_the_periodic_duties_and_a_web_port_on_localhost_by_default(compose, env, services):
    """No beat service to keep at exactly one: every worker embeds a beat (a lock picks the sender each round)."""
    assert command(compose["services"]["worker"], env)[:2] == ["adaptdesk", "worker"]
    assert "--no-duties" not in command(compose["services"]["worker"], env)
    commands = [command(service, env) for service in compose["services"].values() if "command" in service]
    assert commands and not any("beat" in argv for argv in commands)
    with_beat = worker_argv(Settings.from_env({}), 1, "info")  # what `adaptdesk worker` runs
    assert (
        "--beat" in with_beat
        and with_beat[with_beat.index("--scheduler") + 1] == "workflow.jobs:LockedScheduler"
    )
    assert "--beat" not in worker_argv(Settings.from_env({}), 1, "info", duties=False)
    assert interpolate(compose["services"]["web"]["ports"], {}) == ["127.0.0.1:8000:8000"]
    assert services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"] in services["web"]["tmpfs"]


def test_web_serves_the_app_factory_with_gunicorn_workers_and_threads_from_env(compose, env):
    argv = command(compose["services"]["web"], env)
    assert argv[:2] == ["gunicorn", "workflow:create_app()"]
    options = dict(zip(argv[2::2], argv[3::2], strict=False))
    assert options["--workers"] == env["WEB_CONCURRENCY"] and options["--threads"] == env["WEB_THREADS"]
    assert options["--worker-class"] == "gthread" and options["--bind"] == "0.0.0.0:8000"
    assert command(compose["services"]["web"], {"WEB_CONCURRENCY": "5"})[5] == "5"
    assert command(compose["services"]["web"], {})[5] == "2"  # the default without .env


def test_web_stop_grace_period_covers_gunicorns_graceful_timeout(compose):
    """`docker compose stop` waits for requests in flight before it kills gunicorn."""
    argv = command(compose["services"]["web"], {})
    graceful = float(argv[argv.index("--graceful-timeout") + 1])
    grace = duration_seconds(compose["services"]["web"]["stop_grace_period"])
    assert graceful + 5 <= grace <= graceful + 60  # a margin to reap the workers, not a long hang


def test_worker_stop_grace_period_covers_a_draft_and_celerys_warm_shutdown(compose, env, tmp_path):
    """A draft in progress may run to its hard time limit before the worker is killed."""
    settings = Settings.from_env(
        {**env, "ADAPTDESK_DATA_DIR": str(tmp_path), "SECRET_KEY": secrets.token_hex(32)}
    )
    hard_limit = settings.draft_timeout_seconds + 60  # workers/celery_app.py: task_time_limit
    grace = duration_seconds(compose["services"]["worker"]["stop_grace_period"])
    assert hard_limit + 30 <= grace <= hard_limit + 300
    assert "stop_grace_period" not in compose["services"]["migrate"]


def test_service_commands_are_real_commands():
    """Every command the services and the compose file's comments name exists in the adaptdesk CLI."""
    runner = CliRunner()
    for args in (["worker"], ["db", "upgrade"], ["users", "create"]):
        result = runner.invoke(adaptdesk, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
    bin_dir = Path(sys.executable).parent
    for program in ("gunicorn", "celery", "adaptdesk"):
        assert (bin_dir / program).exists() or shutil.which(program), program
    # What `celery -A workers.app` imports (importing it here would build an app from this environment).
    spec = importlib.util.find_spec("workers.app")
    assert spec and "celery = " in Path(spec.origin).read_text()


@pytest.mark.parametrize("args", [["models", "install"], ["models", "import"]])
def test_model_commands_named_in_the_compose_file_exist(args):
    text = COMPOSE_FILE.read_text()
    assert f"adaptdesk {' '.join(args)} " in text
    result = CliRunner().invoke(adaptdesk, [*args, "--help"])
    assert result.exit_code == 0, result.output


def test_env_example_names_every_setting_the_stack_needs(env):
    assert env["ADAPTDESK_ENV"] == "production"
    assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert {
        "ADAPTDESK_MT_BEAM_SIZE",
        "ADAPTDESK_MT_THREADS",
        "ADAPTDESK_MT_COMPUTE_TYPE",
        "ADAPTDESK_MT_MAX_BATCH",
        "ADAPTDESK_METRICS_TOKEN",
        "ADAPTDESK_LOG_FORMAT",
    } <= set(env)
    user, password = env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]
    assert f"//{user}:{password}@postgres:5432/{env['POSTGRES_DB']}" in env["DATABASE_URL"]


def test_env_example_refuses_to_run_until_the_secret_is_changed(env, tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({**env, "ADAPTDESK_DATA_DIR": str(tmp_path)})
    settings = Settings.from_env(
        {**env, "ADAPTDESK_DATA_DIR": str(tmp_path), "SECRET_KEY": secrets.token_hex(32)}
    )
    assert settings.production and not settings.embedded_broker
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.broker_url == "redis://redis:6379/0"
    assert settings.ratelimit_storage_url == env["RATELIMIT_STORAGE_URI"]
    assert str(settings.argos_packages_dir) == "/models" and settings.mt_threads == 1
    assert settings.session_cookie_secure


def test_dockerfile_builds_a_slim_non_root_runtime_image():
    instructions = dockerfile_instructions()
    stages = [args for keyword, args in instructions if keyword == "FROM"]
    assert stages and all(stage.split()[0] == "python:3.11-slim" for stage in stages)
    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    env = " ".join(args for keyword, args in instructions if keyword == "ENV")
    assert "ARGOS_PACKAGES_DIR=/models" in env and "ADAPTDESK_ENV=production" in env
    runs = " ".join(args for keyword, args in instructions if keyword == "RUN")
    assert "[test]" not in runs and "optional-dependencies" not in runs  # no dev dependencies
    assert "['project']['dependencies']" in runs


def test_dockerfile_installs_the_locked_versions_and_the_package_itself():
    """The image runs the dependency versions the tests ran, and the wheel's layout (no checkout)."""
    instructions = dockerfile_instructions()
    copied = " ".join(args for keyword, args in instructions if keyword == "COPY")
    assert "requirements/lock.txt" in copied
    installs = [args for keyword, args in instructions if keyword == "RUN" and "pip install" in args]
    assert installs and all("-c requirements/lock.txt" in args or "--no-deps" in args for args in installs)
    assert any("pip install --no-deps ." in args for args in installs)
    assert not any(" -e " in f" {args} " or "--editable" in args for args in installs)
    # The lock is made for the image's Python (python:3.11-slim), as its first lines say.
    assert "--python-version 3.11 --python-platform linux" in LOCK.read_text().splitlines()[1]


def test_dockerfile_copies_what_exists_and_is_not_ignored():
    ignored = {
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for keyword, args in dockerfile_instructions():
        if keyword != "COPY" or args.startswith("--from"):
            continue
        *sources, _target = args.split()
        for source in sources:
            assert (REPO / source).exists(), source
            assert source not in ignored and source.rstrip("/") not in ignored, source
    assert {".venv", ".git", ".env", "tests", "instance"} <= ignored
