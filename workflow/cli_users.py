"""`adaptdesk users …` commands for running accounts: passwords, disabling, tokens.

The command line acts as the operator who holds the server: what it does is recorded in the audit log
with no admin's name ("command line").
"""

from __future__ import annotations

import click

from .cli_models import app_or_exit
from .extensions import db
from .models import utcnow
from .services import credentials
from .services.errors import ServiceError
from .services.users import find_user, reset_password, set_active


def _fail(exc: ServiceError) -> click.ClickException:
    return click.ClickException(exc.message)


@click.command("set-password")
@click.argument("username")
@click.option("--password", help="Prompted for when not given.")
@click.option("--must-change", is_flag=True, help="Make them choose a new password at their next login.")
def set_password(username: str, password: str | None, must_change: bool) -> None:
    """Set USERNAME's password; their login sessions end and their API tokens are revoked."""
    with app_or_exit().app_context():
        try:
            person = find_user(db.session, username)
            if password is None:
                password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
            sessions, tokens = reset_password(db.session, None, person, password, must_change=must_change)
        except ServiceError as exc:
            raise _fail(exc) from None
        db.session.commit()
    then = " They must choose a new one at their next login." if must_change else ""
    click.echo(
        f"Password of {person.username} set; {sessions} login session(s) ended, {tokens} token(s) revoked.{then}"
    )


def _set_active(username: str, active: bool) -> None:
    with app_or_exit().app_context():
        try:
            person = set_active(db.session, None, find_user(db.session, username), active)
        except ServiceError as exc:
            raise _fail(exc) from None
        db.session.commit()
    if active:
        click.echo(f"Enabled {person.username}: they can log in again (old sessions and tokens stay ended).")
    else:
        click.echo(f"Disabled {person.username}: every login session ended and every API token was revoked.")


@click.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable USERNAME: no login; every session and token ends for good."""
    _set_active(username, False)


@click.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """Let USERNAME log in again (nothing that ended comes back)."""
    _set_active(username, True)


@click.command("tokens")
@click.argument("username")
def list_tokens(username: str) -> None:
    """List USERNAME's API tokens that still work: id, name, created, last used, expires."""
    with app_or_exit().app_context():
        try:
            rows = credentials.live_tokens(db.session, find_user(db.session, username))
        except ServiceError as exc:
            raise _fail(exc) from None
        if not rows:
            click.echo(f"{username} has no working API tokens.")
        for row in rows:
            used = row.last_used_at.strftime("%Y-%m-%d %H:%M") if row.last_used_at else "never"
            click.echo(
                f"{row.id:>6}  {row.name:<30}  created {row.created_at:%Y-%m-%d %H:%M}  used {used:<16}  "
                f"expires {row.expires_at:%Y-%m-%d}{'  (expired)' if row.expires_at <= utcnow() else ''}"
            )


@click.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token(token_id: int) -> None:
    """Revoke the API token with id TOKEN_ID (see `adaptdesk users tokens USERNAME`)."""
    with app_or_exit().app_context():
        try:
            row = credentials.revoke_token(db.session, None, token_id)
        except ServiceError as exc:
            raise _fail(exc) from None
        db.session.commit()
        click.echo(f"Revoked token {row.id} ({row.name}) of {row.user.username}.")


#: Added to the `users` group of workflow/cli.py.
COMMANDS = (set_password, disable, enable, list_tokens, revoke_token)
