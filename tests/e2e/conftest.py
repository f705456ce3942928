"""The production shape without Docker: docker-compose.yml's service commands run as local processes.

    migrate  adaptdesk db upgrade                                 once, before the others
    web      gunicorn workflow:create_app() --workers 2 …         bound to a free local port
    worker   adaptdesk worker --loglevel info                     twice, each with its own node name (each embeds
                                                                  a beat; one sends each periodic duty each round)

The commands come from docker-compose.yml itself (interpolated with .env.example plus this test's values),
so the test runs exactly what the containers run. Around them: a fresh PostgreSQL database, Redis database
11 (flushed before and after), and a tiny offline-built ar→en model.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from tests.ops.compose_file import command, interpolate, load_compose, read_env_file
from tests.support.live import (
    REPO,
    Http,
    LiveStack,
    Response,
    free_port,
    install_test_model,
    new_database,
    stack_env,
)

#: Redis database of the end-to-end stack; flushed before and after, never the shared default 0.
E2E_REDIS_DB = int(os.environ.get("ADAPTDESK_TEST_E2E_REDIS_DB", "11"))
REDIS_BASE = os.environ.get("ADAPTDESK_TEST_REDIS", "redis://127.0.0.1:6379")
METRICS_TOKEN = "e2e-metrics-token-0123456789"
WORKERS = ("e2e-worker-1", "e2e-worker-2")
#: username (and role) → name printed in credits
PEOPLE = {"reporter": "Ahmad Abdallah", "adaptor": "Nadine Sassine", "editor": "Rima Haddad"}
PASSWORD = "e2e-test-password-42"
BIN = Path(sys.executable).parent


def executable(argv: list[str]) -> list[str]:
    """argv with its program taken from this virtualenv (as /opt/venv/bin is first on the image's PATH)."""
    local = BIN / argv[0]
    return [str(local) if local.exists() else argv[0], *argv[1:]]


def replace_option(argv: list[str], option: str, value: str) -> list[str]:
    """argv with the value after `option` replaced (the option must be there)."""
    index = argv.index(option)
    return [*argv[: index + 1], value, *argv[index + 2 :]]


def send(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15,
) -> Response:
    """One HTTP exchange with any headers; the JSON body parsed when there is one, else the text in `text`."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base_url + path, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw, status, response_headers = resp.read(), resp.status, dict(resp.headers)
    except urllib.error.HTTPError as err:
        raw, status, response_headers = err.read(), err.code, dict(err.headers)
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = None
    response = Response(status, payload, response_headers)
    response.text = raw.decode("utf-8", "replace")
    return response


def json_lines(text: str) -> list[dict]:
    """The JSON objects among a log's lines (Celery's start-up banner is plain text on stdout)."""
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                entries.append(json.loads(line))
    return entries


@dataclass
class ProductionStack:
    """The live processes, the environment they share, and the parsed compose file they came from."""

    live: LiveStack
    compose: dict
    env: dict[str, str]
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    startup_seconds: float = 0.0

    @property
    def base_url(self) -> str:
        return self.live.base_url

    def argv(self, service: str) -> list[str]:
        """The service's command from docker-compose.yml, made to run here."""
        argv = executable(command(self.compose["services"][service], self.env))
        if service == "web":
            argv = replace_option(argv, "--bind", f"127.0.0.1:{self.live.port}")
        return argv

    def healthcheck(self, service: str, hostname: str | None = None) -> subprocess.CompletedProcess:
        """Run the service's Docker health check command here; returns the finished process."""
        test = interpolate(self.compose["services"][service]["healthcheck"]["test"], self.env)
        kind, args = (
            test[0],
            [a.replace("127.0.0.1:8000", f"127.0.0.1:{self.live.port}") for a in test[1:]],
        )
        env = {**self.service_env[service], "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        if hostname:
            env["HOSTNAME"] = hostname
        argv = executable(args) if kind == "CMD" else ["sh", "-c", args[0]]
        return subprocess.run(
            argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=60, check=False
        )

    def start(self, name: str, service: str, argv: list[str]) -> None:
        with open(self.live.data_dir / f"{name}.log", "ab") as log:
            self.live.processes[name] = subprocess.Popen(
                argv,
                env=self.service_env[service],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def worker_log_entries(self) -> list[dict]:
        return [entry for name in WORKERS for entry in json_lines(self.live.log(name))]


def check_hooks(stack: ProductionStack) -> None:
    """Fail at once, saying why, when the app does not register the ops blueprint or set up logging."""
    if send(stack.base_url, "GET", "/readyz").status == 404:
        pytest.fail("/readyz is missing: register_web() must register workflow.web.ops.bp")
    ready = f"celery@{WORKERS[0]} ready."
    if not any(entry.get("message") == ready for entry in json_lines(stack.live.log(WORKERS[0]))):
        pytest.fail(
            "the worker does not log JSON lines: create_app() must call "
            "workflow.logging_setup.configure_logging(app)"
        )


def create_people(stack: ProductionStack, people: dict[str, str]) -> dict[str, str]:
    """Create each person with `adaptdesk users create` (as `docker compose run --rm web adaptdesk users create`
    would, all at once), then sign in over the API; returns their tokens by role."""
    processes = {
        role: subprocess.Popen(
            executable(
                ["adaptdesk", "users", "create", role, "--name", name, "--role", role, "--password", PASSWORD]
            ),
            env=stack.service_env["web"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role, name in people.items()
    }
    for role, process in processes.items():
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, f"adaptdesk users create {role} failed:\n{out}\n{err}"
    tokens = {}
    for role in people:
        signed_in = send(
            stack.base_url, "POST", "/api/v1/tokens", body={"username": role, "password": PASSWORD}
        )
        assert signed_in.status == 201, signed_in.json
        tokens[role] = signed_in.json["token"]
    return tokens


def _service_env(stack: ProductionStack, service: str) -> dict[str, str]:
    env = dict(stack.env)
    for key, value in (stack.compose["services"][service].get("environment") or {}).items():
        env[key] = str(value)
    if "PROMETHEUS_MULTIPROC_DIR" in env:
        env["PROMETHEUS_MULTIPROC_DIR"] = str(stack.live.data_dir / "prometheus")
    return env


def _wait(live: LiveStack, name: str, ready, timeout: float) -> None:
    live._wait(ready, name, timeout)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The production stack, running; people: reporter, adaptor, editor (created with the CLI)."""
    started = time.monotonic()
    broker = f"{REDIS_BASE}/{E2E_REDIS_DB}"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    argos_dir = tmp_path_factory.mktemp("argos")
    install_test_model(tmp_path_factory.mktemp("models"), argos_dir, "ar", "en")
    data_dir = tmp_path_factory.mktemp("production")
    (data_dir / "prometheus").mkdir()
    database_url, drop = new_database("postgresql", data_dir)
    env = {**read_env_file(), **stack_env(data_dir, database_url, broker, argos_dir)}
    # The relay at its production pace (stack_env's 2 s would race the submission's own dispatch).
    env.update(
        {
            "RATELIMIT_STORAGE_URI": broker,
            "ADAPTDESK_METRICS_TOKEN": METRICS_TOKEN,
            "ADAPTDESK_RELAY_INTERVAL": "30",
            "ADAPTDESK_WORKER_CONCURRENCY": "1",
            "WEB_CONCURRENCY": "2",
            "WEB_THREADS": "4",
        }
    )
    assert env["ADAPTDESK_ENV"] == "production" and env["ADAPTDESK_LOG_FORMAT"] == "json"
    stack = ProductionStack(LiveStack(env, data_dir, free_port()), load_compose(), env)
    stack.service_env = {name: _service_env(stack, name) for name in stack.compose["services"]}
    live = stack.live
    try:
        migrate = subprocess.run(
            stack.argv("migrate"),
            env=stack.service_env["migrate"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        stack.start("web", "web", stack.argv("web"))
        for name in WORKERS:
            stack.start(name, "worker", [*stack.argv("worker"), "--hostname", f"celery@{name}"])
        _wait(live, "web", lambda: send(live.base_url, "GET", "/healthz").status == 200, 60)
        for name in WORKERS:
            _wait(live, name, lambda name=name: f"celery@{name} ready." in live.log(name), 90)
        check_hooks(stack)
        stack.tokens = create_people(stack, PEOPLE)
        stack.people = {role: Http(live.base_url, token) for role, token in stack.tokens.items()}
        stack.startup_seconds = time.monotonic() - started
        yield stack
    finally:
        live.stop("web")
        for name in WORKERS:
            live.stop(name)
        live.stop_all()
        client.flushdb()
        client.close()
        drop()
