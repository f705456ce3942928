"""The page checks the journeys rely on find what they look for (so a passing journey means something)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    arabic_not_rtl,
    landmark_problems,
    overflow_problems,
    unmarked_text,
    unnamed_fields,
)

pytestmark = pytest.mark.browser

GOOD = """<!doctype html><html lang="en" dir="ltr"><head><title>t</title></head><body>
<header><nav aria-label="Desk"><a href="#">Queue</a></nav></header>
<main>
  <label for="t">Title</label><input id="t" name="title" lang="en" dir="ltr" value="x">
  <input type="hidden" name="csrf_token" value="x">
  <button>Save</button>
  <p lang="ar" dir="rtl">زيارة بوتين</p>
  <bdi lang="" dir="auto">Nadine Sassine</bdi>
</main></body></html>"""

BAD = """<!doctype html><html lang="en" dir="ltr"><head><title>t</title></head><body>
<div>
  <input name="title" value="x">
  <button></button>
  <p>زيارة بوتين</p>
  <p>Nadine Sassine</p>
  <textarea name="body">Nadine Sassine wrote this</textarea>
  <div class="card" style="width: 100px"><p style="white-space: nowrap">far too long for its box</p></div>
</div></body></html>"""


@pytest.fixture()
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_a_well_made_page_passes_every_check(page):
    page.set_content(GOOD)
    assert unnamed_fields(page) == []
    assert landmark_problems(page, nav=True) == []
    assert unmarked_text(page) == []
    assert arabic_not_rtl(page) == []
    assert overflow_problems(page) == []


def test_each_check_reports_what_is_missing(page):
    page.set_content(BAD)
    unnamed = unnamed_fields(page)
    assert len(unnamed) == 3 and any("<button>" in u for u in unnamed)  # input, textarea, empty button
    assert landmark_problems(page, nav=True) == [
        "no banner landmark (<header> outside article/section)", "0 main landmarks, expected 1",
        "no navigation landmark"]
    assert landmark_problems(page, nav=False)[-1] == "0 main landmarks, expected 1"
    assert unmarked_text(page) == ["p: Nadine Sassine", "textarea"]
    assert arabic_not_rtl(page) == ["p: زيارة بوتين"]
    assert [p.split(" overflows")[0] for p in overflow_problems(page)] == ["div.card"]
