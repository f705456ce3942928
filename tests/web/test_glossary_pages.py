"""The glossary page (editors keep it, other staff read it) and glossary terms highlighted in the editor."""

from __future__ import annotations

import pytest

from tests.support.assist import add_term
from tests.support.factories import drive, make_article
from tests.web.test_desk_support import get, location, person_client, post
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import GlossaryTerm

NEW = {
    "source_lang": "ar",
    "target_lang": "en",
    "source": "بيونغ يانغ",
    "target": "Pyongyang",
    "note": "One word",
}


def test_an_editor_adds_changes_and_deletes_terms(app, session):
    client, editor = person_client(app, Role.EDITOR)
    page = get(client, "/desk/glossary")
    assert page.status == 200 and page.find("form", action="/desk/glossary")
    added = post(client, "/desk/glossary", NEW)
    assert location(added) == "/desk/glossary?from=ar&to=en"
    term = db.session.query(GlossaryTerm).one()
    assert (term.target, term.created_by_id) == ("Pyongyang", editor.id)
    listed = get(client, location(added))
    assert "Added “بيونغ يانغ” → “Pyongyang”." in listed.flashes()
    row = listed.find("tr", id=f"term-{term.id}")
    cells = row.find_all("td")
    assert (cells[1].text, cells[1].get("lang"), cells[1].get("dir")) == ("بيونغ يانغ", "ar", "rtl")
    assert (cells[2].text.strip(), cells[2].get("lang")) == ("Pyongyang", "en")

    changed = post(client, f"/desk/glossary/{term.id}", {**NEW, "target": "Pyong-yang"})
    assert location(changed) == "/desk/glossary?from=ar&to=en"
    db.session.refresh(term)
    assert term.target == "Pyong-yang"
    deleted = post(client, f"/desk/glossary/{term.id}/delete")
    assert location(deleted) == "/desk/glossary?from=ar&to=en"
    assert db.session.query(GlossaryTerm).count() == 0


def test_a_refused_term_keeps_what_was_typed_and_names_the_field(app, session):
    client, _ = person_client(app, Role.EDITOR)
    add_term("بيونغ يانغ", "Pyongyang")
    duplicate = post(client, "/desk/glossary", {**NEW, "target": "Pyong Yang"})
    assert duplicate.status == 409
    assert "already has “بيونغ يانغ”" in duplicate.alert()
    assert duplicate.field("target") == "Pyong Yang"
    empty = post(client, "/desk/glossary", {**NEW, "target": ""})
    assert empty.status == 400
    assert empty.find("input", id="new-target").get("aria-invalid") == "true"
    term = add_term("بوتين", "Putin")
    bad_edit = post(client, f"/desk/glossary/{term.id}", {**NEW, "source": "بوتين", "target": ""})
    assert bad_edit.status == 400
    assert bad_edit.find("details", class_="term-edit").has("open")
    assert bad_edit.find("input", id=f"target-{term.id}").get("aria-invalid") == "true"
    assert post(client, "/desk/glossary/999999", NEW).status == 404


@pytest.mark.parametrize("role", [Role.REPORTER, Role.ADAPTOR, Role.ADMIN])
def test_other_staff_read_the_glossary_without_forms(app, session, role):
    term = add_term("بوتين", "Putin")
    client, _ = person_client(app, role)
    page = get(client, "/desk/glossary?from=ar&to=en")
    assert page.status == 200
    assert page.find("tr", id=f"term-{term.id}")
    assert not page.find_all("form", method="post", action="/desk/glossary")
    assert not page.find_all("details", class_="term-edit")
    assert post(client, "/desk/glossary", NEW).status == 403
    assert post(client, f"/desk/glossary/{term.id}/delete").status == 403


def test_the_glossary_filters_by_pair(app, session):
    add_term("بوتين", "Putin")
    add_term("بوتين", "Poutine", target_lang="fr")
    client, _ = person_client(app, Role.ADAPTOR)
    french = get(client, "/desk/glossary?from=ar&to=fr")
    assert [
        r.find_all("td")[2].text.strip() for r in french.find("table", class_="glossary").find_all("tr")[1:]
    ] == ["Poutine"]
    everything = get(client, "/desk/glossary")
    assert len(everything.find("table", class_="glossary").find_all("tr")) == 3
    unknown = get(client, "/desk/glossary?from=nonsense")  # an unknown code filters nothing out
    assert len(unknown.find("table", class_="glossary").find_all("tr")) == 3


def test_the_editor_highlights_terms_of_the_original_with_their_rendering(app, session):
    add_term("بوتين", "Putin")
    add_term("بيونغ يانغ", "Pyongyang", note="One word")
    add_term("كيم جونغ أون", "Kim Jong Un")
    add_term("باريس", "Paris", target_lang="fr")
    client, adaptor = person_client(app, Role.ADAPTOR)
    article = make_article(title="بوتين في بيونغ يانغ", body="وصل بُوتين.\n\nوالتقى الزعيمان في بيونغ يانغ.")
    adaptation = drive(article.adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    page = get(client, f"/desk/adaptations/{adaptation.id}")
    panel = page.find("section", class_="panel-source")
    marks = panel.find_all("mark", class_="term")
    assert [m.text for m in marks] == ["بوتين", "بيونغ يانغ", "بُوتين", "بيونغ يانغ"]
    rendering = marks[0].parent.find_all("span", class_="term-rendering")[0]
    assert (rendering.get("lang"), rendering.get("dir")) == ("en", "ltr")
    assert "Putin" in rendering.text and "glossary" in rendering.text
    found = panel.find("section", class_="glossary-found")
    items = [" ".join(li.text.split()) for li in found.find_all("li")]
    assert items == ["بوتين → Putin", "بيونغ يانغ → Pyongyang One word"]
    assert found.find("a").get("href") == "/desk/glossary?from=ar&to=en"
