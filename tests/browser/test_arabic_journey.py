"""The main journey with the Arabic interface, in a real Chromium against a live stack: a reporter submits an
Arabic original through the form, the machine draft arrives, the adaptor claims, writes and submits the English
adaptation, the editor sends it back with a comment (and is refused an action the state does not allow, in
Arabic), the adaptor resubmits, the editor approves. Every person's browser asks for Arabic, so the whole desk
is right to left; every page goes through the journeys' checks (`Pages.check`).

The words the test looks for come from the catalog (`words("ar")`), so they are what an Arabic reader sees.
It also takes the README's screenshots of the desk in both languages (docs/screenshots/i18n-*.png).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from babel import Locale
from babel.support import Translations
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Pages, remember
from tests.support.argos_model import sample_arabic_article

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
#: The README's screenshots: the editor's review page, 1280 px wide, the top of the page.
README_VIEWPORT = {"width": 1280, "height": 900}

ARABIC_TITLE = "قمة بوتين وكيم في بيونغ يانغ"
ARABIC_BODY = sample_arabic_article(8, seed=21, per_paragraph=4)
ENGLISH_TITLE = "Putin and Kim meet in Pyongyang"
FIRST_BODY = (
    "Pyongyang welcomed Russian President Vladimir Putin with flags and portraits.\n\n"
    "They counted 1,000 jobs, 200 publishers, 3 goals, 20 films, 43.5 degrees and 2.3 per cent."
)
COMMENT = "اذكر أن هذه أول زيارة منذ 24 عامًا."
FINAL_BODY = FIRST_BODY + "\n\nIt is the first such visit in 24 years."

remember(ARABIC_TITLE, ENGLISH_TITLE, "Pyongyang welcomed", COMMENT)


@functools.cache
def _catalog(language: str) -> Translations:
    return Translations.load(str(ROOT / "workflow" / "translations"), [language])


def words(language: str):
    """The catalog's words in `language`: `t("Save")`, `t("Saved (version %(version)s).", version=3)`."""

    def t(message: str, **values) -> str:
        text = _catalog(language).ugettext(message)
        return text % values if values else text

    return t


t = words("ar")


def flash(page: Page) -> Locator:
    return page.locator("p.flash")


def click_and_wait(page: Page, target: Locator) -> None:
    with page.expect_navigation():
        target.click()


def assert_right_to_left(page: Page) -> None:
    """The desk speaks Arabic and is mirrored: the brand at the right edge, the navigation to its left."""
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    brand = page.locator(".site-header .brand").bounding_box()
    nav = page.get_by_role("navigation", name=t("Desk")).bounding_box()
    assert brand and nav and brand["x"] > nav["x"], (brand, nav)


def test_the_newsroom_journey_runs_with_the_arabic_interface(stack, pages: Pages):
    pages.problems.clear()
    # The reporter submits the original through the form.
    reporter = pages.new_page(language="ar")
    pages.login(reporter, "reporter")
    assert_right_to_left(reporter)
    pages.check(reporter, "ar-reporter-my-reports")
    reporter.get_by_role("navigation", name=t("Desk")).get_by_role("link", name=t("New report")).click()
    expect(reporter.get_by_role("heading", name=t("New report"))).to_be_visible()
    expect(reporter.get_by_label(t("Language of the original"))).to_have_value("ar")
    english = Locale.parse("ar").languages["en"]
    expect(reporter.get_by_role("checkbox", name=english)).to_be_checked()
    reporter.get_by_label(t("Title"), exact=True).fill(ARABIC_TITLE)
    reporter.get_by_label(t("Text"), exact=True).fill(ARABIC_BODY)
    pages.check(reporter, "ar-reporter-new-report")
    click_and_wait(reporter, reporter.get_by_role("button", name=t("Submit report")))
    expect(flash(reporter)).to_have_text(
        t("Report submitted. Machine drafts are on their way for: %(languages)s.", languages=english)
    )
    # The state badge follows the draft live (or already says "ready" when the worker was that quick).
    adaptation_id = int(reporter.locator("[data-state-for]").first.get_attribute("data-state-for"))
    expect(reporter.locator(f'[data-state-for="{adaptation_id}"]')).to_have_text(
        t("draft ready"), timeout=90_000
    )
    pages.check(reporter, "ar-reporter-draft-ready")

    # The adaptor claims it from the queue, writes the adaptation and submits it.
    adaptor = pages.new_page(language="ar")
    pages.login(adaptor, "adaptor")
    assert_right_to_left(adaptor)
    row = adaptor.get_by_role("row").filter(has=adaptor.get_by_role("link", name=ARABIC_TITLE))
    expect(row.locator(".state")).to_have_text(t("draft ready"))
    pages.check(adaptor, "ar-adaptor-queue")
    click_and_wait(adaptor, row.get_by_role("button", name=t("Claim")))
    expect(flash(adaptor)).to_have_text(
        t("You hold this adaptation now; nobody else can edit it until you submit or release it.")
    )
    adaptor.locator("#adaptation-form input[name=title]").fill(ENGLISH_TITLE)
    adaptor.locator("#adaptation-form textarea[name=body]").fill(FIRST_BODY)
    click_and_wait(
        adaptor, adaptor.locator("#adaptation-form").get_by_role("button", name=t("Save"), exact=True)
    )
    saved = re.escape(t("Saved (version %(version)s).", version=999)).replace("999", r"\d+")
    expect(flash(adaptor)).to_have_text(re.compile(saved))
    pages.check(adaptor, "ar-adaptor-workbench")
    click_and_wait(adaptor, adaptor.get_by_role("button", name=t("Submit for review")))
    expect(flash(adaptor)).to_have_text(t("Submitted for review (round %(round)s).", round=1))
    pages.check(adaptor, "ar-adaptor-my-adaptations")

    # The editor reviews it: a refusal is in Arabic too, then changes are requested with a comment.
    editor = pages.new_page(language="ar")
    pages.login(editor, "editor")
    editor.get_by_role("navigation", name=t("Desk")).get_by_role("link", name=t("Review")).click()
    pages.check(editor, "ar-editor-review-queue")
    click_and_wait(editor, editor.get_by_role("link", name=ENGLISH_TITLE))
    assert_right_to_left(editor)
    pages.check(editor, "ar-editor-review")
    pages.expected_statuses.add(409)
    try:  # an action the state no longer allows: the adaptor's "release", posted from a stale page
        csrf = editor.locator("input[name=csrf_token]").first.input_value()
        refused = editor.request.post(
            f"/desk/adaptations/{adaptation_id}/actions/release",
            form={"csrf_token": csrf, "origin": "review"},
            headers={"Accept-Language": "ar"},
        )
        said = t("Cannot %(action)s: the adaptation is %(state)s. Allowed now: %(allowed)s.") % {
            "action": t("release"),
            "state": t("in review"),
            "allowed": "@@",
        }
        assert refused.status == 409 and said.split("@@")[0] in refused.text(), refused.text()[:2000]
    finally:
        pages.expected_statuses.discard(409)
    editor.get_by_label(t("What should change")).fill(COMMENT)
    click_and_wait(editor, editor.get_by_role("button", name=t("Request changes")))
    expect(flash(editor)).to_have_text(
        t("Sent back to the adaptor with your comment; they can work on it at once.")
    )

    # The adaptor revises and resubmits; the editor approves.
    adaptor.goto(f"/desk/adaptations/{adaptation_id}")
    expect(adaptor.locator(".comment-text")).to_have_text(COMMENT)
    adaptor.locator("#adaptation-form textarea[name=body]").fill(FINAL_BODY)
    click_and_wait(
        adaptor, adaptor.locator("#adaptation-form").get_by_role("button", name=t("Save"), exact=True)
    )
    click_and_wait(adaptor, adaptor.get_by_role("button", name=t("Submit for review")))
    expect(flash(adaptor)).to_have_text(t("Submitted for review (round %(round)s).", round=2))
    editor.goto(f"/desk/review/{adaptation_id}")
    pages.check(editor, "ar-editor-review-round-2")
    readme_screenshots(pages, editor, f"/desk/review/{adaptation_id}")
    click_and_wait(editor, editor.get_by_role("button", name=t("Approve"), exact=True))
    expect(flash(editor)).to_have_text(t("Approved and published."))
    pages.check(editor, "ar-editor-approved")
    published = stack.people["editor"].get(f"/api/v1/adaptations/{adaptation_id}").json
    assert published["state"] == "published" and published["body"] == FINAL_BODY
    pages.assert_clean()


def readme_screenshots(pages: Pages, editor: Page, url: str) -> None:
    """The README's i18n screenshots: the editor's review page in English and in Arabic, side by side."""
    for language in ("en", "ar"):
        page = pages.new_page(README_VIEWPORT, language=language)
        pages.login(page, "editor")
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"i18n-review-{language}.png"))
        page.context.close()
