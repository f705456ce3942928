"""Published stories as IPTC ninjs 2.2, validated against the official schema vendored in tests/schemas/ninjs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.factories import drive, make_article
from workflow.domain.states import State

SCHEMA = json.loads((Path(__file__).parent.parent / "schemas/ninjs/ninjs-schema_2.2.json").read_text())
NINJS = "application/ninjs+json"
CORRECTED = "Pyongyang welcomed Putin.\n\nA new strategic partnership was signed."


def assert_valid_ninjs(item: dict) -> None:
    """The item is valid against the official ninjs 2.2 schema (formats checked too)."""
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(item)]
    assert not problems, problems


@pytest.fixture()
def story(reporter, adaptor, editor):
    adaptation = make_article(reporter, tags=["Russia", "North Korea"]).adaptations[0]
    return drive(adaptation, State.PUBLISHED, adaptor=adaptor, editor=editor)


def test_a_published_story_as_ninjs(api, story, reporter, adaptor, editor):
    response = api.get(f"/api/v1/published/{story.id}/ninjs")
    assert response.status_code == 200 and response.mimetype == NINJS
    item = json.loads(response.get_data(as_text=True))
    assert_valid_ninjs(item)
    assert item["uri"] == f"http://localhost/api/v1/published/{story.id}"
    assert item["version"] == "1" and item["language"] == "en" and item["type"] == "text"
    assert item["versioncreated"] == item["firstcreated"]
    assert item["headlines"][0]["value"] == story.title
    assert item["bodies"][0]["value"] == story.body
    assert item["by"] == api.get("/api/v1/published").json["items"][0]["credit_line"]
    assert "Ahmad Abdallah" in item["by"]
    assert [(p["name"], p["rel"], p["literal"]) for p in item["people"]] == [
        ("Ahmad Abdallah", "reporter", reporter.username),
        ("Nadine Sassine", "adaptor", adaptor.username),
        ("Rima Haddad", "editor", editor.username),
    ]
    assert [s["name"] for s in item["subjects"]] == ["Russia", "North Korea"]
    assert {"role": "original", "value": f"adaptdesk-article:{story.article_id}"} in item["altids"]
    [original] = item["associations"]
    assert original["name"] == "original" and original["language"] == "ar"
    assert original["uri"].endswith(f"/api/v1/articles/{story.article_id}")


def test_each_correction_bumps_the_version(api, story, adaptor, editor):
    assert api.act(story.id, "correct", editor).status_code == 200
    read = api.adaptation(story.id, adaptor)
    body = {"title": read["title"], "body": CORRECTED, "version": read["version"]}
    assert api.put(f"/api/v1/adaptations/{story.id}", adaptor, json=body).status_code == 200
    while_correcting = api.get(f"/api/v1/published/{story.id}/ninjs").json
    assert while_correcting["version"] == "1" and while_correcting["bodies"][0]["value"] != CORRECTED
    assert api.act(story.id, "submit", adaptor).status_code == 200
    approved = api.act(story.id, "approve", editor, correction_note="The agreement was misnamed.")
    assert approved.status_code == 200
    item = api.get(f"/api/v1/published/{story.id}/ninjs").json
    assert_valid_ninjs(item)
    assert item["version"] == "2" and item["bodies"][0]["value"] == CORRECTED
    assert item["versioncreated"] > item["firstcreated"]
    assert item["descriptions"] == [
        {"role": "correction", "contenttype": "text/plain", "value": "The agreement was misnamed."}
    ]


def test_accept_chooses_ninjs_or_the_json_of_the_list(api, story):
    url = f"/api/v1/published/{story.id}"
    plain = api.get(url)
    assert plain.status_code == 200 and plain.mimetype == "application/json"
    assert_matches(plain.json, "PublishedItem")
    assert plain.json == api.get("/api/v1/published").json["items"][0]
    assert "Accept" in plain.headers["Vary"]
    asked = api.get(url, headers={"Accept": NINJS})
    assert asked.mimetype == NINJS
    assert json.loads(asked.get_data(as_text=True)) == api.get(f"{url}/ninjs").json
    preferred = api.get(url, headers={"Accept": f"application/json;q=0.5, {NINJS}"})
    assert preferred.mimetype == NINJS


@pytest.mark.parametrize("state", [State.IN_REVIEW, State.UNPUBLISHED])
def test_a_story_not_on_the_site_is_404(api, reporter, state):
    adaptation = drive(make_article(reporter).adaptations[0], state)
    for url in (f"/api/v1/published/{adaptation.id}", f"/api/v1/published/{adaptation.id}/ninjs"):
        assert_error(api.get(url), 404, "not_found")
    assert_error(api.get("/api/v1/published/99999999999/ninjs"), 404)
