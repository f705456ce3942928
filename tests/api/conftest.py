"""Fixtures for the API tests: named people and a client that calls the API as one of them."""

from __future__ import annotations

import pytest

from tests.api.helpers import Api
from tests.support.factories import make_user
from workflow.domain.states import Role


@pytest.fixture()
def api(client) -> Api:
    """Calls the API as a person or as nobody."""
    return Api(client)


@pytest.fixture()
def reporter(session):
    """A reporter, credited as Ahmad Abdallah."""
    return make_user(Role.REPORTER, name="Ahmad Abdallah")


@pytest.fixture()
def adaptor(session):
    """An adaptor, credited as Nadine Sassine."""
    return make_user(Role.ADAPTOR, name="Nadine Sassine")


@pytest.fixture()
def editor(session):
    """An editor, credited as Rima Haddad."""
    return make_user(Role.EDITOR, name="Rima Haddad")
