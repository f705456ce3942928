"""The translation memory as TMX 1.4b: streamed export, import with counts, unsafe XML refused."""

from __future__ import annotations

import pytest
from defusedxml.ElementTree import fromstring
from sqlalchemy import func, select

from tests.api.helpers import assert_error, assert_matches
from tests.support.assist import SECOND_BODY, make_draft, publish_first_story
from tests.support.factories import make_article, make_user
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import AuditEntry, TranslationUnit
from workflow.services.memory import matches_for

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EXPORT = "/api/v1/memory/export?source_lang=ar&target_lang=en"
IMPORT = "/api/v1/memory/import"


def tmx(units: str, *, srclang: str = "ar", doctype: str = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">') -> bytes:
    """A TMX 1.4 file around `units`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<tmx version="1.4">'
        f'<header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" '
        f'srclang="{srclang}" datatype="plaintext"/><body>{units}</body></tmx>'
    ).encode()


def tu(source: str | None, target: str | None, *, source_tag: str = "ar", target_tag: str = "en") -> str:
    sides = ""
    if source is not None:
        sides += f'<tuv xml:lang="{source_tag}"><seg>{source}</seg></tuv>'
    if target is not None:
        sides += f'<tuv xml:lang="{target_tag}"><seg>{target}</seg></tuv>'
    return f"<tu>{sides}</tu>"


def upload(api, user, content: bytes, url: str = IMPORT, filename: str = "memory.tmx", **fields):
    """POST `content` as the multipart field `file` (encoded here: the test client's encoder leaves the
    temporary file it spools a large body into open)."""
    body, content_type = multipart(content, filename, fields)
    return api.post(url, user, data=body, content_type=content_type)


def multipart(content: bytes, filename: str, fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body with `fields` and the file, and its content type."""
    boundary = "adaptdesk-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def units(source_lang: str = "ar", target_lang: str = "en") -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(TranslationUnit)
        .where(TranslationUnit.source_lang == source_lang, TranslationUnit.target_lang == target_lang)
    )


@pytest.fixture()
def admin(session):
    return make_user(Role.ADMIN)


def test_the_memory_exports_as_streamed_tmx(api, adaptor):
    publish_first_story()
    response = api.get(EXPORT, adaptor)
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/x-tmx+xml"
    assert 'filename="adaptdesk-memory-ar-en.tmx"' in response.headers["Content-Disposition"]
    root = fromstring(response.get_data())
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert root.find("header").get("srclang") == "ar"
    exported = root.find("body").findall("tu")
    assert len(exported) == units() == 5
    sides = {tuv.get(XML_LANG): tuv.findtext("seg") for tuv in exported[0].findall("tuv")}
    assert sides == {"ar": exported[0].find("tuv").findtext("seg"), "en": sides["en"]}
    assert ("It is the first visit of its kind in 24 years.") in {
        tuv.findtext("seg") for unit in exported for tuv in unit.findall("tuv")
    }
    assert {p.get("type"): p.text for p in exported[0].findall("prop")}["x-adaptdesk-origin"] == "published"
    assert api.get("/api/v1/memory/export?source_lang=ar&target_lang=fr", adaptor).status_code == 200


def test_export_needs_a_pair_and_a_caller(api, reporter):
    assert api.get(EXPORT, reporter).status_code == 200  # the memory is read by everyone signed in
    assert_error(api.get("/api/v1/memory/export?source_lang=ar", reporter), 400, field="target_lang")
    assert_error(
        api.get("/api/v1/memory/export?source_lang=xx&target_lang=en", reporter), 400, field="source_lang"
    )
    assert_error(api.get(EXPORT), 401)


def test_an_import_adds_new_units_and_counts_what_it_skips(api, editor, adaptor):
    publish_first_story()
    before = units()
    exported = api.get(EXPORT, adaptor).get_data()
    again = upload(api, editor, exported)
    assert again.status_code == 200, again.json
    assert_matches(again.json, "MemoryImport")
    assert (again.json["added"], again.json["skipped"]) == (0, before)
    body = "".join(
        [
            tu(
                "وصل الوفد إلى القاهرة.",
                "The delegation reached Cairo.",
                source_tag="ar-EG",
                target_tag="en-GB",
            ),
            tu("وصل الوفد إلى القاهرة.", "The delegation reached Cairo."),  # twice in the file
            tu("وصل الوفد إلى القاهرة.", "The delegation arrived in Cairo."),  # another rendering: kept
            tu("بدأت القمة <ph>&lt;b&gt;</ph>اليوم<ph>&lt;/b&gt;</ph>.", "The summit <hi>began</hi> today."),
            tu("جملة بلا ترجمة.", None),
            tu("جملة", "A sentence", target_tag="fr"),  # only ar and fr: no English side
            tu("", ""),
        ]
    )
    response = upload(api, editor, tmx(body))
    assert response.status_code == 200, response.json
    assert response.json == {
        "source_lang": "ar",
        "target_lang": "en",
        "added": 3,
        "skipped": 4,
        "skipped_by_reason": {"duplicate": 1, "missing_language": 2, "empty": 1, "too_long": 0},
    }
    assert units() == before + 3
    stored = db.session.scalars(select(TranslationUnit).where(TranslationUnit.origin == "imported")).all()
    assert {(u.source, u.target) for u in stored} >= {("بدأت القمة اليوم.", "The summit began today.")}
    found = api.get("/api/v1/memory?q=delegation&source_lang=ar&target_lang=en", adaptor).json["items"]
    assert {i["target"] for i in found} == {
        "The delegation reached Cairo.",
        "The delegation arrived in Cairo.",
    }
    assert all(i["adaptation_id"] is None for i in found)
    # Imported units are matched like any other: the trigram keys were written with them.
    (close,) = matches_for(db.session, "ar", "en", ["وصل الوفد إلى القاهرة أمس."])
    assert "The delegation reached Cairo." in {m.target for m in close}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "memory_imported")).all()[-1]
    assert entry.details["added"] == 3 and entry.actor_id == editor.id


def test_the_pair_can_be_named_when_the_file_does_not_say(api, editor):
    body = tu("مرحبا", "Hello") + tu("مرحبا", "Bonjour", target_tag="fr")
    assert_error(upload(api, editor, tmx(body, srclang="*all*")), 400, field="file")
    response = upload(api, editor, tmx(body, srclang="*all*"), source_lang="ar", target_lang="fr")
    assert (response.json["target_lang"], response.json["added"]) == ("fr", 1)
    assert units("ar", "fr") == 1


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE tmx [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<tmx version="1.4"><header srclang="ar"/><body>
<tu><tuv xml:lang="ar"><seg>&lol3;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>
</body></tmx>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE tmx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<tmx version="1.4"><header srclang="ar"/><body>
<tu><tuv xml:lang="ar"><seg>&secret;</seg></tuv><tuv xml:lang="en"><seg>x</seg></tuv></tu>
</body></tmx>"""


@pytest.mark.parametrize(
    "content", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"]
)
def test_entities_are_refused(api, editor, content):
    error = assert_error(upload(api, editor, content), 400, "invalid", "file")
    assert "entities" in error["message"]
    assert units() == 0


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"not xml at all", "well-formed"),
        (tmx(tu("a", "b"))[:-20], "well-formed"),
        (b"<html><body/></html>", "not TMX"),
        (b'<tmx version="1.4"><header srclang="ar"/></tmx>', "no <body>"),
    ],
)
def test_bad_files_are_400_with_a_message(api, editor, content, words):
    error = assert_error(upload(api, editor, content), 400, "invalid", "file")
    assert words in error["message"]


def test_a_broken_file_imports_nothing(api, editor):
    content = tmx(tu("واحد", "One") * 3 + "<tu><tuv")
    assert_error(upload(api, editor, content), 400, field="file")
    assert units() == 0


def test_the_upload_itself_is_checked(api, editor):
    assert_error(
        api.post(IMPORT, editor, data={"source_lang": "ar"}, content_type="multipart/form-data"),
        400,
        field="file",
    )
    assert_error(api.post(IMPORT, editor, json={"file": "x"}), 415)
    assert_error(upload(api, editor, tmx(tu("a", "b")), source_lang="klingon"), 400, field="source_lang")


def test_editors_and_admins_import(api, reporter, adaptor, editor, admin):
    for person in (reporter, adaptor):
        assert_error(upload(api, person, tmx(tu("واحد", "One"))), 403, "forbidden")
    assert_error(upload(api, None, tmx(tu("واحد", "One"))), 401)
    assert upload(api, admin, tmx(tu("واحد", "One"))).json["added"] == 1
    assert upload(api, editor, tmx(tu("اثنان", "Two"))).json["added"] == 1


def test_importers_may_send_files_past_the_request_limit(api, editor, adaptor, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = "".join(
        tu(f"جملة رقم {i} في ملف كبير جدا.", f"Sentence number {i} in a very large file.")
        for i in range(30_000)
    )
    content = tmx(body)
    assert len(content) > limit
    assert upload(api, adaptor, content).status_code == 403  # refused before its body is read
    response = upload(api, editor, content)
    assert response.status_code == 200 and response.json["added"] == 30_000


def test_an_import_makes_the_next_read_of_stored_matches_fresh(api, editor, adaptor):
    """Matches stored before an import are read again only until it adds units: then the new ones show."""
    second = make_article(title="زيارة ثانية", body=SECOND_BODY).adaptations[0]
    make_draft(second, "A second visit", {})
    assert api.adaptation(second.id, adaptor)["draft"]["segments"][0]["tm"] == []
    source = second.draft.segments[0].source
    assert upload(api, editor, tmx(tu(source, "Imported rendering."))).json["added"] == 1
    shown = api.adaptation(second.id, adaptor)["draft"]["segments"][0]["tm"]
    assert [(m["score"], m["target"]) for m in shown] == [(100, "Imported rendering.")]
