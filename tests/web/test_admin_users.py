"""The admin people pages through the test client: access, roles, new people, disabling."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.support.factories import PASSWORD, csrf_token, login, make_user, post_form
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import User


@pytest.fixture()
def admin(client):
    """An admin, logged in on `client`."""
    person = make_user(Role.ADMIN, username="root", name="Rania Admin")
    login(client, person)
    return person


def user_row(html: str, user: User) -> str:
    """The table row of one person."""
    match = re.search(rf'<tr id="user-{user.id}".*?</tr>', html, re.S)
    assert match, f"no row for {user.username}"
    return match.group(0)


def checked_roles(fragment: str) -> set[str]:
    return set(re.findall(r'name="roles" value="(\w+)" checked', fragment))


# --- access ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/admin/users"),
        ("get", "/admin"),
        ("post", "/admin/users"),
        ("post", "/admin/users/1/roles"),
        ("post", "/admin/users/1/active"),
    ],
)
def test_anonymous_people_are_sent_to_log_in(client, method, url):
    response = post_form(client, url, {"active": "0"}) if method == "post" else client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.EDITOR])
@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/admin/users"),
        ("post", "/admin/users"),
        ("post", "/admin/users/{id}/roles"),
        ("post", "/admin/users/{id}/active"),
    ],
)
def test_other_roles_are_refused(client, role, method, url):
    person = make_user(role, Role.REPORTER)
    login(client, person)
    url = url.format(id=person.id)
    data = {
        "username": "sneaky",
        "display_name": "Sneaky",
        "password": "long enough",
        "roles": ["admin"],
        "active": "0",
    }
    response = post_form(client, url, data) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert "It is for: admins" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.roles == {role, Role.REPORTER} and person.active
    assert db.session.scalar(select(User).where(User.username == "sneaky")) is None


# --- the list ----------------------------------------------------------------------------------------


def test_admin_sees_everyone_with_roles_state_and_creation_date(client, admin):
    nadine = make_user(Role.ADAPTOR, Role.EDITOR, username="nadine", name="Nadine Sassine")
    gone = make_user(Role.REPORTER, username="gone", name="Former Reporter")
    gone.active = False
    db.session.commit()

    response = client.get("/admin/users")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    row = user_row(html, nadine)
    assert "nadine" in row and "Nadine Sassine" in row
    assert checked_roles(row) == {"adaptor", "editor"}
    assert "Active" in row and ">Disable</button>" in row
    assert nadine.created_at.strftime("%Y-%m-%d") in row
    gone_row = user_row(html, gone)
    assert "Disabled" in gone_row and ">Enable</button>" in gone_row
    assert 'class="badge">you</span>' in user_row(html, admin)
    assert " style=" not in html
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))  # no inline scripts


def test_admin_index_redirects_to_people(client, admin):
    response = client.get("/admin")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"


# --- changing roles ----------------------------------------------------------------------------------


def test_admin_changes_roles(client, admin):
    person = make_user(Role.REPORTER, username="ahmad", name="Ahmad Abdallah")

    response = post_form(client, f"/admin/users/{person.id}/roles", {"roles": ["adaptor", "editor"]})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users#user-{person.id}"
    db.session.refresh(person)
    assert person.roles == {Role.ADAPTOR, Role.EDITOR}
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Ahmad Abdallah (ahmad) now has adaptor, editor." in page
    assert checked_roles(user_row(page, person)) == {"adaptor", "editor"}


def test_admin_may_remove_every_role(client, admin):
    person = make_user(Role.REPORTER)
    response = post_form(client, f"/admin/users/{person.id}/roles", {})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.roles == frozenset()


def test_admin_cannot_remove_their_own_admin_role(client, admin):
    response = post_form(client, f"/admin/users/{admin.id}/roles", {"roles": ["editor"]})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "You cannot remove your own admin role." in html
    assert checked_roles(user_row(html, admin)) == {"editor"}  # what was ticked is still ticked
    db.session.refresh(admin)
    assert admin.roles == {Role.ADMIN}


def test_unknown_role_is_refused_in_words(client, admin):
    person = make_user(Role.REPORTER)
    response = post_form(client, f"/admin/users/{person.id}/roles", {"roles": ["reporter", "overlord"]})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Unknown role" in html and "overlord" in html
    db.session.refresh(person)
    assert person.roles == {Role.REPORTER}


@pytest.mark.parametrize("url", ["/admin/users/999999/roles", "/admin/users/99999999999/active"])
def test_unknown_person_is_not_found(client, admin, url):
    assert post_form(client, url, {"roles": ["reporter"], "active": "0"}).status_code == 404


# --- new people --------------------------------------------------------------------------------------


def test_admin_creates_a_person_who_can_then_log_in(app, client, admin):
    data = {
        "username": "Nadine",
        "display_name": "Nadine Sassine",
        "roles": ["adaptor"],
        "password": "a long first password",
    }

    response = post_form(client, "/admin/users", data)

    assert response.status_code == 302
    person = db.session.scalar(select(User).where(User.username == "nadine"))
    assert person is not None and person.display_name == "Nadine Sassine" and person.roles == {Role.ADAPTOR}
    assert response.headers["Location"] == f"/admin/users#user-{person.id}"
    assert "Added Nadine Sassine (nadine) with adaptor." in client.get("/admin/users").get_data(as_text=True)
    login(app.test_client(), person, "a long first password")


@pytest.mark.parametrize(
    "change,message",
    [
        ({"username": "root"}, "The username &#39;root&#39; is taken."),
        ({"username": "x"}, "A username is 2–64 lower-case letters"),
        ({"password": "short"}, "A password needs at least 8 characters."),
        ({"display_name": "   "}, "A display name (as printed in credits)"),
        ({"display_name": "Bad\x07Name"}, "The display name holds a control character"),
        ({"roles": ["adaptor", "overlord"]}, "Unknown role"),
    ],
)
def test_refused_new_person_keeps_everything_typed(client, admin, change, message):
    data = {
        "username": "omar.k",
        "display_name": "Omar <Khalil>",
        "roles": ["adaptor", "editor"],
        "password": "typed with care",
        **change,
    }

    response = post_form(client, "/admin/users", data)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    form = html[html.index('class="create-user"') :]
    for field in ("username", "password"):
        assert f'name="{field}" value="{data[field]}"' in form or (
            f'name="{field}" type="password" value="{data[field]}"' in form
        )
    if "\x07" not in data["display_name"]:
        escaped = data["display_name"].replace("<", "&lt;").replace(">", "&gt;")
        assert f'name="display_name" value="{escaped}"' in form
    assert checked_roles(form) == {r for r in data["roles"] if r != "overlord"}
    assert db.session.scalar(select(User).where(User.username == "omar.k")) is None


# --- enabling and disabling --------------------------------------------------------------------------


def test_admin_disables_and_enables_a_person(app, client, admin):
    person = make_user(Role.ADAPTOR, username="leaver")
    other = app.test_client()
    login(other, person)

    response = post_form(client, f"/admin/users/{person.id}/active", {"active": "0"})

    assert response.status_code == 302
    db.session.refresh(person)
    assert not person.active
    assert "is disabled: they can no longer log in" in client.get("/admin/users").get_data(as_text=True)
    refused = other.post(
        "/login", data={"username": "leaver", "password": PASSWORD, "csrf_token": csrf_token(other)}
    )
    assert refused.status_code == 401

    assert post_form(client, f"/admin/users/{person.id}/active", {"active": "1"}).status_code == 302
    db.session.refresh(person)
    assert person.active
    login(app.test_client(), person)


def test_admin_cannot_disable_themselves(client, admin):
    response = post_form(client, f"/admin/users/{admin.id}/active", {"active": "0"})

    assert response.status_code == 400
    assert "You cannot disable your own account." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_active_flag_must_be_zero_or_one(client, admin):
    person = make_user(Role.REPORTER)
    assert post_form(client, f"/admin/users/{person.id}/active", {"active": "maybe"}).status_code == 400


def test_forms_without_csrf_token_are_refused(client, admin):
    person = make_user(Role.REPORTER)
    response = client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.active
