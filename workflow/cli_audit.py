"""Who an `adaptdesk` command acts as, for the audit log: the admin named with `--as`, or no one ("command
line"); either way the entry says which operating-system account on which machine ran the command.

`--as` names; it does not sign in: whoever runs the command already holds the server and its database. It
lets the log say which admin did it, and the admin's rights are checked as on the pages.
"""

from __future__ import annotations

import getpass
import os
import socket

import click
from sqlalchemy.orm import Session

from .domain.rules import can_manage_users
from .models import User
from .services import audit
from .services.errors import ServiceError
from .services.users import find_user

as_admin_option = click.option(
    "--as",
    "as_admin",
    metavar="ADMIN",
    default=None,
    help='The admin doing this, named in the audit log (default: "command line").',
)


def command_line_origin() -> str:
    """ "command line (user@host)": the operating-system account and machine running this command."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. a container without a passwd entry)
        user = f"uid {os.getuid()}"
    return f"command line ({user}@{socket.gethostname()})"


def acting_admin(session: Session, username: str | None) -> User | None:
    """Record this session's audit entries as done at the command line, by the active admin `username`
    (None: no one named); ends the command with a message when that is not an active admin."""
    audit.act_from(session, command_line_origin())
    if username is None:
        return None
    try:
        admin = find_user(session, username)
    except ServiceError as exc:
        raise click.ClickException(f"--as: {exc.message}") from None
    if not admin.active or not can_manage_users(admin.actor):
        raise click.ClickException(f"--as: {admin.username} is not an active admin.")
    return admin
