"""Import and export buttons on the memory and glossary pages."""

from __future__ import annotations

import io

from sqlalchemy import select

from tests.api.test_tmx_api import BILLION_LAUGHS, tmx, tu
from tests.support.assist import add_term, publish_first_story
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import GlossaryTerm, TranslationUnit


def test_the_memory_page_exports_and_editors_import(app, session):
    publish_first_story()
    client, _ = person_client(app, Role.EDITOR)
    page = get(client, "/desk/memory?q=Telegram&from=ar&to=en")
    link = page.find("a", href="/desk/memory/export?from=ar&to=en")
    assert link is not None
    exported = client.get("/desk/memory/export?from=ar&to=en")
    assert exported.status_code == 200 and b"Follow us on our Telegram channel." in exported.get_data()
    assert page.find("form", action="/desk/memory/import")
    content = tmx(tu("وصل الوفد إلى القاهرة.", "The delegation reached Cairo.") + tu("x", None))
    done = post(client, "/desk/memory/import", {"file": (io.BytesIO(content), "cairo.tmx")})
    assert location(done) == "/desk/memory?from=ar&to=en"
    flashes = get(client, location(done)).flashes()
    assert "Imported cairo.tmx: Arabic → English: 1 unit(s) added, 1 skipped (1 missing language)." in flashes
    found = get(client, "/desk/memory?q=delegation&from=ar&to=en")
    assert "imported from TMX" in found.text
    refused = post(client, "/desk/memory/import", {"file": (io.BytesIO(BILLION_LAUGHS), "bad.tmx")})
    assert refused.status == 400 and "entities" in refused.alert()


def test_adaptors_export_the_memory_but_do_not_import(app, session):
    client, _ = person_client(app, Role.ADAPTOR)
    assert get(client, "/desk/memory?from=ar&to=en").find_all("form", action="/desk/memory/import") == []
    assert client.get("/desk/memory/export?from=ar&to=en").status_code == 200
    content = tmx(tu("واحد", "One"))
    assert post(client, "/desk/memory/import", {"file": (io.BytesIO(content), "m.tmx")}).status == 403
    assert db.session.scalar(select(TranslationUnit).where(TranslationUnit.origin == "imported")) is None


def test_the_glossary_page_shows_renderings_exports_and_imports(app, session):
    client, _ = person_client(app, Role.EDITOR)
    added = post(
        client,
        "/desk/glossary",
        {
            "source_lang": "ar",
            "target_lang": "en",
            "source": "المسلحين",
            "target": "gunmen",
            "alternatives": "armed men",
            "forbidden": "terrorists\nthugs",
            "note": "",
        },
    )
    page = get(client, location(added))
    term = db.session.scalars(select(GlossaryTerm)).one()
    row = page.find("tr", id=f"term-{term.id}")
    assert "also: armed men" in row.text and "avoid: terrorists, thugs" in row.text
    assert (term.alternatives, term.forbidden) == (["armed men"], ["terrorists", "thugs"])
    tbx = page.find("a", href="/desk/glossary/export?from=ar&to=en&format=tbx")
    assert tbx is not None
    assert (
        b"deprecatedTerm-admn-sts" in client.get("/desk/glossary/export?from=ar&to=en&format=tbx").get_data()
    )
    assert b"terrorists | thugs" in client.get("/desk/glossary/export?from=ar&to=en&format=csv").get_data()
    csv_file = "source,target\nبوتين,Putin\nالمسلحين,gunmen\n".encode()
    done = post(
        client, "/desk/glossary/import", {"from": "ar", "to": "en", "file": (io.BytesIO(csv_file), "t.csv")}
    )
    assert location(done) == "/desk/glossary?from=ar&to=en"
    assert (
        "Imported t.csv: Arabic → English: 1 term(s) added, 1 skipped (1 exists)."
        in get(client, location(done)).flashes()
    )
    bad = post(
        client, "/desk/glossary/import", {"from": "ar", "to": "en", "file": (io.BytesIO(b"a,b\n"), "t.csv")}
    )
    assert bad.status == 400 and "header row" in bad.alert()


def test_reporters_read_and_export_the_glossary_but_do_not_import(app, session):
    add_term("بوتين", "Putin")
    client, _ = person_client(app, Role.REPORTER)
    page = get(client, "/desk/glossary?from=ar&to=en")
    assert page.find_all("form", action="/desk/glossary/import") == []
    assert client.get("/desk/glossary/export?from=ar&to=en&format=csv").status_code == 200
    csv_file = io.BytesIO("source,target\nكيم,Kim\n".encode())
    assert (
        post(client, "/desk/glossary/import", {"from": "ar", "to": "en", "file": (csv_file, "t.csv")}).status
        == 403
    )


def test_an_import_is_summed_up_in_the_importers_language(app, session):
    client, editor = person_client(app, Role.EDITOR)
    editor.interface_language = "ar"
    db.session.flush()
    content = tmx(tu("وصل الوفد إلى القاهرة.", "The delegation reached Cairo.") + tu("x", None))
    done = post(client, "/desk/memory/import", {"file": (io.BytesIO(content), "cairo.tmx")})
    flashes = get(client, location(done)).flashes()
    assert "استُورد cairo.tmx: العربية ← الإنجليزية: أُضيف من وحدات الذاكرة 1، وتُرك 1 (1 بلا لغة)." in flashes
