"""QA checks, an editor's override, the effort dashboard and the credits report, in a real Chromium.

An adaptation leaves out a figure of the original: the adaptor sees the QA error and is refused at submission,
the editor overrides it with a reason on the review page, the adaptor submits, the editor approves, and the
dashboard and credits report show the work. Every page goes through `Pages.check()` (console errors, labels,
landmarks, lang/dir, contrast) and is saved as a screenshot.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Pages, remember
from tests.support.live import LiveStack

pytestmark = pytest.mark.browser

ARABIC_TITLE = "ارتفاع الصادرات في يونيو"
ARABIC_BODY = "بلغت قيمة الصادرات ٤٣٫٥ مليار دولار في يونيو.\n\nوقال الوزير إن الأرقام مشجعة."
ENGLISH_TITLE = "Exports climb in June"
ENGLISH_BODY = "Exports rose sharply in June.\n\nThe minister called the figures encouraging."
REASON = "The desk confirmed the figure is being revised; leave it out until it is final."

remember(ARABIC_TITLE, ENGLISH_TITLE, ENGLISH_BODY, REASON)


@pytest.fixture(scope="module")
def adapted(stack: LiveStack) -> int:
    """An adaptation in the adaptor's hands whose saved text lacks the original's 43.5."""
    _article, adaptation_id = stack.submit_and_draft(
        stack.people["reporter"],
        {
            "title": ARABIC_TITLE,
            "body": ARABIC_BODY,
            "language": "ar",
            "section": "Economy",
            "tags": ["Trade"],
            "targets": ["en"],
        },
    )
    adaptor = stack.people["adaptor"]
    adaptor.act(adaptation_id, "claim")
    saved = adaptor.save(adaptation_id, ENGLISH_TITLE, ENGLISH_BODY)
    assert [(f["check"], f["key"], f["severity"]) for f in saved["qa"] if f["severity"] == "error"] == [
        ("numbers", "43.5", "error")
    ]
    return adaptation_id


def submit_button(page: Page):
    return page.get_by_role("button", name="Submit for review")


def test_1_the_adaptor_sees_the_qa_error_and_is_refused_at_submission(stack, pages: Pages, adapted):
    page = pages.new_page()
    pages.login(page, "adaptor")
    page.goto(f"/desk/adaptations/{adapted}")
    panel = page.locator("section.qa-panel")
    expect(panel.get_by_role("heading", name="QA checks")).to_be_visible()
    expect(panel.locator(".qa-summary")).to_contain_text("1 error blocks submission")
    blocking = panel.locator(".qa-finding.qa-error")
    expect(blocking).to_have_count(1)
    expect(blocking.locator(".qa-badge")).to_have_text("blocks submission")
    expect(blocking.locator(".qa-message")).to_contain_text("43.5")
    pages.expected_statuses.add(409)  # the refused submission's page comes back as 409 Conflict
    try:
        with page.expect_navigation():
            submit_button(page).click()
    finally:
        pages.expected_statuses.discard(409)
    alert = page.get_by_role("alert").filter(has_text="QA error")
    expect(alert).to_contain_text("Not submitted: 1 QA error blocks it (numbers)")
    expect(page.get_by_label("Text", exact=True)).to_have_value(
        ENGLISH_BODY
    )  # nothing the adaptor wrote is lost
    pages.check(page, "qa-submit-refused", focus=panel)
    assert stack.people["adaptor"].get(f"/api/v1/adaptations/{adapted}").json["state"] == "in_adaptation"
    pages.assert_clean()


def test_2_the_editor_overrides_the_error_with_a_reason(stack, pages: Pages, adapted):
    page = pages.new_page()
    pages.login(page, "editor")
    page.goto(f"/desk/review/{adapted}")
    finding = page.locator("section.qa-panel .qa-finding.qa-error")
    finding.get_by_label("Reason to let it through").fill(REASON)
    with page.expect_navigation():
        finding.get_by_role("button", name="Override").click()
    panel = page.locator("section.qa-panel")
    note = panel.locator(".qa-override-note")
    expect(note).to_contain_text("Overridden by Rima Haddad")
    expect(note.locator(".qa-reason")).to_have_text(REASON)
    expect(panel.locator(".qa-summary")).to_have_text("Nothing blocks submission.")
    pages.check(page, "qa-overridden", focus=panel, readme="qa-override.png")
    history = stack.people["editor"].get(f"/api/v1/adaptations/{adapted}").json["history"]
    assert [(h["action"], h["comment"]) for h in history if h["action"] == "qa-override"] == [
        ("qa-override", REASON)
    ]
    pages.assert_clean()


def test_3_the_adaptor_submits_and_the_editor_approves(stack, pages: Pages, adapted):
    page = pages.new_page()
    pages.login(page, "adaptor")
    page.goto(f"/desk/adaptations/{adapted}")
    expect(page.locator("section.qa-panel .qa-badge-overridden")).to_have_text("overridden")
    with page.expect_navigation():
        submit_button(page).click()
    expect(page.locator("p.flash")).to_be_visible()
    shown = stack.people["editor"].get(f"/api/v1/adaptations/{adapted}").json
    assert shown["state"] == "in_review"
    assert shown["effort"]["rounds"] == 1 and shown["effort"]["score"] is not None
    stack.people["editor"].act(adapted, "approve")
    pages.assert_clean()


def test_4_the_dashboard_and_the_credits_report_show_the_work(stack, pages: Pages, adapted):
    page = pages.new_page()
    pages.login(page, "editor")
    page.get_by_role("navigation", name="Desk").get_by_role("link", name="Effort").click()
    page.wait_for_url(re.compile(r"/desk/dashboard"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Editing effort")
    adaptors = page.locator("#table-adaptor")
    expect(adaptors.locator("tbody tr")).to_have_count(1)
    expect(adaptors.locator("tbody th")).to_have_text("Nadine Sassine")
    expect(adaptors.locator("tbody td").nth(0)).to_have_text("1")
    expect(page.locator("#table-pair tbody th")).to_have_text(re.compile("Arabic → English"))
    charts = page.get_by_role("img")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3
    pages.check(page, "effort-dashboard", readme="effort-dashboard.png")

    page.get_by_role("navigation", name="Desk").get_by_role("link", name="Credits").click()
    page.wait_for_url(re.compile(r"/desk/reports/credits"))
    table = page.locator("table.credits-table")
    for name in ("Ahmad Abdallah", "Nadine Sassine", "Rima Haddad"):
        expect(table.locator("tbody th", has_text=name)).to_have_count(1)
    pages.check(page, "credits-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    names = {row[1] for row in rows[1:]}
    assert {"Ahmad Abdallah", "Nadine Sassine", "Rima Haddad"} <= names, rows
    pages.assert_clean()
