"""Login throttling: one budget for the login form and `POST /api/v1/tokens` together, counted per account.

Only failed attempts count. Two shared limits (Redis storage in production, so every web process counts
together) guard each account:

* per account *and* client address — 10 failures a minute: ten bad guesses at one account from one address
  hold back that account from that address only, so an attacker's failures never block a correct login to
  another account, nor to the same account from elsewhere (the newsroom behind one proxy address included);
* per account from every address together — 100 failures an hour: a guesser spread over many addresses.

Unknown usernames are counted like real ones, so a 429 does not tell which accounts exist. The client
address is the socket's, or the one the trusted proxies report (ADAPTDESK_TRUSTED_PROXIES).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, request
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from .errors import N_

PER_ACCOUNT_AND_ADDRESS = "10 per minute"
PER_ACCOUNT = "100 per hour"
#: The refusals, in English for API clients; the login page shows them in the interface language.
WAIT_MESSAGE = N_("Too many failed logins to this account; wait a minute and try again.")


def attempted_account() -> str:
    """The account a login names (a hash of the lower-cased username: any text makes a short key)."""
    data = request.get_json(silent=True) if request.is_json else request.form
    value = data.get("username") if hasattr(data, "get") else None
    username = value.strip().lower() if isinstance(value, str) else ""
    return hashlib.sha256(username.encode("utf-8", "replace")).hexdigest()[:32]


def account_and_address() -> str:
    """The account a login names, from the client's address."""
    return f"{attempted_account()}@{get_remote_address()}"


def failed_login(response: Response) -> bool:
    """Only refused credentials use up the budget (a success, a malformed request or a 429 do not)."""
    return response.status_code == 401


_from_address = limiter.shared_limit(
    PER_ACCOUNT_AND_ADDRESS,
    scope="login-account-address",
    key_func=account_and_address,
    methods=["POST"],
    deduct_when=failed_login,
    error_message=WAIT_MESSAGE,
)
_to_account = limiter.shared_limit(
    PER_ACCOUNT,
    scope="login-account",
    key_func=attempted_account,
    methods=["POST"],
    deduct_when=failed_login,
    error_message=N_(
        "Too many failed logins to this account from many places; wait and try again later, "
        "or ask an admin to reset the password."
    ),
)


def login_throttled(view: Callable) -> Callable:
    """Put a login view (the form or the token exchange) on the shared login budget."""
    return _to_account(_from_address(view))
