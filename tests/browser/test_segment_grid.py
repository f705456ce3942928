"""The adaptor's editor as a segment grid, in a real Chromium against a live Adaptdesk.

A six-paragraph Arabic original, one of whose sentences an earlier published story put in the memory. At
1280×800 and 1920×1080 every grid column (and the adaptation text) is at least 35 characters wide and the
page stays short; the keyboard moves between segments, inserts a segment's draft or memory match at the
cursor and saves; autosave stores the text (the version goes up) and, when someone else saved meanwhile,
stores nothing, keeps the typed text and says so; leaving with unsaved text asks first. Once more with the
Arabic interface, where the grid reads right to left.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Pages, remember
from tests.support.live import LiveStack

pytestmark = pytest.mark.browser

#: A published story whose second sentence the new original repeats (so it has a 100% memory match).
FIRST_BODY = "وصل الرئيس إلى العاصمة صباح اليوم.\n\nتابعونا على قناتنا في تلغرام."
FIRST_ADAPTED = "The president arrived in the capital this morning.\n\nFollow us on our Telegram channel."
PARAGRAPHS = [
    "استقبلت العاصمة وفدا اقتصاديا كبيرا صباح اليوم. وضم الوفد ممثلين عن عشرين شركة من قطاعات الطاقة والنقل.",
    (
        "وقال وزير الاقتصاد إن الزيارة تفتح صفحة جديدة في العلاقات التجارية بين البلدين."
        " وأضاف أن الحكومة تعمل على تسهيل الاستثمار."
    ),
    "وبحث الجانبان خلال اللقاء مشاريع مشتركة في مجال الطاقة المتجددة. كما ناقشا تطوير الموانئ وخطوط السكك الحديدية.",
    (
        "وأعلن مسؤول في غرفة التجارة أن حجم التبادل التجاري ارتفع بنسبة كبيرة خلال العام الماضي."
        " وتوقع أن يستمر النمو في السنوات المقبلة."
    ),
    "ومن المقرر أن يزور الوفد المنطقة الصناعية غدا قبل أن يغادر البلاد مساء الخميس. وسيلتقي رجال أعمال محليين.",
    "تابعونا على قناتنا في تلغرام.",
]
BODY = "\n\n".join(PARAGRAPHS)
TITLE = "وفد اقتصادي في العاصمة"
OTHER_TEXT = "The editor's own version of the text."
MINE = "My adaptation, typed after the editor saved."

remember(TITLE, PARAGRAPHS[0][:30], FIRST_ADAPTED.split("\n")[0], "Follow us on our Telegram channel.", MINE)

DESK = {"width": 1280, "height": 800}
WIDE = {"width": 1920, "height": 1080}

#: Width of every grid column and of the adaptation text, in characters ("0" of the element's own font).
_COLUMNS_JS = """
() => {
  const ch = (el) => {
    const probe = document.createElement('span');
    probe.textContent = '0'.repeat(20);
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap';
    probe.style.font = getComputedStyle(el).font;
    document.body.appendChild(probe);
    const w = probe.getBoundingClientRect().width / 20;
    probe.remove();
    return w;
  };
  const inner = (el) => {
    const s = getComputedStyle(el);
    return el.clientWidth - parseFloat(s.paddingInlineStart) - parseFloat(s.paddingInlineEnd);
  };
  const row = document.querySelector('table.segment-grid tr.segment');
  const cells = {};
  for (const td of row.querySelectorAll('td')) {
    const name = td.className.split(' ')[0];
    cells[name] = Math.round(10 * inner(td) / ch(td)) / 10;
  }
  const text = document.querySelector('#body');
  cells['adaptation'] = Math.round(10 * inner(text) / ch(text)) / 10;
  const blocks = {};
  for (const el of document.querySelectorAll('main > *, .editor > .panel, .panel-adaptation > *')) {
    const name = el.tagName.toLowerCase() + '.' + [...el.classList].join('.');
    blocks[name] = Math.round(el.getBoundingClientRect().height);
  }
  return {cells, blocks, height: document.scrollingElement.scrollHeight};
}
"""


@pytest.fixture(scope="module")
def adaptation_id(stack: LiveStack) -> int:
    """The six-paragraph original's adaptation, claimed by the adaptor, with its machine draft."""
    reporter, adaptor, editor = (stack.people[p] for p in ("reporter", "adaptor", "editor"))
    _article, first = stack.submit_and_draft(
        reporter, {"title": "وصول الرئيس", "body": FIRST_BODY, "language": "ar", "targets": ["en"]}
    )
    adaptor.act(first, "claim")
    adaptor.save(first, "The president arrives", FIRST_ADAPTED)
    adaptor.act(first, "submit")
    editor.act(first, "approve")
    _article, second = stack.submit_and_draft(
        reporter, {"title": TITLE, "body": BODY, "language": "ar", "targets": ["en"]}
    )
    adaptor.act(second, "claim")
    return second


def stored(stack: LiveStack, adaptation_id: int) -> dict:
    return stack.people["adaptor"].get(f"/api/v1/adaptations/{adaptation_id}").json


def open_editor(pages: Pages, adaptation_id: int, viewport: dict, **options) -> Page:
    page = pages.new_page(viewport, **options)
    pages.login(page, "adaptor")
    page.goto(f"/desk/adaptations/{adaptation_id}")
    expect(page.locator("[data-current-segment]")).to_be_visible()  # editor.js is running
    return page


def current_index(page: Page) -> int:
    return page.locator("tr.segment").evaluate_all(
        "rows => rows.findIndex(r => r.getAttribute('aria-current') === 'true')"
    )


def unload_guarded(page: Page) -> bool:
    """Whether leaving now would ask first (a beforeunload listener cancels the event)."""
    return page.evaluate(
        "() => { const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e);"
        " return e.defaultPrevented; }"
    )


@pytest.mark.parametrize("viewport", [DESK, WIDE], ids=["1280x800", "1920x1080"])
def test_every_column_is_wide_enough_and_the_page_short(
    stack, pages: Pages, adaptation_id, viewport, record_property
):
    page = open_editor(pages, adaptation_id, viewport)
    rows = page.locator("table.segment-grid tr.segment")
    segments = stored(stack, adaptation_id)["draft"]["segments"]
    expect(rows).to_have_count(len(segments))
    assert len({s["paragraph"] for s in segments}) == 6
    # The repeated sentence's best memory match, with its score, and the draft that memory filled.
    last = rows.last
    expect(last.locator(".tm-score")).to_have_text("100%")
    expect(last.locator(".tm-target")).to_have_text("Follow us on our Telegram channel.")
    expect(last.locator(".origin-badge")).to_have_text("from memory")
    expect(rows.first.locator(".seg-tm")).to_contain_text("No match")

    measured = page.evaluate(_COLUMNS_JS)
    record_property("measured", measured)
    print(f"\n{viewport['width']}x{viewport['height']}: {measured}")
    assert set(measured["cells"]) == {"seg-source", "seg-mt", "seg-tm", "adaptation"}
    narrow = {name: width for name, width in measured["cells"].items() if width < 35}
    assert not narrow, f"columns narrower than 35 characters: {narrow}"
    assert measured["height"] < 2800, measured  # 3,557 px before the grid (issue #16)

    grid, adaptation = (
        page.locator(".panel-draft").bounding_box(),
        page.locator(".panel-adaptation").bounding_box(),
    )
    if viewport is WIDE:  # side by side, the adaptation next to the memory column (left of an RTL original)
        assert abs(grid["y"] - adaptation["y"]) < 2 and adaptation["x"] + adaptation["width"] <= grid["x"]
    else:  # the adaptation below the grid
        assert adaptation["y"] >= grid["y"] + grid["height"]
    # The Arabic original reads right to left, in the rightmost column of a left-to-right page.
    source, mt = rows.first.locator(".seg-source"), rows.first.locator(".seg-mt")
    assert source.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert source.bounding_box()["x"] >= mt.bounding_box()["x"] + mt.bounding_box()["width"] - 1
    pages.check(page, f"segment-grid-{viewport['width']}")
    pages.assert_clean()


def test_shortcuts_move_insert_and_save(stack, pages: Pages, adaptation_id):
    page = open_editor(pages, adaptation_id, DESK)
    body = page.locator("#body")
    body.fill("")
    body.focus()
    assert current_index(page) == 0
    expect(page.locator(".current-head strong")).to_have_text(re.compile(r"^Segment 1 of \d+$"))

    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Alt+ArrowDown")
    assert current_index(page) == 2
    page.keyboard.press("Alt+ArrowUp")
    assert current_index(page) == 1
    expect(page.locator(".current-head strong")).to_have_text(re.compile(r"^Segment 2 of "))
    expect(page.locator("[data-current-source]")).to_have_text(
        page.locator("tr.segment").nth(1).locator(".seg-source").inner_text()
    )
    expect(body).to_be_focused()  # moving between segments leaves the cursor where it was

    draft = page.locator("tr.segment").nth(1).locator(".seg-mt-text").inner_text()
    page.keyboard.press("Control+Shift+D")
    expect(body).to_have_value(draft)

    # The last segment's memory match, inserted at the cursor (after a space), not at the end.
    rows = page.locator("tr.segment").count()
    for _ in range(rows):
        page.keyboard.press("Alt+ArrowDown")
    assert current_index(page) == rows - 1
    body.evaluate("el => el.setSelectionRange(0, 0)")
    page.keyboard.type("Start.")
    page.keyboard.press("Control+Shift+M")
    page.keyboard.type(" ")
    expect(body).to_have_value(f"Start. Follow us on our Telegram channel. {draft}")

    # The help overlay: "?" outside a text field, Ctrl+/ anywhere; Esc closes it.
    help_ = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_).to_be_hidden()
    page.locator("h1").click()
    page.keyboard.press("?")
    expect(help_).to_be_visible()
    expect(help_).to_contain_text("Insert the segment's machine draft at the cursor")
    pages.check(page, "segment-grid-help", focus=help_)
    page.keyboard.press("Escape")
    expect(help_).to_be_hidden()
    body.focus()
    page.keyboard.type("?")  # typed in the text, not stolen
    expect(help_).to_be_hidden()
    page.keyboard.press("Control+/")
    expect(help_).to_be_visible()
    page.keyboard.press("Escape")

    # Ctrl+S saves in place: no page load, a new version stored.
    before = stored(stack, adaptation_id)["version"]
    page.get_by_label("Save automatically").uncheck()
    body.focus()
    page.keyboard.press("Control+s")
    status = page.locator("[data-autosave-status]")
    expect(status).to_have_text(re.compile(rf"\(version {before + 1}\)"))
    now = stored(stack, adaptation_id)
    assert now["version"] == before + 1 and now["body"].startswith(
        "Start. Follow us on our Telegram channel."
    )
    expect(page.locator("input[name=version]")).to_have_value(str(before + 1))
    expect(page.locator("[data-version-label]")).to_have_text(f"version {before + 1}")
    assert not unload_guarded(page)
    page.get_by_label("Save automatically").check()  # the preference is kept in the browser; leave it on
    pages.assert_clean()


def test_autosave_stores_the_text_and_never_overwrites_another_save(stack, pages: Pages, adaptation_id):
    page = open_editor(pages, adaptation_id, DESK)
    body = page.locator("#body")
    status = page.locator("[data-autosave-status]")
    assert not unload_guarded(page)

    # Typing, then a pause: saved on its own, the version goes up, the page stays.
    before = stored(stack, adaptation_id)["version"]
    body.fill("")
    body.press_sequentially("Autosaved text.")
    assert unload_guarded(page)  # typed and not saved yet: leaving asks first
    expect(status).to_have_text(re.compile(rf"Saved at .* \(version {before + 1}\)\."), timeout=10_000)
    now = stored(stack, adaptation_id)
    assert (now["version"], now["body"]) == (before + 1, "Autosaved text.")
    assert not unload_guarded(page)

    # Someone else (the editor) saves; the adaptor, on the old version, types on.
    stack.people["editor"].save(adaptation_id, now["title"], OTHER_TEXT)
    theirs = stored(stack, adaptation_id)["version"]
    pages.expected_statuses.add(409)
    try:
        body.fill(MINE)
        notice = page.locator("[data-conflict-notice]")
        expect(notice).to_be_visible(timeout=10_000)
        expect(notice).to_contain_text(f"someone else saved version {theirs} while you were editing")
        expect(status).to_have_text(re.compile("Not saved"))
    finally:
        pages.expected_statuses.discard(409)
    now = stored(stack, adaptation_id)
    assert (now["version"], now["body"]) == (theirs, OTHER_TEXT)  # nothing overwritten
    expect(body).to_have_value(MINE)  # nothing typed lost
    assert unload_guarded(page)
    # More typing does not try again behind the person's back.
    body.press_sequentially(" More.")
    page.wait_for_timeout(4500)
    assert stored(stack, adaptation_id)["version"] == theirs
    pages.check(page, "segment-grid-conflict", focus=notice)

    # Compare: the stored text and the difference, the typed text still in the form, autosave paused.
    pages.expected_statuses.add(409)
    try:
        with page.expect_navigation():
            notice.get_by_role("button", name="Compare with the stored version").click()
        expect(page.locator("section.stale")).to_contain_text(OTHER_TEXT)
        expect(page.locator("#body")).to_have_value(MINE + " More.")
        expect(page.locator("[data-autosave-status]")).to_have_text(
            "Autosave is paused until you save the merged text yourself."
        )
        pages.check(page, "segment-grid-compare")
    finally:
        pages.expected_statuses.discard(409)
    assert unload_guarded(page)  # the kept text is not stored
    page.wait_for_timeout(4000)
    page.locator("#body").press_sequentially(" Merged.")
    page.wait_for_timeout(4000)
    assert stored(stack, adaptation_id)["body"] == OTHER_TEXT  # paused: the merge is saved by hand

    # Leaving with unsaved text asks first (a real beforeunload prompt).
    asked: list[str] = []
    page.on("dialog", lambda dialog: asked.append(dialog.type))
    page.close(run_before_unload=True)
    page.wait_for_event("close")
    assert asked == ["beforeunload"]
    pages.assert_clean()


def test_the_grid_reads_right_to_left_in_the_arabic_interface(stack, pages: Pages, adaptation_id):
    page = pages.new_page(DESK)
    pages.login(page, "adaptor")
    page.context.add_cookies([{"name": "adaptdesk_lang", "value": "ar", "url": stack.base_url}])
    page.goto(f"/desk/adaptations/{adaptation_id}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("[data-current-segment]")).to_be_visible()
    row = page.locator("tr.segment").first
    cells = row.locator("td")
    # The Arabic original comes first, on the right; the memory column on the left.
    expect(cells.first).to_have_class(re.compile("seg-source"))
    source, tm = row.locator(".seg-source").bounding_box(), row.locator(".seg-tm").bounding_box()
    assert source["x"] > tm["x"] + tm["width"] - 1
    assert page.locator("table.segment-grid").evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert row.locator(".seg-mt").evaluate("el => getComputedStyle(el).direction") == "ltr"  # English draft
    measured = page.evaluate(_COLUMNS_JS)
    print(f"\n1280x800 Arabic interface: {measured}")
    assert all(width >= 35 for width in measured["cells"].values()), measured
    expect(page.locator("[data-current-segment] strong")).not_to_have_text(
        re.compile("Segment")
    )  # translated
    pages.check(page, "segment-grid-arabic")
    pages.assert_clean()
