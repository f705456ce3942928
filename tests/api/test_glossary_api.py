"""The glossary through the API: editors write, everyone signed in reads, errors name what to fix."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.assist import add_term
from tests.support.factories import make_user
from workflow.domain.states import Role

URL = "/api/v1/glossary"
PUTIN = {
    "source_lang": "ar",
    "target_lang": "en",
    "source": "بوتين",
    "target": "Putin",
    "note": "Never Poutine",
}


def test_an_editor_adds_a_term_and_everyone_reads_it(api, editor, reporter, adaptor):
    created = api.post(URL, editor, json=PUTIN)
    assert created.status_code == 201, created.json
    term = created.json
    assert_matches(term, "GlossaryTerm")
    assert created.headers["Location"].endswith(f"{URL}/{term['id']}")
    assert (term["source"], term["target"], term["note"]) == ("بوتين", "Putin", "Never Poutine")
    assert term["created_by"] == term["updated_by"] == {"username": editor.username, "name": "Rima Haddad"}
    for person in (reporter, adaptor, editor):
        listed = api.get(URL, person)
        assert listed.status_code == 200
        assert_matches(listed.json, "GlossaryList")
        assert [t["id"] for t in listed.json["items"]] == [term["id"]] and listed.json["count"] == 1
        assert api.get(f"{URL}/{term['id']}", person).json == term


def test_the_list_filters_by_pair(api, reporter):
    add_term("بوتين", "Putin")
    add_term("بوتين", "Poutine", target_lang="fr")
    add_term("Putin", "بوتين", source_lang="en", target_lang="ar")

    def pairs(query: str) -> list[tuple[str, str]]:
        return sorted(
            (t["source_lang"], t["target_lang"]) for t in api.get(URL + query, reporter).json["items"]
        )

    assert pairs("?source_lang=ar&target_lang=fr") == [("ar", "fr")]
    assert pairs("?source_lang=ar") == [("ar", "en"), ("ar", "fr")]
    assert pairs("?target_lang=ar") == [("en", "ar")]
    assert_error(api.get(URL + "?source_lang=arabic", reporter), 400, field="source_lang")


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.ADMIN])
def test_only_editors_write(api, role):
    person = make_user(role)
    term = add_term("بوتين", "Putin")
    body = assert_error(api.post(URL, person, json=PUTIN), 403, "forbidden")
    assert "Only editors" in body["message"]
    assert_error(api.post(URL, person, json={"junk": 1}), 403)  # refused before the body is read
    assert_error(api.put(f"{URL}/{term.id}", person, json=PUTIN), 403)
    assert_error(api.call("DELETE", f"{URL}/{term.id}", person), 403)
    assert api.get(f"{URL}/{term.id}", person).json["target"] == "Putin"


def test_nobody_signed_in_gets_401(api):
    term = add_term("بوتين", "Putin")
    for method, url in (
        ("GET", URL),
        ("GET", f"{URL}/{term.id}"),
        ("POST", URL),
        ("PUT", f"{URL}/{term.id}"),
        ("DELETE", f"{URL}/{term.id}"),
    ):
        assert_error(api.call(method, url, None, json=PUTIN if method in ("POST", "PUT") else None), 401)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source_lang": "zz"}, "source_lang"),
        ({"target_lang": "ar"}, "target_lang"),
        ({"source": ""}, "source"),
        ({"target": None}, "target"),
        ({"target": ["Putin"]}, "target"),
        ({"note": "n" * 501}, "note"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, editor, change, field):
    assert_error(api.post(URL, editor, json={**PUTIN, **change}), 400, "invalid", field)


def test_a_body_that_is_not_a_json_object_is_refused(api, editor):
    assert_error(api.post(URL, editor, json=["x"]), 400, field="body")
    assert_error(api.post(URL, editor, data="source=x", headers={"Content-Type": "text/plain"}), 415)


def test_a_duplicate_term_in_the_pair_is_409_with_the_existing_id(api, editor):
    first = api.post(URL, editor, json=PUTIN).json
    again = assert_error(
        api.post(URL, editor, json={**PUTIN, "source": "بُوتـين", "target": "V. Putin"}), 409, "duplicate_term"
    )
    assert again["term_id"] == first["id"] and "Edit that term" in again["message"]
    assert api.post(URL, editor, json={**PUTIN, "target_lang": "fr", "target": "Poutine"}).status_code == 201


def test_an_editor_changes_and_deletes_a_term(api, editor):
    author = make_user(Role.EDITOR)
    term = add_term("بيونغ يانغ", "Pyong Yang", editor=author)
    changed = api.put(
        f"{URL}/{term.id}", editor, json={**PUTIN, "source": "بيونغ يانغ", "target": "Pyongyang"}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["target"] == "Pyongyang"
    assert changed.json["created_by"]["username"] == author.username
    assert changed.json["updated_by"]["username"] == editor.username
    assert_error(api.put(f"{URL}/{term.id}", editor, json={**PUTIN, "target": ""}), 400, field="target")
    assert api.call("DELETE", f"{URL}/{term.id}", editor).status_code == 204
    assert_error(api.get(f"{URL}/{term.id}", editor), 404)
    assert_error(api.put(f"{URL}/{term.id}", editor, json=PUTIN), 404)
    assert_error(api.call("DELETE", f"{URL}/{term.id}", editor), 404)
    assert_error(api.get(f"{URL}/{2**31}", editor), 404)


def test_the_glossary_is_documented(api):
    document = api.get("/api/v1/openapi.json").json
    assert set(document["paths"]["/api/v1/glossary"]) == {"get", "post"}
    assert set(document["paths"]["/api/v1/glossary/{term_id}"]) >= {"get", "put", "delete"}
    assert {"401", "403", "404"} <= set(
        document["paths"]["/api/v1/glossary/{term_id}"]["delete"]["responses"]
    )
