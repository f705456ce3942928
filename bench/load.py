"""Load test: a live Adaptdesk under many concurrent newsroom clients, over real HTTP (not a pytest test).

Run:  .venv/bin/python -m bench.load [--seconds 120] [--clients 16] [--web-workers 2] [--web-threads 4]

It starts, and at the end stops and removes, everything it uses:
  - a fresh PostgreSQL database (tests.support.live.new_database), migrated with `adaptdesk db upgrade`;
  - gunicorn as docker-compose.yml runs it: `gunicorn 'workflow:create_app()' -k gthread -w 2 --threads 4`;
  - two Celery worker processes (`adaptdesk worker -c 1`, each with an embedded beat: one sends each periodic
    duty per round) on Redis db 10 (redis://127.0.0.1:6379/10, flushed before and after);
  - the tiny offline ar→en test model (tests.support.live.install_test_model).
People are created with the CLI. Then each client is a thread with one role, for --seconds:
  reporters  submit an Arabic original, then poll its adaptation's draft progress as the page does;
  adaptors   take back their own sent-back work or claim a draft_ready one (409: someone was faster, pick
             another), save the text a few times with the version they read (409: re-read, merge, retry),
             then submit it for review;
  editors    open an in_review adaptation, sometimes correct it, approve it or request changes with the
             version they read (409 stale: re-read and decide again); now and then they touch up text that
             an adaptor is still working on, so the adaptor's next save meets a 409;
  readers    the public site (/news, a story, /api/v1/published) or the desk (queue, single adaptations).
Every loop is bounded in count and time and all traffic goes to 127.0.0.1. When the clients have stopped it
waits (bounded) until every submitted article's adaptation has a ready draft, then prints requests/s,
latency percentiles per kind of request and overall, errors by status (409s apart: expected conflicts)
and submitted vs drafted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: bench/load.py
    sys.path.insert(0, str(REPO))

from tests.support.argos_model import sample_arabic_article  # noqa: E402 - needs the path above
from tests.support.live import LiveStack, free_port, install_test_model, new_database, stack_env  # noqa: E402

#: Redis database of the stack (broker and rate-limit storage); flushed before and after.
REDIS_DB_URL = os.environ.get("ADAPTDESK_LOAD_REDIS", "redis://127.0.0.1:6379/10")
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0
#: Upper bound of requests one client makes, whatever the duration (the time limit usually ends it first).
MAX_REQUESTS_PER_CLIENT = 20_000
#: How often a save, claim or decision that met a 409 is tried again after re-reading.
MAX_RETRIES = 4
PASSWORD = "load-test-password"


# --- measuring ---------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    status: int | str  # an HTTP status, or the name of the exception that ended the exchange
    seconds: float
    code: str = ""  # the JSON error code of a refusal (`stale_version`, `held`, …)


@dataclass
class Recorder:
    """Every exchange the clients made, thread-safe."""

    samples: list[Sample] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)  # one example body per unexpected status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample, body: str = "") -> None:
        with self.lock:
            self.samples.append(sample)
            unexpected = not isinstance(sample.status, int) or (sample.status >= 400 and sample.status != 409)
            key = f"{sample.kind} → {sample.status}"
            if unexpected and key not in self.messages:
                self.messages[key] = body[:300]


@dataclass
class Reply:
    status: int | str
    json: dict | None


class Client:
    """One client's keep-alive HTTP connection to 127.0.0.1, recording each exchange under a kind."""

    def __init__(self, port: int, recorder: Recorder | None, token: str | None = None) -> None:
        self.port, self.recorder, self.token = port, recorder, token
        self.conn: http.client.HTTPConnection | None = None
        self.count = 0

    def request(self, kind: str, method: str, path: str, body: dict | None = None) -> Reply:
        self.count += 1
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        started = time.perf_counter()
        status: int | str
        try:
            status, raw, content_type = self._exchange(method, path, data, headers)
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            status, raw, content_type = type(exc).__name__, str(exc).encode(), ""
        elapsed = time.perf_counter() - started
        payload = None
        if "json" in content_type:
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = None
        if self.recorder is not None:
            code = payload.get("error", "") if isinstance(payload, dict) else ""
            self.recorder.add(Sample(kind, status, elapsed, code), raw.decode(errors="replace"))
        return Reply(status, payload if isinstance(payload, dict) else None)

    def _exchange(self, method: str, path: str, data: bytes | None, headers: dict) -> tuple[int, bytes, str]:
        # A kept-alive connection the server has closed fails before anything is sent: retry once, fresh.
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                if response.will_close:
                    self.close()
                return response.status, raw, response.getheader("Content-Type", "")
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if not reused or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def get(self, kind: str, path: str) -> Reply:
        return self.request(kind, "GET", path)

    def post(self, kind: str, path: str, body: dict | None = None) -> Reply:
        return self.request(kind, "POST", path, body if body is not None else {})

    def put(self, kind: str, path: str, body: dict) -> Reply:
        return self.request(kind, "PUT", path, body)


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(p / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


# --- the clients -------------------------------------------------------------------------------------


@dataclass
class Run:
    """What the clients share: the deadline, the articles submitted and the people's tokens."""

    port: int
    recorder: Recorder
    deadline: float
    submitted: list[int] = field(default_factory=list)  # adaptation ids of the articles submitted
    lock: threading.Lock = field(default_factory=threading.Lock)

    def going(self, client: Client) -> bool:
        return time.monotonic() < self.deadline and client.count < MAX_REQUESTS_PER_CLIENT

    def pause(self, low: float, high: float) -> None:
        time.sleep(max(0.0, min(random.uniform(low, high), self.deadline - time.monotonic())))


def reporter(run: Run, client: Client, rng: random.Random) -> None:
    """Submit an original, follow its draft for a moment, look at the article, think, again."""
    while run.going(client):
        reply = client.post(
            "POST /api/v1/articles",
            "/api/v1/articles",
            {
                "title": f"تقرير رقم {rng.randrange(10**6)}",
                "language": "ar",
                "section": rng.choice(["News", "World"]),
                "body": sample_arabic_article(rng.randint(3, 8), seed=rng.randrange(10**6)),
                "tags": [rng.choice(["Politics", "Economy", "Culture"])],
                "targets": ["en"],
            },
        )
        if reply.status != 201:
            run.pause(0.5, 1.0)
            continue
        adaptation_id = reply.json["adaptations"][0]["id"]
        with run.lock:
            run.submitted.append(adaptation_id)
        for _ in range(3):  # the page polls draft progress
            if not run.going(client):
                return
            run.pause(0.2, 0.4)
            client.get("GET /api/v1/adaptations/{id}", f"/api/v1/adaptations/{adaptation_id}")
        client.get("GET /api/v1/articles/{id}", f"/api/v1/articles/{reply.json['id']}")
        run.pause(0.5, 1.5)


def save_with_retry(run: Run, client: Client, adaptation: dict, title: str, body: str) -> dict | None:
    """Save title and body on the version read; on a stale 409 re-read, merge (keep theirs, add ours), retry."""
    path = f"/api/v1/adaptations/{adaptation['id']}"
    version = adaptation["version"]
    for _ in range(MAX_RETRIES):
        reply = client.put(
            "PUT /api/v1/adaptations/{id}", path, {"title": title, "body": body, "version": version}
        )
        if reply.status == 200:
            return reply.json
        if reply.status != 409 or (reply.json or {}).get("error") != "stale_version" or not run.going(client):
            return None
        fresh = client.get("GET /api/v1/adaptations/{id}", path)
        if fresh.status != 200 or not fresh.json.get("can_edit"):
            return None
        version = fresh.json["version"]
        last_line = body.rsplit("\n\n", 1)[-1]
        body = (
            fresh.json["body"] if last_line in fresh.json["body"] else f"{fresh.json['body']}\n\n{last_line}"
        )
    return None


def adaptor(run: Run, client: Client, rng: random.Random) -> None:
    """Take back sent-back work or claim a ready draft, adapt it in a few saves, submit it for review."""
    queue = "/api/v1/queue?language=en&limit=10&state="
    while run.going(client):
        mine = client.get("GET /api/v1/queue", queue + "changes_requested&mine=1")
        ready = (
            mine
            if mine.status == 200 and mine.json["items"]
            else client.get("GET /api/v1/queue", queue + "draft_ready")
        )
        items = ready.json["items"] if ready.status == 200 else []
        if not items:
            run.pause(0.3, 0.6)
            continue
        pick = rng.choice(items[:3])  # several adaptors look at the top of the same list
        claimed = client.post("POST .../actions/claim", f"/api/v1/adaptations/{pick['id']}/actions/claim")
        if claimed.status != 200:
            continue  # 409: another adaptor was faster
        adaptation = claimed.json
        title, body = adaptation["title"] or "Adapted report", adaptation["body"] or "Adapted text."
        for edit in range(rng.randint(2, 4)):
            if not run.going(client):
                return
            run.pause(0.1, 0.5)
            body = f"{body}\n\nAdaptor's paragraph {edit} ({rng.randrange(10**6)})."
            saved = save_with_retry(run, client, adaptation, title, body)
            if saved is None:
                break
            adaptation, body = saved, saved["body"]
        if run.going(client):
            submit_fixing_qa(run, client, adaptation)


def submit_fixing_qa(run: Run, client: Client, adaptation: dict) -> None:
    """Submit; if QA errors block it (409 qa_failed), add what they name (figures, months), save and submit again."""
    path = f"/api/v1/adaptations/{adaptation['id']}/actions/submit"
    submitted = client.post("POST .../actions/submit", path)
    findings = (submitted.json or {}).get("findings") if submitted.status == 409 else None
    if not findings or not run.going(client):
        return
    missing = ", ".join(dict.fromkeys(f["key"] for f in findings if f["check"] in ("numbers", "dates")))
    if not missing:
        return
    saved = save_with_retry(
        run,
        client,
        adaptation,
        adaptation["title"] or "Adapted report",
        f"{adaptation['body']}\n\nFigures as in the original: {missing}.",
    )
    if saved is not None and run.going(client):
        client.post("POST .../actions/submit", path)


def editor(run: Run, client: Client, rng: random.Random) -> None:
    """Review: open, maybe correct, then approve (mostly) or request changes on the version read."""
    while run.going(client):
        touch_up = rng.random() < 0.2
        state = "in_adaptation" if touch_up else "in_review"
        listed = client.get("GET /api/v1/queue", f"/api/v1/queue?state={state}&limit=10")
        items = listed.json["items"] if listed.status == 200 else []
        if not items:
            run.pause(0.3, 0.6)
            continue
        path = f"/api/v1/adaptations/{rng.choice(items[:3])['id']}"
        opened = client.get("GET /api/v1/adaptations/{id}", path)
        if opened.status != 200 or not opened.json.get("can_edit"):
            continue
        adaptation = opened.json
        if touch_up or rng.random() < 0.3:
            run.pause(0.1, 0.4)
            corrected = save_with_retry(
                run,
                client,
                adaptation,
                adaptation["title"] or "Report",
                f"{adaptation['body']}\n\nEditor's note {rng.randrange(10**6)}.",
            )
            adaptation = corrected or adaptation
        if touch_up:
            continue
        action = "approve" if rng.random() < 0.8 else "request-changes"
        for _ in range(MAX_RETRIES):
            if not run.going(client):
                return
            run.pause(0.1, 0.3)
            body = {"version": adaptation["version"]}
            if action == "request-changes":
                body["comment"] = "Tighten the second paragraph."
            decided = client.post(f"POST .../actions/{action}", f"{path}/actions/{action}", body)
            if decided.status != 409 or (decided.json or {}).get("error") != "stale_version":
                break  # decided, or another editor already did
            reread = client.get("GET /api/v1/adaptations/{id}", path)
            if reread.status != 200:
                break
            adaptation = reread.json


def public_reader(run: Run, client: Client, rng: random.Random) -> None:
    """A reader of the public site and of its JSON list."""
    while run.going(client):
        client.get("GET /news", "/news")
        listed = client.get(
            "GET /api/v1/published", f"/api/v1/published?limit=20&offset={rng.choice([0, 0, 20])}"
        )
        stories = [item["url"] for item in (listed.json or {}).get("items", []) if item.get("url")]
        if stories:
            client.get("GET /news/{id}/{slug}", urlsplit(rng.choice(stories)).path)
        run.pause(0.1, 0.3)


def desk_reader(run: Run, client: Client, rng: random.Random) -> None:
    """Someone on the desk watching the work queue and opening adaptations."""
    while run.going(client):
        listed = client.get("GET /api/v1/queue", "/api/v1/queue?limit=50")
        items = (listed.json or {}).get("items", [])
        for item in rng.sample(items, min(2, len(items))):
            client.get("GET /api/v1/adaptations/{id}", f"/api/v1/adaptations/{item['id']}")
        run.pause(0.1, 0.3)


#: Roles handed out to clients in this order (cycling): per 16 clients 3 reporters, 5 adaptors, 2 editors,
#: 3 public readers and 3 desk readers; the first few clients already cover the whole workflow.
ROLE_CYCLE = (
    "reporter",
    "adaptor",
    "public",
    "editor",
    "adaptor",
    "desk",
    "reporter",
    "adaptor",
    "public",
    "editor",
    "adaptor",
    "desk",
    "reporter",
    "adaptor",
    "public",
    "desk",
)


def client_roles(clients: int) -> list[str]:
    """The role of each of `clients` clients."""
    return [ROLE_CYCLE[i % len(ROLE_CYCLE)] for i in range(clients)]


ROLE_LOOPS = {
    "reporter": reporter,
    "adaptor": adaptor,
    "editor": editor,
    "public": public_reader,
    "desk": desk_reader,
}
CLI_ROLES = {"reporter": "reporter", "adaptor": "adaptor", "editor": "editor", "desk": "editor"}


# --- the stack ---------------------------------------------------------------------------------------


def start_web(stack: LiveStack, workers: int, threads: int) -> None:
    """gunicorn with the production settings of docker-compose.yml (gthread), on 127.0.0.1."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "workflow:create_app()",
        "--bind",
        f"{HOST}:{stack.port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "60",
        "--graceful-timeout",
        "30",
        "--no-control-socket",
    ]
    with open(stack.data_dir / "web.log", "ab") as log:
        stack.processes["web"] = subprocess.Popen(
            argv, env=stack.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    probe = Client(stack.port, None)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if stack.processes["web"].poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{stack.log('web')[-3000:]}")
        if probe.get("health", "/healthz").status == 200:
            probe.close()
            return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer /healthz in 60 s:\n{stack.log('web')[-3000:]}")


def create_people(stack: LiveStack, roles: list[str]) -> list[str | None]:
    """One person per client (public readers need none), created with the CLI; their API tokens in order."""

    def create(index_role: tuple[int, str]) -> str | None:
        index, role = index_role
        if role not in CLI_ROLES:
            return None
        username = f"{role}{index}"
        stack.cli(
            "users",
            "create",
            username,
            "--name",
            f"Load {role.title()} {index}",
            "--role",
            CLI_ROLES[role],
            "--password",
            PASSWORD,
        )
        client = Client(stack.port, None)
        reply = client.post(
            "token", "/api/v1/tokens", {"username": username, "password": PASSWORD, "label": "load test"}
        )
        client.close()
        if reply.status != 201:
            raise RuntimeError(f"no token for {username}: {reply.status} {reply.json}")
        return reply.json["token"]

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(create, enumerate(roles)))


def wait_for_drafts(
    port: int, token: str, adaptation_ids: list[int], timeout: float
) -> tuple[set, set, float]:
    """Poll until each adaptation's draft is ready or failed (bounded); the ready and failed ids, time waited."""
    client, started = Client(port, None, token), time.monotonic()
    ready, failed, pending = set(), set(), set(adaptation_ids)
    while pending and time.monotonic() - started < timeout:
        for adaptation_id in sorted(pending):
            reply = client.get("final", f"/api/v1/adaptations/{adaptation_id}")
            draft = (reply.json or {}).get("draft") or {}
            if draft.get("state") == "ready":
                ready.add(adaptation_id)
            elif draft.get("state") == "failed":
                failed.add(adaptation_id)
        pending -= ready | failed
        if pending:
            time.sleep(1)
    client.close()
    return ready, failed, time.monotonic() - started


# --- the report --------------------------------------------------------------------------------------


def report(samples: list[Sample], elapsed: float, messages: dict[str, str]) -> list[str]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    header = f"{'request':<34}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'409':>6}{'errors':>8}"
    lines = [header, "-" * len(header)]

    def row(name: str, group: list[Sample]) -> str:
        times = sorted(s.seconds * 1000 for s in group)
        conflicts = sum(1 for s in group if s.status == 409)
        errors = sum(
            1 for s in group if not isinstance(s.status, int) or (s.status >= 400 and s.status != 409)
        )
        return (
            f"{name:<34}{len(group):>7}{len(group) / elapsed:>8.1f}{percentile(times, 50):>9.1f}"
            f"{percentile(times, 95):>9.1f}{percentile(times, 99):>9.1f}{conflicts:>6}{errors:>8}"
        )

    for kind in sorted(by_kind, key=lambda k: -len(by_kind[k])):
        lines.append(row(kind, by_kind[kind]))
    lines += ["-" * len(header), row("overall", samples)]
    statuses = Counter(s.status for s in samples)
    errors = {k: v for k, v in statuses.items() if not isinstance(k, int) or (k >= 400 and k != 409)}
    conflicts = Counter(s.code or "?" for s in samples if s.status == 409)
    lines.append("")
    lines.append("statuses: " + ", ".join(f"{k} × {v}" for k, v in sorted(statuses.items(), key=str)))
    lines.append(
        "expected conflicts (409) by code: "
        + (", ".join(f"{k} × {v}" for k, v in conflicts.most_common()) or "none")
    )
    lines.append(
        "errors by status: " + (", ".join(f"{k} × {v}" for k, v in sorted(errors.items(), key=str)) or "none")
    )
    for key, body in messages.items():
        lines.append(f"  e.g. {key}: {body}")
    return lines


# --- main --------------------------------------------------------------------------------------------


def interrupt(_signum, _frame) -> None:
    """SIGTERM ends the run like Ctrl-C, so that everything started is stopped and removed."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120, help="how long the clients run (default 120)")
    parser.add_argument(
        "--clients", type=int, default=16, help="concurrent clients, one thread each (default 16)"
    )
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=180,
        help="how long to wait for the last drafts after the clients stop (default 180 s)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the clients' choices")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients must be at least 1 and --seconds positive")

    import redis

    signal.signal(signal.SIGTERM, interrupt)
    broker = redis.Redis.from_url(REDIS_DB_URL)
    broker.flushdb()
    tmp = Path(tempfile.mkdtemp(prefix="adaptdesk-load-"))
    drop = None
    stack = None
    try:
        print(f"setting up in {tmp} …", flush=True)
        argos_dir = tmp / "argos"
        install_test_model(tmp / "models", argos_dir)
        data_dir = tmp / "data"
        data_dir.mkdir()
        database_url, drop = new_database("postgresql", data_dir)
        env = stack_env(data_dir, database_url, REDIS_DB_URL, argos_dir)
        for test_only in ("ADAPTDESK_RELAY_INTERVAL", "ADAPTDESK_DRAFT_RESEND"):  # production defaults
            env.pop(test_only, None)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp / "prometheus")
        (tmp / "prometheus").mkdir()
        stack = LiveStack(env, data_dir, free_port())
        stack.cli("db", "upgrade")
        start_web(stack, args.web_workers, args.web_threads)
        stack.start_worker("worker1")
        stack.start_worker("worker2")
        roles = client_roles(args.clients)
        *tokens, checker_token = create_people(stack, [*roles, "desk"])  # the last one checks the drafts

        recorder = Recorder()
        run = Run(stack.port, recorder, deadline=0.0)
        clients = [Client(stack.port, recorder, token) for token in tokens]
        mix = Counter(roles)
        print(
            f"Adaptdesk load test: {args.seconds:g} s, {args.clients} clients "
            f"({', '.join(f'{v} {k}' for k, v in mix.items())}); gunicorn {args.web_workers} × "
            f"{args.web_threads} threads (gthread), 2 Celery workers (-c 1), Redis db 10, PostgreSQL, "
            f"tiny ar→en model",
            flush=True,
        )
        started = time.monotonic()
        run.deadline = started + args.seconds
        threads = [
            threading.Thread(
                target=ROLE_LOOPS[role],
                args=(run, client, random.Random(args.seed * 1000 + i)),
                name=f"{role}-{i}",
                daemon=True,
            )
            for i, (role, client) in enumerate(zip(roles, clients, strict=False))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, run.deadline - time.monotonic()) + 4 * REQUEST_TIMEOUT)
        elapsed = time.monotonic() - started
        stuck = [t.name for t in threads if t.is_alive()]
        for client in clients:
            client.close()

        ready, failed, waited = wait_for_drafts(stack.port, checker_token, run.submitted, args.drain_timeout)
        with recorder.lock:
            samples = list(recorder.samples)
        total = len(samples)
        print(
            f"\n{total} requests in {elapsed:.1f} s = {total / elapsed:.1f} requests/s"
            + (f"; clients still busy at the end: {', '.join(stuck)}" if stuck else "")
        )
        print("\n".join(report(samples, elapsed, recorder.messages)))
        lost = len(run.submitted) - len(ready) - len(failed)
        print(
            f"articles: submitted {len(run.submitted)}, drafted {len(ready)}, draft failed {len(failed)}, "
            f"lost {lost} (waited {waited:.1f} s after the clients stopped)"
        )
        tracebacks = sum(stack.log(name).count("Traceback") for name in ("web", "worker1", "worker2"))
        print(f"tracebacks in the web and worker logs: {tracebacks}")
        errors = sum(
            1 for s in samples if not isinstance(s.status, int) or (s.status >= 400 and s.status != 409)
        )
        return 0 if lost == 0 and not failed and not errors else 1
    except KeyboardInterrupt:
        print("interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if stack is not None:
            stack.stop_all()
        if drop is not None:
            drop()
        broker.flushdb()
        broker.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
