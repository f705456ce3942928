"""The README's "Staying on time" screenshots, taken by Chromium from the code as it stands: the adaptor's queue
ordered by priority and deadline, a reporter's notifications with the unread count, and the review page
showing, live, who else has the adaptation open and that they saved it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import Pages
from tests.support.live import LiveStack

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."


def submit(stack: LiveStack, title: str, priority: str, due_in: timedelta | None) -> int:
    """An Arabic original for English with this priority and deadline; its adaptation's id once drafted."""
    original = {"title": title, "body": BODY, "language": "ar", "targets": ["en"], "priority": priority}
    if due_in is not None:
        original["deadline"] = (datetime.now(UTC) + due_in).isoformat(timespec="seconds")
    _article, adaptation_id = stack.submit_and_draft(stack.people["reporter"], original)
    return adaptation_id


def test_the_desk_on_time_as_the_readme_shows_it(stack: LiveStack, pages: Pages):
    submit(stack, "ميزانية البلدية", "low", None)
    submit(stack, "افتتاح المكتبة", "normal", timedelta(hours=5))
    urgent = submit(stack, "حريق في الميناء", "urgent", timedelta(minutes=40))
    high = submit(stack, "زيارة إلى بيونغ يانغ", "high", timedelta(hours=3))

    adaptor_page = pages.new_page()
    pages.login(adaptor_page, "adaptor")
    adaptor_page.goto("/desk/queue")
    marks = adaptor_page.locator("table.queue tbody tr [data-priority]")
    expect(marks.first).to_have_attribute("data-priority", "urgent")
    expect(adaptor_page.locator("[data-deadline-mark=due_soon]").first).to_be_visible()
    pages.check(adaptor_page, "on-time-queue")
    adaptor_page.screenshot(path=str(DOCS_SCREENSHOTS / "desk-queue.png"))

    # The adaptor claims the urgent story and saves; the reporter is told (claimed) and an editor watches.
    adaptor = stack.people["adaptor"]
    adaptor.act(urgent, "claim")
    adaptor.act(high, "claim")
    editor_page = pages.new_page()
    pages.login(editor_page, "editor")
    editor_page.goto(f"/desk/review/{urgent}")
    expect(editor_page.locator("html")).to_have_attribute("data-live", "open")
    adaptor_page.goto(f"/desk/adaptations/{urgent}")
    expect(editor_page.locator("[data-live-presence]")).to_have_text(re.compile("Nadine Sassine"))
    saved = adaptor.save(urgent, "Fire in the port", "A fire broke out in the port.")
    notice = editor_page.locator("[data-live-notice]")
    expect(notice).to_contain_text(f"Nadine Sassine saved version {saved['version']}")
    pages.check(editor_page, "on-time-live-review")
    editor_page.screenshot(path=str(DOCS_SCREENSHOTS / "desk-live-review.png"))

    reporter_page = pages.new_page()
    pages.login(reporter_page, "reporter")
    reporter_page.goto("/notifications")
    expect(reporter_page.locator("[data-unread-count]")).not_to_have_text("0")
    pages.check(reporter_page, "on-time-notifications")
    reporter_page.screenshot(path=str(DOCS_SCREENSHOTS / "desk-notifications.png"))
    pages.assert_clean()
