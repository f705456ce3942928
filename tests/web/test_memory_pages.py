"""Translation memory on the desk: matches beside each segment in the editor, and the memory search page."""

from __future__ import annotations

from tests.support.assist import SECOND_BODY, make_draft, publish_first_story
from tests.support.factories import make_article
from tests.web.test_desk_support import get, person_client
from workflow.domain.states import Role
from workflow.extensions import db
from workflow.models import DraftSegment


def test_the_editor_shows_memory_matches_beside_the_machine_draft(app, session):
    first = publish_first_story()
    second = make_article(title="زيارة ثانية", body=SECOND_BODY).adaptations[0]
    make_draft(second, "A second visit", {})
    segment = db.session.query(DraftSegment).filter_by(draft_id=second.draft.id, index=3).one()
    segment.mt, segment.origin = "Follow us on our Telegram channel.", "tm"
    db.session.commit()
    client, _ = person_client(app, Role.ADAPTOR)
    page = get(client, f"/desk/adaptations/{second.id}")
    rows = page.find("table", class_="segments").find_all("tr", class_="segment")
    exact = rows[0].find("td", class_="seg-tm")
    assert exact.find("span", class_="tm-score").text == "100%"
    target = exact.find("span", class_="tm-target")
    assert (target.text, target.get("lang")) == ("It is the first visit of its kind in 24 years.", "en")
    assert exact.find("a").get("href") == f"/news/{first.adaptation.id}"
    close = int(rows[1].find("span", class_="tm-score").text.rstrip("%"))
    assert 70 <= close < 100
    assert rows[2].find("td", class_="seg-tm").text.strip() == "No match"
    assert not rows[0].find_all("span", class_="origin-badge")
    assert rows[3].find("span", class_="origin-badge").text == "from memory"
    search = page.find("form", class_="memory-search")
    assert search.get("action") == "/desk/memory"
    assert [(i.get("name"), i.get("value")) for i in search.find_all("input", type="hidden")] == [
        ("from", "ar"),
        ("to", "en"),
    ]


def test_memory_search_page_finds_published_sentences(app, session):
    first = publish_first_story()
    client, _ = person_client(app, Role.EDITOR)
    page = get(client, "/desk/memory?q=بيونغ+يانغ&from=ar&to=en")
    assert page.status == 200
    table = page.find("table", class_="memory-results")
    rows = table.find_all("tr")[1:]
    assert len(rows) == 2
    cells = rows[0].find_all("td")
    assert cells[1].get("lang") == "ar" and cells[2].get("lang") == "en"
    assert rows[0].find("a").get("href") == f"/news/{first.adaptation.id}"
    assert "close to" in table.find("caption").text
    assert "Nothing in the memory" in get(client, "/desk/memory?q=zzzz+qqqq").text
    assert "Type something" in get(client, "/desk/memory").text
    assert not get(client, "/desk/memory?q=Telegram&from=fr").find_all("table", class_="memory-results")


def test_memory_search_is_for_adaptors_and_editors(app, session):
    client, _ = person_client(app, Role.REPORTER)
    assert get(client, "/desk/memory?q=x").status == 403
    assert app.test_client().get("/desk/memory").status_code == 302
