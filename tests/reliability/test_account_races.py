"""Two admins, on two web processes, create the same username at the same moment: one person is created,
every other request gets a clear 409 (or 400 once the name is visibly taken), never a 500."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.reliability.test_concurrency import at_once
from tests.reliability.test_outbox_and_throttling import NoRedirect, two_web_processes  # noqa: F401 (fixture)

pytestmark = pytest.mark.worker

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RACERS = 6


class Browser:
    """An admin's browser on one web process: a cookie jar, the form's CSRF token, no redirects followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def post(self, path: str, fields: dict) -> int:
        page = self.opener.open(self.base_url + "/login", timeout=15).read().decode()
        body = urllib.parse.urlencode(
            {**fields, "csrf_token": CSRF.search(page).group(1)}, doseq=True
        ).encode()
        try:
            return self.opener.open(self.base_url + path, data=body, timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code


def test_one_username_created_at_once_by_several_admins(two_web_processes):  # noqa: F811
    stacks = two_web_processes
    stacks[0].cli(
        "users", "create", "chief", "--name", "Chief Admin", "--role", "admin", "--password", "admin-pass-1"
    )
    browsers = []
    for n in range(RACERS):
        browser = Browser(stacks[n % 2].base_url)
        assert browser.post("/login", {"username": "chief", "password": "admin-pass-1"}) == 302
        browsers.append(browser)
    form = {
        "username": "same-name",
        "display_name": "Same Name",
        "roles": "reporter",
        "password": "long enough",
    }
    statuses = at_once([(browser.post, "/admin/users", form) for browser in browsers])
    assert statuses.count(302) == 1, statuses
    assert set(statuses) <= {302, 400, 409}, statuses
    listed = stacks[0].cli("users", "list")
    assert listed.count("same-name") == 1
