"""The live desk in Chromium: without reloading, the editor's page shows who else has the adaptation open,
says when the adaptor saved, and the notification count rises when the adaptor submits it for review."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import Pages
from tests.support.live import LiveStack

ORIGINAL = {
    "title": "زيارة إلى بيونغ يانغ",
    "body": "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة.",
    "language": "ar",
    "targets": ["en"],
}


def test_presence_saves_and_the_notification_count_arrive_without_reload(stack: LiveStack, pages: Pages):
    _article, adaptation_id = stack.submit_and_draft(stack.people["reporter"], ORIGINAL)
    adaptor = stack.people["adaptor"]
    adaptor.act(adaptation_id, "claim")

    editor_page = pages.new_page()
    pages.login(editor_page, "editor")
    editor_page.goto(f"/desk/review/{adaptation_id}")
    expect(editor_page.locator("html")).to_have_attribute("data-live", "open")
    badge = editor_page.locator("[data-unread-count]")
    unread_before = int(badge.text_content()) if badge.count() else 0

    # The adaptor opens the same adaptation in another browser: each sees the other, live.
    adaptor_page = pages.new_page()
    pages.login(adaptor_page, "adaptor")
    adaptor_page.goto(f"/desk/adaptations/{adaptation_id}")
    expect(editor_page.locator("[data-live-presence]")).to_have_text(re.compile("Nadine Sassine"))
    expect(adaptor_page.locator("[data-live-presence]")).to_have_text(re.compile("Rima Haddad"))

    # The adaptor saves (through the API, as another tab would): the editor's page says so, unreloaded.
    editor_page.evaluate("window.__unreloaded = true")
    saved = adaptor.save(adaptation_id, "Pyongyang welcomes", "Pyongyang welcomed the Russian president.")
    notice = editor_page.locator("[data-live-notice]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(f"Nadine Sassine saved version {saved['version']}")
    pages.check(editor_page, "live-someone-saved", focus=notice)

    # Submitted for review: editors are notified, and the count in the header rises without a reload.
    adaptor.act(adaptation_id, "submit")
    expect(editor_page.locator("[data-unread-count]")).to_have_text(str(unread_before + 1))
    expect(editor_page.locator(".nav-notifications")).to_have_attribute(
        "aria-label", f"Notifications, {unread_before + 1} unread"
    )
    assert editor_page.evaluate("window.__unreloaded") is True

    # The adaptor's own save shows no notice on the adaptor's page.
    assert adaptor_page.locator("[data-live-notice]").is_hidden()
    pages.assert_clean()


def test_the_review_list_offers_a_refresh_when_the_desk_changes(stack: LiveStack, pages: Pages):
    page = pages.new_page()
    pages.login(page, "editor")
    page.goto("/desk/review")
    expect(page.locator("html")).to_have_attribute("data-live", "open")
    bar = page.locator("[data-live-list]")
    assert bar.is_hidden()
    stack.people["reporter"].post("/api/v1/articles", ORIGINAL)  # a new adaptation: the desk changed
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("This list changed since you opened it")
    pages.check(page, "live-review-list-changed", focus=bar)
    pages.assert_clean()
