"""The glossary as TBX-Basic and CSV: export by pair, import with counts; renderings in the JSON API."""

from __future__ import annotations

import csv
import io

import pytest
from defusedxml.ElementTree import fromstring

from tests.api.helpers import assert_error, assert_matches
from tests.api.test_tmx_api import BILLION_LAUGHS, upload
from tests.support.factories import make_user
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.services import glossary

NS = "{urn:iso:std:iso:30042:ed-2}"
IMPORT = "/api/v1/glossary/import"
PUTIN = {
    "source_lang": "ar",
    "target_lang": "en",
    "source": "بوتين",
    "target": "Putin",
    "alternatives": ["Vladimir Putin"],
    "forbidden": ["Poutine"],
    "note": "=SUM(1) looks like a formula",
}


def send(api, user, content: bytes, filename: str, **fields):
    return upload(
        api,
        user,
        content,
        url=IMPORT,
        filename=filename,
        **{"source_lang": "ar", "target_lang": "en", **fields},
    )


def terms(source_lang="ar", target_lang="en"):
    return {t.source: t for t in glossary.terms_for(db.session, source_lang, target_lang)}


def test_renderings_go_through_the_json_api(api, editor, reporter):
    created = api.post("/api/v1/glossary", editor, json=PUTIN)
    assert created.status_code == 201, created.json
    assert_matches(created.json, "GlossaryTerm")
    assert (created.json["alternatives"], created.json["forbidden"]) == (["Vladimir Putin"], ["Poutine"])
    shown = api.get(f"/api/v1/glossary/{created.json['id']}", reporter).json
    assert shown["forbidden"] == ["Poutine"]
    assert_error(
        api.post("/api/v1/glossary", editor, json={**PUTIN, "source": "كيم", "forbidden": "x" * 201}),
        400,
        field="forbidden",
    )


def test_tbx_export_marks_preferred_admitted_and_deprecated(api, editor, reporter):
    api.post("/api/v1/glossary", editor, json=PUTIN)
    response = api.get("/api/v1/glossary/export?source_lang=ar&target_lang=en", reporter)
    assert response.status_code == 200 and response.mimetype == "application/x-tbx+xml"
    assert 'filename="adaptdesk-glossary-ar-en.tbx"' in response.headers["Content-Disposition"]
    root = fromstring(response.get_data())
    assert root.tag == f"{NS}tbx" and root.get("type") == "TBX-Basic"
    [entry] = root.iter(f"{NS}conceptEntry")
    source, target = entry.findall(f"{NS}langSec")
    assert source.findtext(f"{NS}termSec/{NS}term") == "بوتين"
    assert [
        (s.findtext(f"{NS}term"), s.findtext(f"{NS}termNote")) for s in target.findall(f"{NS}termSec")
    ] == [
        ("Putin", "preferredTerm-admn-sts"),
        ("Vladimir Putin", "admittedTerm-admn-sts"),
        ("Poutine", "deprecatedTerm-admn-sts"),
    ]
    assert entry.findtext(f"{NS}note") == PUTIN["note"]


def test_csv_export_guards_against_formulas_and_round_trips(api, editor):
    api.post("/api/v1/glossary", editor, json=PUTIN)
    response = api.get("/api/v1/glossary/export?source_lang=ar&target_lang=en&format=csv", editor)
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [
        {
            "source_lang": "ar",
            "target_lang": "en",
            "source": "بوتين",
            "target": "Putin",
            "alternatives": "Vladimir Putin",
            "forbidden": "Poutine",
            "note": "'=SUM(1) looks like a formula",
        }
    ]
    imported = send(api, editor, response.get_data(), "g.csv", target_lang="fr")
    assert imported.json["skipped_by_reason"]["other_pair"] == 1  # rows name ar → en
    tbx = api.get("/api/v1/glossary/export?source_lang=ar&target_lang=en", editor).get_data()
    db.session.delete(next(iter(terms().values())))
    db.session.commit()
    for content, name in ((tbx, "g.tbx"), (response.get_data(), "g.csv")):
        back = send(api, editor, content, name)
        assert back.status_code == 200, back.json
        term = terms()["بوتين"]
        assert (term.target, term.alternatives, term.forbidden, term.note) == (
            "Putin",
            ["Vladimir Putin"],
            ["Poutine"],
            PUTIN["note"],
        )
        db.session.delete(term)
        db.session.commit()


TBX_V2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en">
<martifHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry id="1"><descrip type="definition">Capital of North Korea</descrip>
  <langSet xml:lang="ar-SY"><tig><term>بيونغ يانغ</term></tig></langSet>
  <langSet xml:lang="en-US"><tig><term>Pyongyang</term></tig>
    <ntig><termGrp><term>Pyong Yang</term></termGrp>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></ntig>
    <tig><term>P'yŏngyang</term><termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig>
  </langSet>
  <langSet xml:lang="fr"><tig><term>Pyongyang-fr</term></tig></langSet>
</termEntry>
<termEntry id="2"><langSet xml:lang="ar"><tig><term>بوتين</term></tig></langSet></termEntry>
<termEntry id="3"><langSet xml:lang="ar"><tig><term>كيم</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>Kim</term></tig>
    <tig><term>Kim</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
  </langSet></termEntry>
<termEntry id="4"><langSet xml:lang="ar"><tig><term>بيونغ يانغ</term></tig></langSet>
  <langSet xml:lang="en"><tig><term>Pyongyang</term></tig></langSet></termEntry>
</body></text></martif>""".encode()


def test_tbx_v2_from_another_tool_imports_with_counts(api, editor):
    response = send(api, editor, TBX_V2, "terms.tbx")
    assert response.status_code == 200, response.json
    assert_matches(response.json, "GlossaryImport")
    body = response.json
    assert (body["added"], body["skipped"]) == (1, 3)
    assert body["skipped_by_reason"] == {"exists": 1, "incomplete": 1, "invalid": 1, "other_pair": 0}
    assert "both accepted and forbidden" in body["problems"][0]
    term = terms()["بيونغ يانغ"]
    assert (term.target, term.alternatives, term.forbidden) == ("Pyongyang", ["P'yŏngyang"], ["Pyong Yang"])
    assert term.note == "Capital of North Korea"
    again = send(api, editor, TBX_V2, "terms.tbx")
    assert again.json["added"] == 0 and again.json["skipped_by_reason"]["exists"] == 2


def test_csv_from_a_spreadsheet_imports(api, editor):
    content = "\ufeffSource,Target,Forbidden\nبوتين,Putin,Poutine | Poutin\nكيم,,\n".encode()
    response = send(api, editor, content, "terms.txt")
    assert response.json["added"] == 1 and response.json["skipped_by_reason"]["incomplete"] == 1
    assert terms()["بوتين"].forbidden == ["Poutine", "Poutin"]


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (BILLION_LAUGHS, "x.tbx", "entities"),
        (b"<html/>", "x.tbx", "not TBX"),
        (b"<martif><text>", "x.tbx", "well-formed"),
        (b"", "x.csv", "empty"),
        (b"a,b\n1,2\n", "x.csv", "header row"),
        ("source,target\nبوتين,Putin\n".encode("utf-16"), "x.csv", "UTF-8"),
    ],
)
def test_bad_files_are_400_with_a_message(api, editor, content, name, words):
    error = assert_error(send(api, editor, content, name), 400, "invalid", "file")
    assert words in error["message"]
    assert terms() == {}


def test_who_imports_and_exports(api, reporter, adaptor, editor):
    content = "source,target\nبوتين,Putin\n".encode()
    for person in (reporter, adaptor):
        assert_error(send(api, person, content, "g.csv"), 403)
    assert send(api, make_user(Role.ADMIN), content, "g.csv").json["added"] == 1
    assert_error(send(api, editor, content, "g.csv", target_lang=""), 400, field="target_lang")
    assert_error(
        api.get("/api/v1/glossary/export?source_lang=ar&target_lang=en&format=xlsx", reporter),
        400,
        field="format",
    )
    assert_error(api.get("/api/v1/glossary/export?source_lang=ar&target_lang=en"), 401)
