"""Mixed Arabic and English lines are laid out in reading order, in a real Chromium against a live stack.

An Arabic original quotes Latin names and dates; its English adaptation quotes an Arabic headline; the reporter's
display name is in Arabic. On the reporter's page, the adaptor's editor and the public article, each line is
measured word by word (the screen rectangles of the words, through DOM ranges): in a right-to-left line the
first word is rightmost and an embedded Latin run reads left to right inside it; in a left-to-right line an
Arabic quotation sits where it was written and reads right to left inside. A line given the wrong base
direction puts the runs in the other order and fails these checks.
"""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.conftest import Pages, remember
from tests.support.live import LiveStack

pytestmark = pytest.mark.browser

REPORTER_NAME = "أحمد عبد الله"
ARABIC_TITLE = "قمة Putin و Kim في بيونغ يانغ"
ARABIC_LINE = "التقى بوتين Kim Jong Un في 19 يونيو 2024."
ARABIC_BODY = f"{ARABIC_LINE}\n\nوقعت روسيا وكوريا الشمالية اتفاقية شراكة استراتيجية."
ENGLISH_TITLE = "Putin and Kim meet in Pyongyang"
ENGLISH_LINE = "The agency wrote «بوتين في بيونغ يانغ» on 19 June."
ENGLISH_BODY = f"{ENGLISH_LINE}\n\nRussia and North Korea signed a strategic partnership."

remember(REPORTER_NAME, ARABIC_TITLE, ARABIC_LINE, ENGLISH_TITLE, ENGLISH_LINE)

#: The screen rectangle of the first occurrence of `needle` among the element's text nodes.
WORD_BOX = """(element, needle) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + needle.length);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    if (!rects.length) return null;
    return {left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
            top: Math.min(...rects.map((r) => r.top)), bottom: Math.max(...rects.map((r) => r.bottom))};
  }
  return null;
}"""


def boxes(line: Locator, *words: str) -> dict[str, dict]:
    """Each word's rectangle on the screen."""
    found = {word: line.evaluate(WORD_BOX, word) for word in words}
    missing = [word for word, box in found.items() if box is None]
    assert not missing, f"not laid out in {line}: {missing}"
    return found


def same_line(one: dict, other: dict) -> bool:
    middle = (other["top"] + other["bottom"]) / 2
    return one["top"] <= middle <= one["bottom"]


def assert_reading_order(line: Locator, words: tuple[str, ...], *, rtl: bool) -> None:
    """`words`, in logical order, follow each other on screen: on one visual line from right to left (`rtl`) or
    left to right; where the line wraps, the later word is on a lower line."""
    found = boxes(line, *words)
    lines = 1
    for first, then in itertools.pairwise(words):
        a, b = found[first], found[then]
        if not same_line(a, b):
            assert b["top"] >= a["bottom"] - 1, (
                f"{then!r} should follow {first!r} on a later line: {a} vs {b}"
            )
            lines += 1
        elif rtl:
            assert a["left"] >= b["right"] - 1, f"{first!r} should be right of {then!r}: {a} vs {b}"
        else:
            assert a["right"] <= b["left"] + 1, f"{first!r} should be left of {then!r}: {a} vs {b}"
    assert lines < len(words), f"every word of {words} is on a line of its own: nothing was compared"


def assert_right_to_left(line: Locator, *words: str) -> None:
    """`words`, in logical order, stand from right to left on screen."""
    assert_reading_order(line, words, rtl=True)


def assert_left_to_right(line: Locator, *words: str) -> None:
    """`words`, in logical order, stand from left to right on screen."""
    assert_reading_order(line, words, rtl=False)


def direction(locator: Locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).direction")


def assert_arabic_line(line: Locator) -> None:
    """ARABIC_LINE: Arabic words right to left; the Latin name inside reads left to right; numbers in place."""
    assert direction(line) == "rtl"
    assert_right_to_left(line, "التقى", "بوتين", "Kim", "في", "19", "يونيو", "2024")
    assert_left_to_right(line, "Kim", "Jong", "Un")


def assert_english_line(line: Locator) -> None:
    """ENGLISH_LINE: English left to right; the Arabic quotation in place, right to left inside."""
    assert direction(line) == "ltr"
    assert_left_to_right(line, "The", "agency", "wrote", "«", "on", "19", "June")
    assert_right_to_left(line, "بوتين", "في", "بيونغ", "يانغ")
    assert_left_to_right(line, "wrote", "يانغ")  # the quotation's last word is its leftmost
    assert_left_to_right(line, "بوتين", "on")  # and its first word its rightmost


@pytest.fixture(scope="module")
def published(stack: LiveStack) -> dict:
    """The story, from the Arabic-named reporter's original to its publication, through the API."""
    reporter = stack.user("arabic_reporter", REPORTER_NAME, "reporter")
    adaptor, editor = stack.people["adaptor"], stack.people["editor"]
    article, adaptation_id = stack.submit_and_draft(
        reporter,
        {
            "title": ARABIC_TITLE,
            "body": ARABIC_BODY,
            "language": "ar",
            "section": "World",
            "tags": ["Russia"],
            "targets": ["en"],
        },
    )
    adaptor.act(adaptation_id, "claim")
    adaptor.save(adaptation_id, ENGLISH_TITLE, ENGLISH_BODY)
    adaptor.act(adaptation_id, "submit")
    published = editor.act(adaptation_id, "approve")
    return {"article_id": article["id"], "adaptation_id": adaptation_id, "url": published["url"]}


def test_the_reporters_page_keeps_an_arabic_title_with_latin_names_in_order(stack, pages: Pages, published):
    page = pages.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill("arabic_reporter")
    page.get_by_label("Password").fill("live-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/desk/"))
    page.goto(f"/desk/reports/{published['article_id']}")
    title = page.get_by_role("heading", level=1)
    expect(title).to_contain_text("بيونغ يانغ")
    assert_right_to_left(title, "قمة", "Putin", "و", "Kim", "في", "بيونغ", "يانغ")
    pages.check(page, "mixed-direction-report")
    pages.assert_clean()


def test_the_editor_shows_the_original_and_its_draft_segments_in_reading_order(
    stack, pages: Pages, published
):
    page = pages.new_page()
    pages.login(page, "editor")
    page.goto(f"/desk/adaptations/{published['adaptation_id']}")
    source = page.locator(".panel-source p", has_text="التقى")
    expect(source).to_have_count(1)
    assert_arabic_line(source)
    segment = page.locator("td.seg-source", has_text="التقى")
    expect(segment).to_have_count(1)
    assert_arabic_line(segment)
    pages.check(page, "mixed-direction-editor")
    pages.assert_clean()


def test_the_public_page_reads_an_arabic_quotation_and_an_arabic_name_in_place(
    stack, pages: Pages, published
):
    reader = pages.new_page()
    reader.goto(published["url"])
    line = reader.locator(".story-body p", has_text="The agency wrote")
    expect(line).to_have_count(1)
    assert_english_line(line)
    credit = reader.locator(".credit")
    expect(credit).to_have_text(f"A report by {REPORTER_NAME}, English adaptation by Nadine Sassine")
    assert direction(credit) == "ltr"
    assert_left_to_right(credit, "report", "by", "عبد", "English", "adaptation")
    assert_right_to_left(credit, "أحمد", "عبد", "الله")
    pages.check(reader, "mixed-direction-public")
    pages.assert_clean()
