"""QA findings through the API: on reads and saves, refusing a submission, editors' overrides."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error, assert_matches
from tests.support.factories import drive, make_article
from workflow.domain.states import State
from workflow.web.api import openapi_document

SOURCE_TITLE = "ارتفاع الأسعار ٣٫٥٪"
SOURCE_BODY = "ارتفعت الأسعار بنسبة ٣٫٥٪ في أيار، وفق تقرير صدر في ١٬٢٠٠ صفحة."
FAITHFUL = {"title": "Prices up 3.5%", "body": "Prices rose 3.5 per cent in May, says a 1,200-page report."}
#: Leaves out the 1,200 and the month, and keeps an Arabic word: three errors.
FLAWED = {"title": "Prices up 3.5%", "body": "Prices rose 3.5 per cent, says a long تقرير."}


@pytest.fixture()
def adaptation_id(session, reporter, adaptor, editor) -> int:
    article = make_article(reporter, title=SOURCE_TITLE, body=SOURCE_BODY)
    return drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor, editor=editor).id


def url(adaptation_id: int, suffix: str = "") -> str:
    return f"/api/v1/adaptations/{adaptation_id}{suffix}"


def save(api, adaptation_id: int, who, text: dict) -> dict:
    version = api.adaptation(adaptation_id, who)["version"]
    response = api.put(url(adaptation_id), who, json={**text, "version": version})
    assert response.status_code == 200, response.json
    return response.json


def test_saves_and_reads_carry_the_findings(api, adaptor, adaptation_id):
    saved = save(api, adaptation_id, adaptor, FLAWED)
    assert_matches(saved, "Adaptation")
    assert [(f["check"], f["severity"], f["key"], f["overridden"]) for f in saved["qa"]] == [
        ("numbers", "error", "1200", None),
        ("dates", "error", "May", None),
        ("untranslated", "error", "تقرير", None),
        # The factory's machine draft names Putin; this adaptation does not.
        ("names", "warning", "Putin", None),
    ]
    report = api.get(url(adaptation_id, "/qa"), adaptor)
    assert report.status_code == 200
    assert_matches(report.json, "QaReport")
    assert report.json["qa"] == saved["qa"] and report.json["blocking"] == 3
    assert report.json["version"] == saved["version"]

    fixed = save(api, adaptation_id, adaptor, FAITHFUL)
    assert [f["check"] for f in fixed["qa"]] == ["names"]
    assert api.get(url(adaptation_id, "/qa"), adaptor).json["blocking"] == 0


def test_submit_is_refused_until_an_editor_overrides_then_allowed(api, adaptor, editor, adaptation_id):
    save(api, adaptation_id, adaptor, FLAWED)
    refused = assert_error(api.act(adaptation_id, "submit", adaptor), 409, "qa_failed")
    assert_matches(refused, "QaFailedError")
    assert [f["key"] for f in refused["findings"]] == ["1200", "May", "تقرير"]
    assert "numbers, dates, untranslated text" in refused["message"] and "editor" in refused["message"]
    kept = api.adaptation(adaptation_id, adaptor)
    assert (kept["state"], kept["body"], kept["rounds"]) == ("in_adaptation", FLAWED["body"], [])

    for finding in refused["findings"][:2]:
        response = api.post(
            url(adaptation_id, "/qa/overrides"),
            editor,
            json={"check": finding["check"], "key": finding["key"], "reason": "Cut on purpose."},
        )
        assert response.status_code == 201, response.json
        assert_matches(response.json, "QaReport")
    assert response.json["blocking"] == 1
    still = assert_error(api.act(adaptation_id, "submit", adaptor), 409, "qa_failed")
    assert [f["key"] for f in still["findings"]] == ["تقرير"]

    last = api.post(
        url(adaptation_id, "/qa/overrides"),
        editor,
        json={"check": "untranslated", "key": "تقرير", "reason": "A quoted title."},
    )
    assert last.status_code == 201 and last.json["blocking"] == 0
    overridden = {f["key"]: f["overridden"] for f in last.json["qa"]}
    assert overridden["تقرير"]["reason"] == "A quoted title."
    assert overridden["تقرير"]["editor"]["username"] == editor.username and overridden["تقرير"][
        "at"
    ].endswith("Z")

    submitted = api.act(adaptation_id, "submit", adaptor)
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["state"] == "in_review"
    entries = [e for e in submitted.json["history"] if e["action"] == "qa-override"]
    assert [(e["comment"], e["details"]["key"]) for e in entries] == [
        ("Cut on purpose.", "1200"),
        ("Cut on purpose.", "May"),
        ("A quoted title.", "تقرير"),
    ]


@pytest.mark.parametrize("who", ["adaptor", "reporter"])
def test_an_override_by_anyone_but_an_editor_is_refused(api, adaptor, reporter, adaptation_id, who):
    save(api, adaptation_id, adaptor, FLAWED)
    person = {"adaptor": adaptor, "reporter": reporter}[who]
    body = {"check": "numbers", "key": "1200", "reason": "Mine."}
    assert_error(api.post(url(adaptation_id, "/qa/overrides"), person, json=body), 403, "forbidden")
    assert api.get(url(adaptation_id, "/qa"), adaptor).json["blocking"] == 3


@pytest.mark.parametrize(
    "body, status, code, field",
    [
        ({"check": "numbers", "key": "1200"}, 400, "invalid", "reason"),
        ({"check": "numbers", "key": "1200", "reason": "  "}, 400, "invalid", "reason"),
        ({"check": "numbers", "key": "1200", "reason": 5}, 400, "invalid", "reason"),
        ({"key": "1200", "reason": "Why."}, 400, "invalid", "check"),
        ({"check": "spelling", "key": "1200", "reason": "Why."}, 404, "not_found", None),
        ({"check": "numbers", "key": "3.5%", "reason": "Why."}, 409, "no_such_finding", None),
    ],
)
def test_bad_overrides_are_refused_with_the_reason(
    api, adaptor, editor, adaptation_id, body, status, code, field
):
    save(api, adaptation_id, adaptor, FLAWED)
    assert_error(api.post(url(adaptation_id, "/qa/overrides"), editor, json=body), status, code, field)
    assert api.get(url(adaptation_id, "/qa"), editor).json["blocking"] == 3


def test_an_override_of_a_missing_adaptation_is_404_and_without_a_token_401(api, editor, adaptation_id):
    body = {"check": "numbers", "key": "1200", "reason": "Why."}
    assert_error(api.post(url(987_654, "/qa/overrides"), editor, json=body), 404)
    assert_error(api.post(url(adaptation_id, "/qa/overrides"), None, json=body), 401)
    assert_error(api.get(url(987_654, "/qa"), editor), 404)


def test_the_openapi_document_describes_qa():
    document = openapi_document()
    assert set(
        document["paths"]["/api/v1/adaptations/{adaptation_id}/qa/overrides"]["post"]["responses"]
    ) == {"201", "400", "401", "403", "404", "409", "413", "415"}
    conflict = document["paths"]["/api/v1/adaptations/{adaptation_id}/actions/submit"]["post"]["responses"][
        "409"
    ]
    assert {"$ref": "#/components/schemas/QaFailedError"} in conflict["content"]["application/json"][
        "schema"
    ]["anyOf"]
    assert "qa" in document["components"]["schemas"]["Adaptation"]["required"]
