"""Extensions created unbound here and bound to the app inside the factory."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker


class Database:
    """The engine and the request-scoped session, bound to one app."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session_factory = sessionmaker(expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self.session_factory)

    def init_app(self, app: Flask, url: str, *, idle_in_transaction_seconds: int = 0) -> None:
        """Create the engine for `url` and remove the session when each app context ends."""
        self.engine = make_engine(url, idle_in_transaction_seconds=idle_in_transaction_seconds)
        self.session_factory.configure(bind=self.engine)
        app.teardown_appcontext(self._remove_session)

    def _remove_session(self, _exc: BaseException | None) -> None:
        self.session.remove()


def make_engine(url: str, *, idle_in_transaction_seconds: int = 0) -> Engine:
    """An engine with settings fit for the database kind: WAL and foreign keys on SQLite; on PostgreSQL,
    sessions idle inside a transaction for `idle_in_transaction_seconds` (0: no limit) are ended."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; let SQLAlchemy emit it.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # IMMEDIATE takes the write lock up front, so two writers queue instead of failing mid-transaction.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # A process frozen mid-transaction (stopped, swapped out, stuck in a call) would otherwise hold its row
    # locks for ever; the server ends its session instead, and the pool's pre-ping drops the dead connection.
    options = f"-c idle_in_transaction_session_timeout={idle_in_transaction_seconds * 1000}"
    connect_args = {"options": options} if idle_in_transaction_seconds else {}
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
