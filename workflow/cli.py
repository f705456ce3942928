"""The `adaptdesk` command: serve, worker, users, db, demo, models, publish-due.

Like Docker Compose, the command reads a `.env` file in the working directory first; variables already set
in the environment win over it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import click
from dotenv import load_dotenv
from gunicorn.app.base import BaseApplication
from sqlalchemy import select

from .cli_audit import acting_admin, as_admin_option
from .cli_models import (
    app_or_exit,
    install_demo_models,
    installed_models_banner,
    models_group,
    settings_or_exit,
)
from .cli_users import COMMANDS as USER_COMMANDS
from .config import Settings
from .db_migrations import current, downgrade, upgrade
from .extensions import db
from .jobs import SCHEDULER, WORKER_QUEUES
from .models import User
from .services.adaptations import publish_due
from .services.articles import submit_article
from .services.credentials import issue_token_for
from .services.errors import ServiceError
from .services.inputs import ArticleInput
from .services.outbox import outbox_of
from .services.queries import users
from .services.users import create_user, find_user, parse_roles


def load_env_file(folder: Path | None = None) -> None:
    """Add the variables of `.env` in `folder` (the working directory) that the environment does not set."""
    load_dotenv((folder or Path.cwd()) / ".env", override=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Adaptdesk: originals, machine drafts, adaptation, review and publication with credits."""
    load_env_file()


main.add_command(models_group)


# --- database ----------------------------------------------------------------------------------


@main.group("db")
def db_group() -> None:
    """Database schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Bring the database schema up to date."""
    settings = settings_or_exit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Take the database schema down to REVISION (e.g. -1)."""
    downgrade(settings_or_exit().database_url, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("current")
def db_current() -> None:
    """Print the schema revision the database is at."""
    click.echo(current(settings_or_exit().database_url) or "empty")


# --- users ---------------------------------------------------------------------------------------


@main.group("users")
def users_group() -> None:
    """People, roles and API tokens."""


@users_group.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help='Name printed in credits, e.g. "Nadine Sassine".')
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["reporter", "adaptor", "editor", "admin"]),
    help="Repeat for several roles.",
)
@click.option("--password", help="Prompted for when not given.")
@click.option("--email", default=None, help="Where notifications are mailed (when the newsroom sends mail).")
@as_admin_option
def users_create(
    username: str,
    display_name: str,
    roles: tuple[str, ...],
    password: str | None,
    email: str | None,
    as_admin: str | None,
) -> None:
    """Create a person with one or more roles."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with app_or_exit().app_context():
        admin = acting_admin(db.session, as_admin)
        try:
            user = create_user(
                db.session,
                username,
                display_name,
                parse_roles(list(roles)),
                password,
                actor=admin,
                email=email,
            )
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"Created {user.username} ({user.display_name}): {', '.join(sorted(roles))}.")


@users_group.command("token")
@click.argument("username")
@click.option("--name", "--label", "label", default="cli", help="What the token is for.")
@as_admin_option
def users_token(username: str, label: str, as_admin: str | None) -> None:
    """Print a new API token for USERNAME (shown once; only its hash is stored; expires per
    ADAPTDESK_TOKEN_LIFETIME)."""
    app = app_or_exit()
    with app.app_context():
        admin = acting_admin(db.session, as_admin)
        lifetime = timedelta(seconds=app.config["ADAPTDESK"].token_lifetime_seconds)
        try:
            token = issue_token_for(
                db.session, admin, find_user(db.session, username), label, lifetime=lifetime
            )
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(token)


for _command in USER_COMMANDS:
    users_group.add_command(_command)


@users_group.command("list")
def users_list() -> None:
    """List people and their roles."""
    with app_or_exit().app_context():
        for user in users(db.session):
            roles = ",".join(sorted(r.value for r in user.roles))
            click.echo(
                f"{user.username:<20} {user.display_name:<30} {roles}{'' if user.active else ' (disabled)'}"
            )


# --- demo ----------------------------------------------------------------------------------------

DEMO_USERS = [
    ("reporter", "Ahmad Abdallah", ["reporter"]),
    ("adaptor", "Nadine Sassine", ["adaptor"]),
    ("editor", "Rima Haddad", ["editor"]),
    ("admin", "Sami Khoury", ["admin"]),
]
DEMO_PASSWORD = "adaptdesk-demo"
DEMO_TITLE = "بوتين في كوريا الشمالية: زيارة تاريخية لتعزيز العلاقات العسكرية"
DEMO_BODY = (
    "استقبلت بيونغ يانغ الرئيس الروسي فلاديمير بوتين بالأعلام الروسية ولافتات الترحيب، "
    "في أول زيارة من نوعها منذ 24 عاماً.\n\n"
    "ووقّع بوتين والزعيم الكوري الشمالي كيم جونغ أون اتفاقية شراكة استراتيجية جديدة. "
    "ويسعى بوتين من خلالها إلى تأمين إمدادات الأسلحة لتعزيز قدرات الجيش الروسي.\n\n"
    "وأثارت الزيارة قلق كوريا الجنوبية والولايات المتحدة وحلفائها؟ "
    "نعم، إذ حذّرت واشنطن من عقوبات إضافية."
)


@main.command("demo")
def demo() -> None:
    """Install Arabic ↔ English models when online, create demo users (one per role) and one example Arabic
    original to click through."""
    app = app_or_exit()
    install_demo_models(app.config["ADAPTDESK"])
    with app.app_context():
        acting_admin(db.session, None)
        for username, name, roles in DEMO_USERS:
            if db.session.scalar(select(User).where(User.username == username)) is None:
                create_user(db.session, username, name, parse_roles(roles), DEMO_PASSWORD)
        reporter = db.session.scalar(select(User).where(User.username == "reporter"))
        article = submit_article(
            db.session,
            reporter,
            ArticleInput(
                DEMO_TITLE,
                DEMO_BODY,
                "ar",
                "News Bulletin Reports",
                ["Putin", "Russia", "North Korea"],
                ["en"],
            ),
        )
        db.session.commit()
        outbox_of(app).relay()
        click.echo(f"Demo users (password {DEMO_PASSWORD!r}): " + ", ".join(u for u, _, _ in DEMO_USERS))
        click.echo(f"Example original #{article.id} submitted; its English draft is queued.")


# --- running -------------------------------------------------------------------------------------


def worker_argv(
    settings: Settings,
    concurrency: int | None,
    loglevel: str,
    hostname: str | None = None,
    duties: bool = True,
) -> list[str]:
    """Arguments for `celery worker` with Adaptdesk's defaults: every queue, duties and urgent drafts first
    (WORKER_QUEUES), and an embedded beat (whose
    scheduler sends a duty only when this worker wins its round) unless `duties` is False."""
    argv = ["worker", "--loglevel", loglevel, "-Q", ",".join(WORKER_QUEUES), "--pool", "prefork"]
    if duties:
        argv += ["--beat", "--scheduler", SCHEDULER]
    if hostname:
        argv += ["--hostname", hostname]
    concurrency = concurrency or settings.worker_concurrency
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    return argv


@main.command("worker")
@click.option(
    "--concurrency",
    "-c",
    type=int,
    default=None,
    help="Worker processes (default: ADAPTDESK_WORKER_CONCURRENCY or the number of cores).",
)
@click.option(
    "--no-duties",
    is_flag=True,
    help="Run no beat: leave sending the periodic duties (relaying draft jobs, re-queueing drafts for new "
    "models, publishing) to other workers. By default every worker embeds Celery's beat and a lock in the "
    "database picks one to send each duty each round.",
)
@click.option("--loglevel", default="info", show_default=True)
@click.option("--hostname", "-n", default=None, help="Worker name, e.g. worker1@%h (unique per machine).")
def worker(concurrency: int | None, no_duties: bool, loglevel: str, hostname: str | None) -> None:
    """Run a Celery worker that produces machine-translation drafts, with an embedded beat for the periodic
    duties."""
    # The app's own Celery app runs the worker; it imports the tasks module by name (its `include`).
    app = app_or_exit()
    app.extensions["celery"].worker_main(
        worker_argv(app.config["ADAPTDESK"], concurrency, loglevel, hostname, duties=not no_duties)
    )


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Run the web app alone (workers run elsewhere).")
@click.option(
    "--threads",
    default=32,
    show_default=True,
    type=int,
    help="Web threads: each open desk page holds one for its live event stream (README: the live desk).",
)
def serve(host: str, port: int, no_worker: bool, threads: int) -> None:
    """Run the service: migrate, start a Celery worker with the periodic duties (unless --no-worker) and
    serve the web app."""
    settings = settings_or_exit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    click.echo(installed_models_banner(settings))
    worker_process = None
    if not no_worker:
        worker_process = subprocess.Popen(
            [sys.executable, "-m", "workflow.cli", "worker", "--loglevel", "warning"], env=os.environ.copy()
        )
        click.echo(
            f"Started a Celery worker (pid {worker_process.pid}) on "
            f"{'the embedded broker' if settings.embedded_broker else settings.broker_url}."
        )

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("control_socket_disable", True)

        def load(self):
            return app_or_exit()

    click.echo(f"Adaptdesk on http://{host}:{port}/  (data in {settings.data_dir})")
    try:
        Server().run()
    finally:
        if worker_process is not None:
            worker_process.send_signal(signal.SIGTERM)
            try:
                worker_process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker_process.kill()


@main.command("publish-due")
def publish_due_command() -> None:
    """Publish scheduled adaptations whose time has come (a worker's beat has it done every minute)."""
    with app_or_exit().app_context():
        ids = publish_due(db.session)
        db.session.commit()
        click.echo(f"Published {len(ids)} scheduled adaptation(s).")


if __name__ == "__main__":
    main()
