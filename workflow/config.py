"""Typed settings read from the environment, once, inside the app factory."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "instance"


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


def normalize_database_url(url: str) -> str:
    """Map the usual `postgresql://` form onto the psycopg 3 driver the project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Settings:
    """Everything the app and the workers need to know about their surroundings."""

    data_dir: Path
    database_url: str
    secret_key: str
    broker_url: str
    result_backend: str | None
    embedded_broker: bool
    production: bool = False
    max_body_chars: int = 100_000
    max_title_chars: int = 300
    max_tags: int = 20
    max_request_bytes: int = 2 * 1024 * 1024
    draft_timeout_seconds: int = 900
    draft_resend_seconds: int = 300
    visibility_timeout_seconds: int = 1920
    relay_interval_seconds: float = 30.0
    argos_packages_dir: Path | None = None
    mt_beam_size: int = 4
    mt_threads: int = 1
    mt_compute_type: str = "int8"
    mt_max_batch: int = 64
    session_cookie_secure: bool = False
    ratelimit_storage_url: str = "memory://"
    publisher: str = "Adaptdesk newsroom"
    max_model_bytes: int = 1024**3
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables, with embedded defaults for one machine."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("ADAPTDESK_DATA_DIR") or DEFAULT_DATA_DIR).resolve()
        production = env.get("ADAPTDESK_ENV", "").lower() == "production"
        database_url = normalize_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'adaptdesk.db'}"
        )
        broker_url = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL") or ""
        embedded = not broker_url
        if embedded:
            broker_url = f"sqla+sqlite:///{data_dir / 'broker.db'}"
        result_backend = env.get("CELERY_RESULT_BACKEND") or None
        secret_key = env.get("SECRET_KEY") or ""
        if production and (not secret_key or secret_key in WEAK_SECRETS or len(secret_key) < 16):
            raise ConfigError(
                "SECRET_KEY must be set to a long random value in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        packages_dir = env.get("ARGOS_PACKAGES_DIR")
        redis_url = env.get("REDIS_URL") or (broker_url if broker_url.startswith("redis") else "")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=secret_key,
            broker_url=broker_url,
            result_backend=result_backend,
            embedded_broker=embedded,
            production=production,
            max_body_chars=_int(env, "ADAPTDESK_MAX_BODY_CHARS", 100_000),
            max_title_chars=_int(env, "ADAPTDESK_MAX_TITLE_CHARS", 300),
            max_tags=_int(env, "ADAPTDESK_MAX_TAGS", 20),
            max_request_bytes=_int(env, "ADAPTDESK_MAX_REQUEST_BYTES", 2 * 1024 * 1024),
            draft_timeout_seconds=_int(env, "ADAPTDESK_DRAFT_TIMEOUT", 900),
            draft_resend_seconds=_int(env, "ADAPTDESK_DRAFT_RESEND", 300),
            visibility_timeout_seconds=_int(
                env, "ADAPTDESK_VISIBILITY_TIMEOUT", _int(env, "ADAPTDESK_DRAFT_TIMEOUT", 900) * 2 + 120
            ),
            relay_interval_seconds=float(env.get("ADAPTDESK_RELAY_INTERVAL") or 30),
            argos_packages_dir=Path(packages_dir).resolve() if packages_dir else data_dir / "argos-packages",
            mt_beam_size=_int(env, "ADAPTDESK_MT_BEAM_SIZE", 4),
            mt_threads=_int(env, "ADAPTDESK_MT_THREADS", 1),
            mt_compute_type=env.get("ADAPTDESK_MT_COMPUTE_TYPE") or "int8",
            mt_max_batch=_int(env, "ADAPTDESK_MT_MAX_BATCH", 64),
            session_cookie_secure=_bool(env.get("ADAPTDESK_SECURE_COOKIES"), production),
            publisher=env.get("ADAPTDESK_PUBLISHER") or "Adaptdesk newsroom",
            max_model_bytes=_int(env, "ADAPTDESK_MAX_MODEL_BYTES", 1024**3),
            ratelimit_storage_url=env.get("RATELIMIT_STORAGE_URI") or (redis_url or "memory://"),
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


WEAK_SECRETS = {"dev", "change-me", "changeme", "secret", "development", "please-change-me"}
