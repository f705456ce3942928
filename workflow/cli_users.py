"""`adaptdesk users …` commands for running accounts: passwords, disabling, tokens.

The command line acts as the operator who holds the server: what it does is recorded in the audit log as
done from "command line (user@host)", by the admin named with `--as` (or by no admin).
"""

from __future__ import annotations

import click

from .cli_audit import acting_admin, as_admin_option
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
@as_admin_option
def set_password(username: str, password: str | None, must_change: bool, as_admin: str | None) -> None:
    """Set USERNAME's password; their login sessions end and their API tokens are revoked."""
    with app_or_exit().app_context():
        admin = acting_admin(db.session, as_admin)
        try:
            person = find_user(db.session, username)
            if password is None:
                password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
            sessions, tokens = reset_password(db.session, admin, person, password, must_change=must_change)
        except ServiceError as exc:
            raise _fail(exc) from None
        db.session.commit()
    then = " They must choose a new one at their next login." if must_change else ""
    click.echo(
        f"Password of {person.username} set; {sessions} login session(s) ended, {tokens} token(s) revoked.{then}"
    )


def _set_active(username: str, active: bool, as_admin: str | None) -> None:
    with app_or_exit().app_context():
        admin = acting_admin(db.session, as_admin)
        try:
            person = set_active(db.session, admin, find_user(db.session, username), active)
        except ServiceError as exc:
            raise _fail(exc) from None
        db.session.commit()
    if active:
        click.echo(f"Enabled {person.username}: they can log in again (old sessions and tokens stay ended).")
    else:
        click.echo(f"Disabled {person.username}: every login session ended and every API token was revoked.")


@click.command("disable")
@click.argument("username")
@as_admin_option
def disable(username: str, as_admin: str | None) -> None:
    """Disable USERNAME: no login; every session and token ends for good."""
    _set_active(username, False, as_admin)


@click.command("enable")
@click.argument("username")
@as_admin_option
def enable(username: str, as_admin: str | None) -> None:
    """Let USERNAME log in again (nothing that ended comes back)."""
    _set_active(username, True, as_admin)


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
@as_admin_option
def revoke_token(token_id: int, as_admin: str | None) -> None:
    """Revoke the API token with id TOKEN_ID (see `adaptdesk users tokens USERNAME`)."""
    with app_or_exit().app_context():
        admin = acting_admin(db.session, as_admin)
        try:
            row = credentials.revoke_token(db.session, admin, token_id)
        except ServiceError as exc:
            raise _fail(exc) from None
        db.session.commit()
        click.echo(f"Revoked token {row.id} ({row.name}) of {row.user.username}.")


#: Added to the `users` group of workflow/cli.py.
COMMANDS = (set_password, disable, enable, list_tokens, revoke_token)
