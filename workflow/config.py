"""Typed settings read from the environment, once, inside the app factory (and the CLI's commands).

This is the only module that reads the environment; everything else takes `Settings` (or, for gunicorn's
logger class, which runs before any app exists, `LogSettings`).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .domain.webhooks import IPNetwork, parse_networks

#: The data folder when ADAPTDESK_DATA_DIR is unset: `instance` in the working directory (never inside the
#: installed package, which may be read-only and is replaced by every upgrade).
DEFAULT_DATA_DIR = Path("instance")
#: The index argostranslate uses when ARGOS_PACKAGE_INDEX is unset (a folder URL holding index.json).
DEFAULT_PACKAGE_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
WEAK_SECRETS = {"dev", "change-me", "changeme", "secret", "development", "please-change-me"}
#: A production SECRET_KEY needs at least this many characters, of at least this many different ones.
MIN_SECRET_CHARS, MIN_SECRET_DISTINCT = 32, 10
#: Where readers reach the site when ADAPTDESK_PUBLIC_URL is unset outside production (`adaptdesk serve`).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ConfigError(RuntimeError):
    """The environment describes a configuration the service cannot start with."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number, 0 or more."""
    value = _int(env, name, default)
    if value < 0:
        raise ConfigError(f"{name} must be 0 or a positive whole number, not {env.get(name)!r}")
    return value


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} must be a positive whole number, not {raw!r}")
    return value


def _duration(env: Mapping[str, str], name: str, default: int) -> int:
    """Seconds from a whole number, optionally followed by s, m, h or d (`12h`, `14d`, `3600`)."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    number, unit = (raw[:-1], raw[-1]) if raw[-1] in _DURATION_UNITS else (raw, "s")
    if not number.isdigit() or int(number) < 1:
        raise ConfigError(f"{name} must be a positive duration such as 3600, 90m, 12h or 14d, not {raw!r}")
    return int(number) * _DURATION_UNITS[unit]


def _duration_or_off(env: Mapping[str, str], name: str, default: int) -> int:
    """Like `_duration`, with 0 meaning "off"."""
    return 0 if (env.get(name) or "").strip() == "0" else _duration(env, name, default)


def check_secret_key(secret_key: str) -> None:
    """Refuse a production SECRET_KEY that is missing, a known placeholder, short or of low entropy."""
    if (
        secret_key in WEAK_SECRETS
        or len(secret_key) < MIN_SECRET_CHARS
        or len(set(secret_key)) < MIN_SECRET_DISTINCT
    ):
        raise ConfigError(
            f"SECRET_KEY must be a random value of at least {MIN_SECRET_CHARS} characters (with at least "
            f"{MIN_SECRET_DISTINCT} different ones) in production. Generate one with: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )


def _publisher_logo(env: Mapping[str, str]) -> str:
    raw = (env.get("ADAPTDESK_PUBLISHER_LOGO") or "").strip()
    if raw and not (raw.startswith("/") or urlsplit(raw).scheme in ("http", "https")):
        raise ConfigError(
            f"ADAPTDESK_PUBLISHER_LOGO must be an http(s) address or a path such as /static/logo.png, not {raw!r}"
        )
    return raw


def _public_url(env: Mapping[str, str], production: bool) -> str:
    raw = (env.get("ADAPTDESK_PUBLIC_URL") or "").strip().rstrip("/")
    if not raw and production:
        raise ConfigError(
            "ADAPTDESK_PUBLIC_URL must be set in production: the address readers reach the site at, "
            "e.g. https://news.example.org (feeds and metadata link there, never to the request's Host)."
        )
    parts = urlsplit(raw or DEFAULT_PUBLIC_URL)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(
            f"ADAPTDESK_PUBLIC_URL must be an http(s) address such as https://news.example.org, not {raw!r}"
        )
    return raw or DEFAULT_PUBLIC_URL


def _timezone(env: Mapping[str, str]) -> str:
    """ADAPTDESK_TIMEZONE: the newsroom's IANA time zone ("Asia/Beirut"), in which pages show and take times."""
    name = (env.get("ADAPTDESK_TIMEZONE") or "UTC").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"ADAPTDESK_TIMEZONE must be an IANA time zone such as Asia/Beirut or UTC, not {name!r}"
        ) from None
    return name


def _hour(env: Mapping[str, str], name: str, default: int) -> int:
    """An hour of the day, 0 to 23."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 23:
        raise ConfigError(f"{name} must be an hour of the day from 0 to 23, not {raw!r}")
    return int(raw)


def _is_production(env: Mapping[str, str]) -> bool:
    return env.get("ADAPTDESK_ENV", "").lower() == "production"


def normalize_database_url(url: str) -> str:
    """Map the usual `postgresql://` form onto the psycopg 3 driver the project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class LogSettings:
    """How a process logs: ADAPTDESK_LOG_FORMAT (json | text; json by default in production) and
    ADAPTDESK_LOG_LEVEL (DEBUG | INFO | WARNING | ERROR; a Celery worker's --loglevel wins)."""

    format: str = "text"
    level: int = logging.INFO

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LogSettings:
        """Read the two logging variables (and ADAPTDESK_ENV for the format's default)."""
        env = os.environ if env is None else env
        chosen = (env.get("ADAPTDESK_LOG_FORMAT") or "").strip().lower()
        if chosen and chosen not in ("json", "text"):
            raise ConfigError(f"ADAPTDESK_LOG_FORMAT must be json or text, not {chosen!r}")
        name = (env.get("ADAPTDESK_LOG_LEVEL") or "INFO").strip().upper()
        level = logging.getLevelNamesMapping().get(name)
        if level is None:
            raise ConfigError(f"ADAPTDESK_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {name!r}")
        return cls(format=chosen or ("json" if _is_production(env) else "text"), level=level)


@dataclass(frozen=True)
class SmtpSettings:
    """Where notification mail is sent: ADAPTDESK_SMTP_URL, e.g. smtp://user:pass@host:587?starttls=1."""

    host: str
    port: int
    username: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False  #: upgrade a plain connection (smtp://…?starttls=1)
    ssl: bool = False  #: TLS from the start (smtps://)
    sender: str = "Adaptdesk <adaptdesk@localhost>"  #: ADAPTDESK_MAIL_FROM
    timeout: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """The SMTP server, or None when ADAPTDESK_SMTP_URL is not set (no mail is sent)."""
        raw = (env.get("ADAPTDESK_SMTP_URL") or "").strip()
        if not raw:
            return None
        parts = urlsplit(raw)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError(
                "ADAPTDESK_SMTP_URL must look like smtp://user:pass@host:587?starttls=1 or smtps://host:465."
            )
        query = dict(parse_qsl(parts.query))
        ssl = parts.scheme == "smtps"
        starttls = _bool(query.get("starttls"), False)
        try:
            port = parts.port or (465 if ssl else 587 if starttls else 25)
        except ValueError:
            raise ConfigError("ADAPTDESK_SMTP_URL: the port must be a number from 1 to 65535.") from None
        return cls(
            host=parts.hostname,
            port=port,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            starttls=starttls,
            ssl=ssl,
            sender=(env.get("ADAPTDESK_MAIL_FROM") or cls.sender).strip(),
        )


@dataclass(frozen=True)
class Settings:
    """Everything the app, the CLI and the workers need to know about their surroundings."""

    data_dir: Path
    database_url: str
    secret_key: str
    broker_url: str
    result_backend: str | None
    embedded_broker: bool
    argos_packages_dir: Path  #: ARGOS_PACKAGES_DIR, else <data_dir>/argos-packages
    production: bool = False
    max_body_chars: int = 100_000
    max_title_chars: int = 300
    max_tags: int = 20
    max_request_bytes: int = 2 * 1024 * 1024
    max_image_bytes: int = 10 * 1024 * 1024  #: largest lead picture upload
    draft_timeout_seconds: int = 900
    draft_resend_seconds: int = 300
    visibility_timeout_seconds: int = 1920
    relay_interval_seconds: float = 15.0
    draft_heartbeat_seconds: int = 10  #: how often a worker renews the lease of the draft it translates
    draft_lease_seconds: int = (
        45  #: a draft whose heartbeat is older than this is taken over by another worker
    )
    mt_warm_mb: int = 1024  #: models each worker process loads at start, up to this many MB (0: none)
    max_model_unpacked_bytes: int = 4 * 1024**3  #: a model archive unpacking to more is refused
    max_model_ratio: int = 20  #: a model archive whose unpacked size is more than this × its own is refused
    argos_package_index: str = DEFAULT_PACKAGE_INDEX
    mt_beam_size: int = 4
    mt_threads: int = 1
    mt_compute_type: str = "int8"
    mt_max_batch: int = 8
    #: Most batches one draft translates at once, on cores no other draft job of this machine is using
    #: (1: one core per draft, always). None: the machine's cores.
    mt_parallel: int | None = None
    worker_concurrency: int | None = None  #: None: one worker process per core
    session_cookie_secure: bool = False
    ratelimit_storage_url: str = "memory://"
    publisher: str = "Adaptdesk newsroom"
    #: the publisher's logo (an http(s) address, or a path under the public address); "" for the shipped one
    publisher_logo: str = ""
    redis_url: str = ""  #: REDIS_URL (or a Redis broker): where story views are counted; "" → the database
    max_model_bytes: int = 1024**3  #: largest model upload on the admin page (real packages are ~100 MB)
    max_import_bytes: int = 200 * 1024**2  #: largest TMX, TBX or CSV file an editor may import
    metrics_token: str = ""  #: when set, /metrics answers only `Authorization: Bearer <token>`
    prometheus_multiproc_dir: str | None = None  #: shared by gunicorn's workers so a scrape adds them up
    allow_self_approval: bool = False  #: a one-person newsroom may approve its own adaptations (no four eyes)
    smtp: SmtpSettings | None = None  #: ADAPTDESK_SMTP_URL: where notifications are mailed (None: no mail)
    session_idle_seconds: int = 12 * 3600  #: a login session unused this long ends
    session_lifetime_seconds: int = 14 * 86400  #: a login session ends this long after the login, used or not
    token_lifetime_seconds: int = 90 * 86400  #: API tokens expire this long after they were made
    trusted_proxies: int = 0  #: reverse proxies in front whose X-Forwarded-For/-Proto are believed
    #: PostgreSQL ends a session left idle inside a transaction this long, releasing its locks (0: never)
    db_idle_in_transaction_seconds: int = 300
    public_url: str = DEFAULT_PUBLIC_URL  #: where readers reach the site: absolute links start here
    timezone: str = "UTC"  #: the newsroom's time zone: pages show times in it and scheduling takes it
    #: The hour of the newsroom's day (0–23, ADAPTDESK_TIMEZONE) from which daily digests are mailed
    mail_digest_hour: int = 18
    #: Networks webhook deliveries may reach although they are not public (loopback, private, link-local …)
    webhook_allowed_networks: tuple[IPNetwork, ...] = ()
    #: The live desk (GET /api/v1/events): each stream ends after this long (the browser reconnects at once
    #: with Last-Event-ID), so an open page holds a web thread for a bounded time (ADAPTDESK_LIVE_STREAM_SECONDS)
    live_stream_seconds: int = 300
    #: A comment line this often keeps proxies from closing an idle stream and renews presence
    #: (ADAPTDESK_LIVE_HEARTBEAT); presence runs out after three heartbeats without one
    live_heartbeat_seconds: int = 15
    #: Events kept per stream for replay to a browser that reconnects (ADAPTDESK_LIVE_BACKLOG)
    live_backlog: int = 500
    #: Memory each web process gives the public list pages it keeps (ADAPTDESK_PAGE_CACHE_MB; 0: none)
    page_cache_mb: int = 32
    log: LogSettings = field(default_factory=LogSettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables, with embedded defaults for one machine."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("ADAPTDESK_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
        production = _is_production(env)
        database_url = normalize_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'adaptdesk.db'}"
        )
        broker_url = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL") or ""
        embedded = not broker_url
        if embedded:
            broker_url = f"sqla+sqlite:///{data_dir / 'broker.db'}"
        secret_key = env.get("SECRET_KEY") or ""
        if production:
            check_secret_key(secret_key)
        packages_dir = env.get("ARGOS_PACKAGES_DIR")
        redis_url = env.get("REDIS_URL") or (broker_url if broker_url.startswith("redis") else "")
        draft_timeout = _int(env, "ADAPTDESK_DRAFT_TIMEOUT", cls.draft_timeout_seconds)
        trusted_proxies = _int(env, "ADAPTDESK_TRUSTED_PROXIES", cls.trusted_proxies)
        if trusted_proxies < 0:
            raise ConfigError("ADAPTDESK_TRUSTED_PROXIES is how many proxies stand in front: 0, 1, 2 …")
        heartbeat = _positive_int(env, "ADAPTDESK_DRAFT_HEARTBEAT", cls.draft_heartbeat_seconds)
        lease = _positive_int(env, "ADAPTDESK_DRAFT_LEASE", cls.draft_lease_seconds)
        if lease < 3 * heartbeat:
            raise ConfigError(
                f"ADAPTDESK_DRAFT_LEASE ({lease} s) must be at least three heartbeats "
                f"(ADAPTDESK_DRAFT_HEARTBEAT, {heartbeat} s), or a busy worker loses drafts it is still making."
            )
        try:
            webhook_networks = parse_networks(env.get("ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS") or "")
        except ValueError as exc:
            raise ConfigError(f"ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS: {exc}") from None
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=secret_key,
            broker_url=broker_url,
            result_backend=env.get("CELERY_RESULT_BACKEND") or None,
            embedded_broker=embedded,
            argos_packages_dir=Path(packages_dir).resolve() if packages_dir else data_dir / "argos-packages",
            production=production,
            max_body_chars=_int(env, "ADAPTDESK_MAX_BODY_CHARS", cls.max_body_chars),
            max_title_chars=_int(env, "ADAPTDESK_MAX_TITLE_CHARS", cls.max_title_chars),
            max_tags=_int(env, "ADAPTDESK_MAX_TAGS", cls.max_tags),
            max_request_bytes=_int(env, "ADAPTDESK_MAX_REQUEST_BYTES", cls.max_request_bytes),
            max_image_bytes=_positive_int(env, "ADAPTDESK_MAX_IMAGE_BYTES", cls.max_image_bytes),
            draft_timeout_seconds=draft_timeout,
            draft_resend_seconds=_int(env, "ADAPTDESK_DRAFT_RESEND", cls.draft_resend_seconds),
            # Unacknowledged jobs come back after this long: by default well past the hard time limit.
            visibility_timeout_seconds=_int(env, "ADAPTDESK_VISIBILITY_TIMEOUT", draft_timeout * 2 + 120),
            # a positive duration: 0 would have the workers' beat send duties in a busy loop
            relay_interval_seconds=float(
                _duration(env, "ADAPTDESK_RELAY_INTERVAL", int(cls.relay_interval_seconds))
            ),
            argos_package_index=env.get("ARGOS_PACKAGE_INDEX") or cls.argos_package_index,
            draft_heartbeat_seconds=heartbeat,
            draft_lease_seconds=lease,
            mt_warm_mb=_int(env, "ADAPTDESK_MT_WARM_MB", cls.mt_warm_mb),
            max_model_unpacked_bytes=_positive_int(
                env, "ADAPTDESK_MAX_MODEL_UNPACKED_BYTES", cls.max_model_unpacked_bytes
            ),
            max_model_ratio=_positive_int(env, "ADAPTDESK_MAX_MODEL_RATIO", cls.max_model_ratio),
            mt_beam_size=_positive_int(env, "ADAPTDESK_MT_BEAM_SIZE", cls.mt_beam_size),
            mt_threads=_positive_int(env, "ADAPTDESK_MT_THREADS", cls.mt_threads),
            mt_compute_type=env.get("ADAPTDESK_MT_COMPUTE_TYPE") or cls.mt_compute_type,
            mt_max_batch=_positive_int(env, "ADAPTDESK_MT_MAX_BATCH", cls.mt_max_batch),
            mt_parallel=_positive_int(env, "ADAPTDESK_MT_PARALLEL", 1)
            if env.get("ADAPTDESK_MT_PARALLEL")
            else None,
            worker_concurrency=_int(env, "ADAPTDESK_WORKER_CONCURRENCY", 0) or None,
            session_cookie_secure=_bool(env.get("ADAPTDESK_SECURE_COOKIES"), production),
            ratelimit_storage_url=env.get("RATELIMIT_STORAGE_URI")
            or (redis_url or cls.ratelimit_storage_url),
            publisher=env.get("ADAPTDESK_PUBLISHER") or cls.publisher,
            publisher_logo=_publisher_logo(env),
            redis_url=redis_url,
            max_model_bytes=_int(env, "ADAPTDESK_MAX_MODEL_BYTES", cls.max_model_bytes),
            max_import_bytes=_int(env, "ADAPTDESK_MAX_IMPORT_BYTES", cls.max_import_bytes),
            metrics_token=(env.get("ADAPTDESK_METRICS_TOKEN") or "").strip(),
            prometheus_multiproc_dir=env.get("PROMETHEUS_MULTIPROC_DIR") or None,
            allow_self_approval=_bool(env.get("ADAPTDESK_ALLOW_SELF_APPROVAL"), False),
            session_idle_seconds=_duration(env, "ADAPTDESK_SESSION_IDLE_TIMEOUT", cls.session_idle_seconds),
            session_lifetime_seconds=_duration(
                env, "ADAPTDESK_SESSION_LIFETIME", cls.session_lifetime_seconds
            ),
            token_lifetime_seconds=_duration(env, "ADAPTDESK_TOKEN_LIFETIME", cls.token_lifetime_seconds),
            trusted_proxies=trusted_proxies,
            db_idle_in_transaction_seconds=_duration_or_off(
                env, "ADAPTDESK_DB_IDLE_IN_TRANSACTION_TIMEOUT", cls.db_idle_in_transaction_seconds
            ),
            public_url=_public_url(env, production),
            timezone=_timezone(env),
            mail_digest_hour=_hour(env, "ADAPTDESK_MAIL_DIGEST_HOUR", cls.mail_digest_hour),
            webhook_allowed_networks=webhook_networks,
            live_stream_seconds=_duration(env, "ADAPTDESK_LIVE_STREAM_SECONDS", cls.live_stream_seconds),
            live_heartbeat_seconds=_duration(env, "ADAPTDESK_LIVE_HEARTBEAT", cls.live_heartbeat_seconds),
            live_backlog=_positive_int(env, "ADAPTDESK_LIVE_BACKLOG", cls.live_backlog),
            page_cache_mb=_count(env, "ADAPTDESK_PAGE_CACHE_MB", cls.page_cache_mb),
            smtp=SmtpSettings.from_env(env),
            log=LogSettings.from_env(env),
        )

    def with_secret(self) -> Settings:
        """Return settings whose secret key is set, generating one in the data directory if needed."""
        if self.secret_key:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        return replace(self, secret_key=key_file.read_text().strip())
