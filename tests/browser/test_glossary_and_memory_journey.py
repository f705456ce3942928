"""An editor keeps the glossary in a real Chromium; the adaptor's editor marks its terms in the original, the
worker's draft uses the approved rendering, and a second story shows the first one's sentences from memory."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Pages, remember
from tests.support.live import LiveStack

pytestmark = pytest.mark.browser

DATELINE = "بيونغ يانغ"
FIRST_BODY = f"{DATELINE}\n\nوصل الرئيس بوتين إلى العاصمة.\n\nتابعونا على قناتنا في تلغرام."
FIRST_ADAPTED = "Pyongyang\n\nPresident Putin arrived in the capital.\n\nFollow us on our Telegram channel."
SECOND_BODY = "وتناول الجانبان ملفات الطاقة.\n\nتابعونا على قناتنا في تلغرام."

remember(
    "وصل الرئيس بوتين إلى العاصمة.",
    "تابعونا على قناتنا في تلغرام.",
    "Follow us on our Telegram channel.",
    "وتناول الجانبان ملفات الطاقة.",
)


def submit(stack: LiveStack, title: str, body: str) -> int:
    _article, adaptation_id = stack.submit_and_draft(
        stack.people["reporter"], {"title": title, "body": body, "language": "ar", "targets": ["en"]}
    )
    return adaptation_id


def test_glossary_terms_and_memory_matches_reach_the_adaptor(stack: LiveStack, pages: Pages):
    editor = pages.new_page()
    pages.login(editor, "editor")
    editor.goto("/desk/glossary")
    pages.check(editor, "glossary-empty")
    for source, target in ((DATELINE, "Pyongyang"), ("بوتين", "Putin")):
        form = editor.locator("form.glossary-form")
        form.get_by_label("Term").fill(source)
        form.get_by_label("Approved rendering").fill(target)
        form.get_by_role("button", name="Add term").click()
        expect(editor.locator(".flash")).to_contain_text(f"Added “{source}”")
    expect(editor.locator("table.glossary tbody tr")).to_have_count(2)
    pages.check(editor, "glossary-two-terms")

    first = submit(stack, "بوتين في بيونغ يانغ", FIRST_BODY)
    draft = stack.people["adaptor"].get(f"/api/v1/adaptations/{first}").json["draft"]
    assert draft["segments"][0]["mt"] == "Pyongyang"  # the dateline: the approved rendering, not the model's
    assert draft["title"] != "" and all(s["origin"] == "mt" for s in draft["segments"])

    adaptor = pages.new_page()
    pages.login(adaptor, "adaptor")
    adaptor.goto(f"/desk/adaptations/{first}")
    marks = adaptor.locator(".panel-source mark.term")
    expect(marks).to_have_count(4)  # title: بوتين, بيونغ يانغ; body: the dateline, بوتين
    expect(adaptor.locator(".glossary-found li")).to_have_count(2)
    expect(adaptor.locator(".glossary-found")).to_contain_text("Putin")
    pages.check(adaptor, "editor-glossary-terms", focus=adaptor.locator(".panel-source"))

    stack.people["adaptor"].act(first, "claim")
    stack.people["adaptor"].save(first, "Putin in Pyongyang", FIRST_ADAPTED)
    stack.people["adaptor"].act(first, "submit")
    stack.people["editor"].act(first, "approve")

    second = submit(stack, "ملفات الطاقة", SECOND_BODY)
    segments = stack.people["adaptor"].get(f"/api/v1/adaptations/{second}").json["draft"]["segments"]
    assert segments[1]["origin"] == "tm" and segments[1]["mt"] == "Follow us on our Telegram channel."
    adaptor.goto(f"/desk/adaptations/{second}")
    row = adaptor.locator("tr.segment").nth(1)
    expect(row.locator(".origin-badge")).to_have_text("from memory")
    expect(row.locator(".tm-score")).to_have_text("100%")
    expect(row.locator(".tm-target")).to_have_text("Follow us on our Telegram channel.")
    pages.check(
        adaptor, "editor-memory-matches", focus=adaptor.locator("table.segments"), readme="memory-matches.png"
    )

    adaptor.get_by_label("Search the translation memory").fill("Telegram")
    adaptor.get_by_role("button", name="Search", exact=True).click()
    expect(adaptor.locator("table.memory-results tbody tr")).to_have_count(1)
    pages.check(adaptor, "memory-search")
    pages.assert_clean()
