"""A live Adaptdesk: a real web process and real Celery worker processes on a real broker and database.

Integration tests drive it over HTTP exactly as a newsroom client would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from workflow.config import normalize_database_url

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("ADAPTDESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("ADAPTDESK_TEST_REDIS", "redis://127.0.0.1:6379")
#: A package index nobody answers (the discard port): live stacks are offline unless a test serves one.
OFFLINE_INDEX = "http://127.0.0.1:9/"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_database(kind: str, data_dir: Path) -> tuple[str, callable]:
    """An empty database of `kind` (postgresql or sqlite) and a function that drops it."""
    if kind == "sqlite":
        return f"sqlite:///{data_dir / 'live.db'}", lambda: None
    name = f"adaptdesk_live_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_database_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


@dataclass
class Response:
    """Status, JSON body and headers of one HTTP exchange."""

    status: int
    json: dict | list | None
    headers: dict


class Http:
    """A tiny JSON-over-HTTP client with an optional bearer token."""

    def __init__(self, base_url: str, token: str | None = None) -> None:
        self.base_url, self.token = base_url, token

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 15) -> Response:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw, status, headers = resp.read(), resp.status, dict(resp.headers)
        except urllib.error.HTTPError as err:
            raw, status, headers = err.read(), err.code, dict(err.headers)
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return Response(status, payload, headers)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, body: dict | None = None) -> Response:
        return self.request("POST", path, body if body is not None else {})

    def put(self, path: str, body: dict) -> Response:
        return self.request("PUT", path, body)

    def act(self, adaptation_id: int, action: str) -> dict:
        """Take a workflow action on the version just read (asserting 200); returns the adaptation."""
        version = self.get(f"/api/v1/adaptations/{adaptation_id}").json["version"]
        done = self.post(f"/api/v1/adaptations/{adaptation_id}/actions/{action}", {"version": version})
        assert done.status == 200, done.json
        return done.json

    def save(self, adaptation_id: int, title: str, body: str) -> dict:
        """Save the adaptation's text on the version just read (asserting 200); returns the adaptation."""
        version = self.get(f"/api/v1/adaptations/{adaptation_id}").json["version"]
        saved = self.put(
            f"/api/v1/adaptations/{adaptation_id}", {"title": title, "body": body, "version": version}
        )
        assert saved.status == 200, saved.json
        return saved.json


@dataclass
class LiveStack:
    """Processes of one live Adaptdesk, their shared environment, and helpers to use them."""

    env: dict[str, str]
    data_dir: Path
    port: int
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Absolute links (the API's `url`, feeds) point where this stack answers, unless the test chose.
        self.env.setdefault("ADAPTDESK_PUBLIC_URL", self.base_url)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, check: bool = True) -> str:
        """Run `adaptdesk ARGS` against this stack and return its output."""
        result = subprocess.run(
            [sys.executable, "-m", "workflow.cli", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"adaptdesk {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout.strip()

    def start_web(
        self,
        *extra: str,
        with_worker: bool = False,
        env: dict[str, str] | None = None,
        name: str = "web",
        port: int | None = None,
    ) -> str:
        """Start `adaptdesk serve` (the web app alone unless `with_worker`; `env` on top of the stack's) and wait
        until it answers /healthz; returns its address. Another web process of the same stack (same database,
        same broker) takes another `name` and `port`."""
        port = port or self.port
        base_url = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-m", "workflow.cli", "serve", "--port", str(port), *extra]
        if not with_worker:
            argv.append("--no-worker")
        with open(self.data_dir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                argv,
                env={**self.env, **(env or {})},
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait(lambda: Http(base_url).get("/healthz").status == 200, name, 60)
        return base_url

    def start_second_web(self, name: str = "web2", env: dict[str, str] | None = None) -> str:
        """Start one more web process on a free port, on this stack's database and broker; its address."""
        return self.start_web(name=name, port=free_port(), env=env)

    def start_worker(
        self, name: str = "worker", concurrency: int = 1, duties: bool = True
    ) -> subprocess.Popen:
        """Start a Celery worker process (with an embedded beat for the periodic duties unless `duties` is
        False) and wait until it reports ready."""
        log_path = self.data_dir / f"{name}.log"
        argv = [
            sys.executable,
            "-m",
            "workflow.cli",
            "worker",
            "-c",
            str(concurrency),
            "--loglevel",
            "info",
            "-n",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
        ]
        if not duties:
            argv.append("--no-duties")
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                argv, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes[name] = process
        start = log_path.stat().st_size if log_path.exists() else 0
        self._wait(lambda: b"ready." in log_path.read_bytes()[start:], name, 90, process)
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        """Stop one process (and its children) and wait for it."""
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.data_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _wait(self, ready, name: str, timeout: float, process: subprocess.Popen | None = None) -> None:
        process = process or self.processes[name]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode}:\n{self.log(name)[-4000:]}")
            try:
                if ready():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{name} did not become ready in {timeout} s:\n{self.log(name)[-4000:]}")

    def send_task(self, name: str, *args) -> None:
        """Send a task straight to this stack's broker, as a second delivery of a job would arrive."""
        from celery import Celery

        client = Celery(
            "adaptdesk-test-client",
            broker=self.env.get("CELERY_BROKER_URL") or f"sqla+sqlite:///{self.data_dir / 'broker.db'}",
        )
        client.conf.task_default_queue = "adaptdesk"
        client.send_task(name, args=list(args), queue="adaptdesk")
        client.close()

    def wait_for_log(self, name: str, text: str, count: int = 1, timeout: float = 60) -> None:
        """Wait until `text` appears `count` times in a process's log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.log(name).count(text) >= count:
                return
            time.sleep(0.2)
        raise AssertionError(f"{name} never logged {text!r} {count}×:\n{self.log(name)[-3000:]}")

    def user(self, username: str, name: str, *roles: str) -> Http:
        """Create a person through the CLI and return an API client holding their token."""
        role_args = [arg for role in roles for arg in ("--role", role)]
        self.cli("users", "create", username, "--name", name, *role_args, "--password", "live-test-password")
        return Http(self.base_url, self.cli("users", "token", username))

    def submit_and_draft(self, reporter: Http, original: dict) -> tuple[dict, int]:
        """Submit an original (API body) and wait for its first adaptation's draft; the article, that id."""
        created = reporter.post("/api/v1/articles", original)
        assert created.status == 201, created.json
        adaptation_id = created.json["adaptations"][0]["id"]
        self.wait_for(reporter, adaptation_id, {"draft_ready"})
        return created.json, adaptation_id

    def wait_for(self, http: Http, adaptation_id: int, states: set[str], timeout: float = 90) -> dict:
        """Poll the API until the adaptation reaches one of `states`; return its JSON."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = http.get(f"/api/v1/adaptations/{adaptation_id}").json
            if last and last.get("state") in states:
                return last
            time.sleep(0.25)
        logs = "\n".join(f"--- {n}\n{self.log(n)[-3000:]}" for n in ("web", "worker"))
        raise AssertionError(f"adaptation {adaptation_id} stayed {last and last.get('state')}:\n{logs}")


def stack_env(data_dir: Path, database_url: str, broker_url: str | None, argos_dir: Path) -> dict[str, str]:
    """The environment every process of a live stack shares."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADAPTDESK_", "CELERY_", "REDIS_URL"))}
    env.update(
        {
            "ADAPTDESK_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "SECRET_KEY": "live-test-secret-key-0123456789-abcdefghij",
            "PYTHONPATH": str(REPO),
            "ARGOS_PACKAGES_DIR": str(argos_dir / "packages"),
            "XDG_DATA_HOME": str(argos_dir / "data"),
            "XDG_CONFIG_HOME": str(argos_dir / "config"),
            "XDG_CACHE_HOME": str(argos_dir / "cache"),
            "ADAPTDESK_RELAY_INTERVAL": "2",
            "ADAPTDESK_DRAFT_RESEND": "10",
            "ARGOS_PACKAGE_INDEX": OFFLINE_INDEX,  # tests never reach the internet
        }
    )
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    return env


def package_index(folder: Path, packages: dict[tuple[str, str], Path]) -> str:
    """A local Argos package index (file:// URL of its folder) offering `packages` by language pair."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = [
        {"type": "translate", "from_code": f, "to_code": t, "package_version": "1.0", "links": [p.as_uri()]}
        for (f, t), p in packages.items()
    ]
    (folder / "index.json").write_text(json.dumps(entries))
    return folder.as_uri() + "/"


def install_test_model(model_dir: Path, argos_dir: Path, from_code: str = "ar", to_code: str = "en") -> None:
    """Build a tiny offline model and install it with argostranslate's own installer, in a subprocess
    (argostranslate reads its folders from the environment at import time)."""
    from tests.support.argos_model import argos_env, build_package

    package = build_package(model_dir, from_code, to_code, size="tiny")
    code = "import sys; from tests.support.argos_model import install_package; install_package(sys.argv[1])"
    env = {**os.environ, **argos_env(argos_dir), "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code, str(package)], env=env, cwd=REPO, check=True, timeout=120)
