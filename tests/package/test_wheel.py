"""The wheel, installed as a stranger would: `pip install` of the built wheel (not editable) into a fresh
virtual environment, with the dependency versions of requirements/lock.txt, run from outside the checkout.

It builds from a copy of the sources in a temporary folder, so no build/ or *.egg-info is left in the
checkout, and installs from pip's cache where it can (no --no-cache-dir). One virtual environment serves
every test of the module: about half a minute in all.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.ops.compose_file import command, load_compose

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements" / "lock.txt"
#: What a build needs, as the Dockerfile copies it.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "workflow", "workers", "templates")
PASSWORD = "wheel-smoke-password-42"


def _checkout_artefacts() -> set[str]:
    return {path.name for path in (*REPO.glob("*.egg-info"), REPO / "build", REPO / "dist") if path.exists()}


def _run(argv: list[str], *, env: dict[str, str] | None = None, cwd: Path, timeout: float = 600) -> str:
    result = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{argv}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built from a copy of the sources."""
    before = _checkout_artefacts()
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    # "./source" would do too; a bare name would be looked up on the package index.
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(source)],
         env=env, cwd=work)  # fmt: skip
    assert _checkout_artefacts() == before, "the build left files in the checkout"
    (built,) = (work / "dist").glob("adaptdesk-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel and its locked dependencies, and nothing else."""
    root = tmp_path_factory.mktemp("venv")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    _run([sys.executable, "-m", "venv", str(root)], env=env, cwd=root)
    _run([str(root / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(LOCK), str(wheel)],
         env=env, cwd=root)  # fmt: skip
    return root


@pytest.fixture
def service_env(venv, tmp_path) -> dict[str, str]:
    """A stranger's environment: the virtual environment's commands, a data folder, no project settings."""
    return {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "ADAPTDESK_DATA_DIR": str(tmp_path / "data"),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(argv: list[str], env: dict[str, str], cwd: Path, port: int) -> subprocess.Popen:
    """Start a server and wait until /healthz answers."""
    with (cwd / "server.log").open("w") as log:  # the server keeps its own copy of the descriptor
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{argv} exited with {process.returncode}:\n{(cwd / 'server.log').read_text()[-4000:]}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"{argv} did not answer /healthz within 60 s:\n{(cwd / 'server.log').read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _assert_page(response, body: str) -> None:
    assert response.status == 200, response.geturl()
    assert response.headers.get_content_type() == "text/html"
    assert body.lstrip().lower().startswith("<!doctype html>") and "</html>" in body, body[:500]


def _files(folder: Path, pattern: str) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_carries_templates_static_files_migrations_and_catalogs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for source, packaged, pattern in (
        (
            "templates",
            "workflow/templates",
            "*",
        ),  # the top-level folder (pages, mail, feeds), inside the package
        ("workflow/static", "workflow/static", "*"),
        ("workflow/migrations", "workflow/migrations", "*"),
        ("workflow/translations", "workflow/translations", "*.mo"),  # the compiled catalogs
    ):
        expected = {f"{packaged}/{name}" for name in _files(REPO / source, pattern)}
        assert expected and expected <= names, sorted(expected - names)
    assert {"workflow/migrations/env.py", "workflow/migrations/script.py.mako"} <= names


def test_installed_service_migrates_serves_and_logs_a_person_in(venv, service_env, tmp_path):
    adaptdesk = str(venv / "bin" / "adaptdesk")
    # The code runs from the virtual environment, not from the checkout.
    where = _run([str(venv / "bin" / "python"), "-c", "import workflow; print(workflow.__file__)"],
                 env=service_env, cwd=tmp_path)  # fmt: skip
    assert Path(where.strip()).is_relative_to(venv)

    assert "Database at head." in _run([adaptdesk, "db", "upgrade"], env=service_env, cwd=tmp_path)
    assert (tmp_path / "data" / "adaptdesk.db").is_file()
    created = _run(
        [
            adaptdesk,
            "users",
            "create",
            "rana",
            "--name",
            "Rana Haddad",
            "--role",
            "reporter",
            "--password",
            PASSWORD,
        ],
        env=service_env,
        cwd=tmp_path,
    )
    assert "Created rana" in created

    port = _free_port()
    server = _start([adaptdesk, "serve", "--no-worker", "--port", str(port)], service_env, tmp_path, port)
    try:
        base = f"http://127.0.0.1:{port}"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

        with browser.open(f"{base}/") as response:  # a visitor is sent to the public site
            home = response.read().decode()
            _assert_page(response, home)
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home)
        assert stylesheet, home[:1000]
        with browser.open(base + stylesheet.group(1)) as response:
            assert response.status == 200 and response.headers.get_content_type() == "text/css"
            assert response.read()

        with browser.open(f"{base}/news/feed.xml") as response:  # feeds are templates too
            assert response.status == 200 and b"<feed" in response.read()
        arabic = urllib.request.Request(f"{base}/login", headers={"Accept-Language": "ar"})
        with browser.open(arabic) as response:  # the compiled Arabic catalog came with the package
            assert "تسجيل الدخول" in response.read().decode()  # "Log in"

        with browser.open(f"{base}/login") as response:
            form = response.read().decode()
            _assert_page(response, form)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token, form[:1000]

        def log_in(password: str):
            fields = {"csrf_token": token.group(1), "username": "rana", "password": password}
            return browser.open(f"{base}/login", data=urllib.parse.urlencode(fields).encode())

        with pytest.raises(urllib.error.HTTPError) as refused:  # a wrong password is refused...
            log_in("not-the-password")
        refused.value.close()
        assert refused.value.code == 401
        with log_in(PASSWORD) as response:  # ...the right one leads to the person's desk
            desk = response.read().decode()
            _assert_page(response, desk)
            assert urllib.parse.urlsplit(response.geturl()).path not in ("/", "/login")
        assert "Rana Haddad" in desk and 'name="password"' not in desk
    finally:
        _stop(server)


def test_installed_package_runs_the_compose_web_command(venv, service_env, tmp_path):
    """docker-compose.yml's web command (gunicorn on the app factory, JSON logs) works from the wheel."""
    argv = command(load_compose()["services"]["web"], {})
    port = _free_port()
    argv[argv.index("--bind") + 1] = f"127.0.0.1:{port}"
    argv[argv.index("--worker-tmp-dir") + 1] = str(tmp_path)
    metrics = tmp_path / "prometheus"
    metrics.mkdir()
    env = {**service_env, "PROMETHEUS_MULTIPROC_DIR": str(metrics), "ADAPTDESK_LOG_FORMAT": "json"}
    assert "Database at head." in _run(["adaptdesk", "db", "upgrade"], env=env, cwd=tmp_path)
    server = _start([str(venv / "bin" / argv[0]), *argv[1:]], env, tmp_path, port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
            _assert_page(response, response.read().decode())
    finally:
        _stop(server)
    assert '"level"' in (tmp_path / "server.log").read_text()  # gunicorn's own lines too, as JSON
