"""The page checks the journeys rely on find what they look for (so a passing journey means something)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    arabic_not_rtl,
    contrast_problems,
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
  <p style="color: #767676">Grey at 4.54:1 on white</p>
  <p style="color: #949494; font-size: 24px">Large grey at 3.03:1</p>
  <p style="color: #949494; font-size: 19px; font-weight: 700">Large because bold</p>
  <div style="background: #1d232b"><p><span style="color: #fff">White on the parent's dark</span></p></div>
  <p style="background: rgba(0, 0, 0, .8); color: #fff">White on a see-through dark</p>
  <p style="color: rgba(0, 0, 0, .6)">See-through black at 5.74:1</p>
  <button disabled style="color: #ccc">Disabled: exempt</button>
</main></body></html>"""

#: Each line fails AA, except the ones the check must leave alone (marked "not judged").
LOW_CONTRAST = """<!doctype html><html lang="en"><head><title>t</title></head><body style="background: #f4f5f7">
<main>
  <p id="grey" style="color: #949494">Grey on the page grey</p>
  <p style="color: #949494; font-size: 18px; font-weight: 700">Bold but not large</p>
  <p style="color: #aaa; font-size: 24px">Large, still too pale</p>
  <div class="card"><p class="meta" style="color: #6b7280">Muted on the page grey</p></div>
  <div style="background: #1d232b"><span style="color: #4b5563">Grey on the parent's dark</span></div>
  <p style="color: rgba(0, 0, 0, .3)">See-through black</p>
  <p style="background: rgba(0, 0, 0, .2); color: #fff">White on a see-through grey</p>
  <div style="opacity: .3"><p>Faded by its parent</p></div>
  <input aria-label="Title" style="color: #bbb" value="Typed in pale grey">
  <p style="background: linear-gradient(#fff, #000); color: #777">Over a gradient: not judged</p>
  <p style="color: #eee; display: none">Hidden: not judged</p>
  <p style="color: #eee; position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
            clip-path: inset(50%)">Screen-reader only: not judged</p>
  <a href="#grey" style="color: #eee; position: absolute; left: -999px">Skip link: not judged</a>
  <button disabled style="color: #eee">Disabled: not judged</button>
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
    assert contrast_problems(page) == ([], 0)


def test_each_check_reports_what_is_missing(page):
    page.set_content(BAD)
    unnamed = unnamed_fields(page)
    assert len(unnamed) == 3 and any("<button>" in u for u in unnamed)  # input, textarea, empty button
    assert landmark_problems(page, nav=True) == [
        "no banner landmark (<header> outside article/section)",
        "0 main landmarks, expected 1",
        "no navigation landmark",
    ]
    assert landmark_problems(page, nav=False)[-1] == "0 main landmarks, expected 1"
    assert unmarked_text(page) == ["p: Nadine Sassine", "textarea"]
    assert arabic_not_rtl(page) == ["p: زيارة بوتين"]
    assert [p.split(" overflows")[0] for p in overflow_problems(page)] == ["div.card"]


def test_the_contrast_check_finds_pale_text_and_leaves_alone_what_it_cannot_judge(page):
    page.set_content(LOW_CONTRAST)
    found = contrast_problems(page)
    assert found.skipped == 1  # the gradient
    assert found.offenders == [
        'p#grey "Grey on the page grey": #949494 on #f4f5f7 = 2.78:1 (needs 4.5:1)',
        'main > p "Bold but not large": #949494 on #f4f5f7 = 2.78:1 (needs 4.5:1)',
        'main > p "Large, still too pale": #aaaaaa on #f4f5f7 = 2.12:1 (needs 3:1 for large text)',
        'main > div.card > p.meta "Muted on the page grey": #6b7280 on #f4f5f7 = 4.43:1 (needs 4.5:1)',
        'main > div > span "Grey on the parent\'s dark": #4b5563 on #1d232b = 2.09:1 (needs 4.5:1)',
        'main > p "See-through black": #000000@0.3 on #f4f5f7 = 2.09:1 (needs 4.5:1)',
        'main > p "White on a see-through grey": #ffffff on #c3c4c6 = 1.74:1 (needs 4.5:1)',
        'main > div > p "Faded by its parent": #000000@0.3 on #f4f5f7 = 2.09:1 (needs 4.5:1)',
        'main > input "Typed in pale grey": #bbbbbb on #ffffff = 1.91:1 (needs 4.5:1)',
    ]
