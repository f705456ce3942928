"""An Arabic report becomes a published English story, in a real Chromium against a live stack.

The four journeys run in order and hand the story on through `story`: the reporter submits and watches the
machine draft arrive; the adaptor claims, edits, saves (button and Ctrl+S), survives a stale save against an
editor and submits; the editor reviews, sends it back, and approves after the revision; readers read it,
also on a phone.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PHONE_VIEWPORT, Pages, drafts_paused, remember
from tests.support.argos_model import sample_arabic_article
from tests.support.live import LiveStack

pytestmark = pytest.mark.browser

ARABIC_TITLE = "زيارة بوتين التاريخية إلى بيونغ يانغ"
#: Twelve paragraphs, 50 sentences: a real report's length, for the draft table and the layout to cope with.
ARABIC_BODY = sample_arabic_article(48, seed=7, per_paragraph=4)
SECTION = "Asia Desk"
TAGS = ["Russia", "North Korea"]
ENGLISH_TITLE = "Putin makes a historic visit to Pyongyang"
FIRST_BODY = (
    "Pyongyang welcomed Russian President Vladimir Putin with flags and portraits.\n\n"
    "Kim Jong Un and Putin signed a strategic partnership.\n\n"
    # The original's figures: without them the QA check on numbers refuses the submission.
    "At home, exports reached $15bn, unemployment fell 2.3 per cent and the heat hit 43.5C; "
    "1,000 jobs, 200 publishers and 20 films were counted."
)
SECOND_BODY = FIRST_BODY + "\n\nThe treaty commits both countries to mutual assistance."
ADAPTOR_LINE = "Analysts in Seoul expect sanctions talks."
EDITOR_LINE = "Moscow denied arms transfers yesterday."
MERGED_BODY = f"{SECOND_BODY}\n\n{ADAPTOR_LINE}\n\n{EDITOR_LINE}"
COMMENT = "Say that this is the first visit in 24 years."
REVISION_LINE = "It is the first such visit in 24 years."
FINAL_BODY = f"{MERGED_BODY}\n\n{REVISION_LINE}"
EARLIER_TITLE = "Seoul watches the summit closely"
LATER_TITLE = "Tokyo calls for calm after the summit"
CREDIT = "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"

remember(
    ARABIC_TITLE,
    ARABIC_BODY.split("،")[0][:30],
    SECTION,
    ENGLISH_TITLE,
    "Pyongyang welcomed",
    ADAPTOR_LINE,
    EDITOR_LINE,
    COMMENT,
    REVISION_LINE,
)


@pytest.fixture(autouse=True)
def fresh_problems(pages: Pages) -> None:
    """Each journey reports the defects of its own pages."""
    pages.problems.clear()


@pytest.fixture(scope="module")
def story() -> dict:
    """What the journeys hand on to each other: the adaptation's id, the open pages, its public address."""
    return {}


def need(story: dict, *keys: str) -> None:
    missing = [k for k in keys if k not in story]
    if missing:
        pytest.fail(f"an earlier journey did not finish ({', '.join(missing)} missing)")


def publish_through_api(stack: LiveStack, title: str, seed: int) -> int:
    """Another story, published through the API (so the public page has neighbours); returns its id."""
    adaptor, editor = stack.people["adaptor"], stack.people["editor"]
    _article, adaptation_id = stack.submit_and_draft(
        stack.people["reporter"],
        {
            "title": "قمة في بيونغ يانغ",
            "body": sample_arabic_article(3, seed=seed),
            "language": "ar",
            "section": SECTION,
            "tags": ["Russia"],
            "targets": ["en"],
        },
    )
    adaptor.act(adaptation_id, "claim")
    # Every figure the sample originals may hold (in digits or words), so QA lets the submission through.
    figures = "They counted 1,000 jobs, 200 publishers, 3 goals, 20 films, 43.5 degrees and 2.3 per cent."
    adaptor.save(
        adaptation_id, title, f"Officials followed the talks.\n\nMore reactions are expected. {figures}"
    )
    adaptor.act(adaptation_id, "submit")
    editor.act(adaptation_id, "approve")
    return adaptation_id


#: Records every state of the draft progress block and the state badge into window.__readings.
WATCH_PROGRESS = """() => {
  window.__sameDocument = true;
  const block = document.querySelector('[data-poll-adaptation]');
  const bar = block.querySelector('progress');
  const badge = document.querySelector('[data-state-for="' + block.dataset.pollAdaptation + '"]');
  window.__readings = [];
  const read = () => window.__readings.push({value: bar.value, max: bar.max, determinate: bar.position >= 0,
                                              state: badge.textContent.trim()});
  read();
  for (const node of [block, badge]) {
    new MutationObserver(read).observe(node, {attributes: true, childList: true, subtree: true,
                                              characterData: true});
  }
}"""


def click_and_wait(page: Page, target: Locator) -> None:
    """Click something that submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        target.click()


def flash(page: Page) -> Locator:
    return page.locator("p.flash")


def saved_version(page: Page) -> int:
    """The version number the "Saved (version N)." message announces."""
    expect(flash(page)).to_have_text(re.compile(r"Saved \(version \d+\)\."))
    return int(re.search(r"version (\d+)", flash(page).inner_text()).group(1))


def box(locator: Locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not laid out"
    return found


def direction(locator: Locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).direction")


# ------------------------------------------------------------------------------------------ journey 1


def test_1_reporter_submits_an_arabic_original_and_watches_the_draft_arrive(stack, pages: Pages, story):
    publish_through_api(stack, EARLIER_TITLE, seed=11)  # before ours, so ours has a "previous" story
    page = pages.new_page()
    pages.login(page, "reporter")
    expect(page).to_have_url(re.compile(r"/desk/reports$"))
    pages.check(page, "reporter-my-reports")

    page.get_by_role("navigation", name="Desk").get_by_role("link", name="New report").click()
    expect(page.get_by_role("heading", name="New report")).to_be_visible()
    title = page.get_by_label("Title", exact=True)
    body = page.get_by_label("Text", exact=True)
    expect(page.get_by_label("Language of the original")).to_have_value("ar")
    for field in (title, body):
        expect(field).to_have_attribute("lang", "ar")
        assert direction(field) == "rtl"
    expect(page.get_by_role("checkbox", name="English")).to_be_checked()
    title.fill(ARABIC_TITLE)
    body.fill(ARABIC_BODY)
    page.get_by_label("Section").fill(SECTION)
    page.get_by_label("Tags").fill(", ".join(TAGS))
    pages.check(page, "reporter-new-report-filled")

    # The worker holds the job until the report page is up, so the page shows the whole way to "ready".
    with drafts_paused(stack):
        click_and_wait(page, page.get_by_role("button", name="Submit report"))
        expect(page).to_have_url(re.compile(r"/desk/reports/\d+$"))
        expect(flash(page)).to_contain_text("Machine drafts are on their way for: English")
        expect(page.get_by_role("heading", level=1)).to_have_text(ARABIC_TITLE)
        block = page.locator("[data-poll-adaptation]")
        expect(block).to_have_count(1)
        expect(block.locator("[data-draft-state]")).to_have_text("waiting for a translator")
        adaptation_id = int(block.get_attribute("data-poll-adaptation"))
        page.evaluate(WATCH_PROGRESS)
        navigations: list[str] = []
        page.on("framenavigated", lambda frame: frame == page.main_frame and navigations.append(frame.url))
        pages.check(page, "reporter-draft-waiting", focus=block)

    badge = page.locator(f'[data-state-for="{adaptation_id}"]')
    expect(badge).to_have_text("draft ready", timeout=90_000)
    expect(block.locator("[data-draft-state]")).to_have_text("ready")
    readings = page.evaluate("window.__readings")
    assert page.evaluate("window.__sameDocument === true") and navigations == [], "the page was reloaded"
    first, last = readings[0], readings[-1]
    assert first["state"] == "queued" and not first["determinate"], readings  # empty bar, nobody translating
    assert last["determinate"] and last["value"] == last["max"] > 1, readings
    values = [r["value"] for r in readings if r["determinate"]]
    assert values == sorted(values), f"the bar went backwards: {readings}"
    api = stack.people["reporter"].get(f"/api/v1/adaptations/{adaptation_id}").json
    assert api["state"] == "draft_ready" and last["max"] == api["draft"]["progress"]["total"]
    expect(block.locator("progress")).to_have_attribute("aria-label", "Machine draft: ready")
    pages.check(page, "reporter-draft-ready", focus=block)
    story.update(adaptation_id=adaptation_id, readings=readings)
    pages.assert_clean()


# ------------------------------------------------------------------------------------------ journey 2


def test_2_adaptor_claims_edits_saves_survives_a_stale_save_and_submits(stack, pages: Pages, story):
    need(story, "adaptation_id")
    adaptation_id = story["adaptation_id"]
    adaptor = pages.new_page()
    pages.login(adaptor, "adaptor")
    expect(adaptor).to_have_url(re.compile(r"/desk/queue$"))
    pages.check(adaptor, "adaptor-queue")
    row = adaptor.get_by_role("row").filter(has=adaptor.get_by_role("link", name=ARABIC_TITLE))
    expect(row.locator(".state")).to_have_text("draft ready")
    row.get_by_role("button", name="Claim").click()
    adaptor.wait_for_url(f"**/desk/adaptations/{adaptation_id}")
    expect(flash(adaptor)).to_contain_text("You hold this adaptation now")
    pages.check(adaptor, "adaptor-editor-claimed", readme="adaptor-editor.png")

    # The segment grid across the page; under it the adaptation form and the original (right to left, on
    # the right) side by side.
    source = adaptor.locator(".panel-source")
    draft = adaptor.locator(".panel-draft")
    adaptation = adaptor.locator(".panel-adaptation")
    original_text = source.locator(".body-text")
    expect(original_text).to_have_attribute("lang", "ar")
    assert direction(original_text) == "rtl" and direction(source.locator("h3.text-title")) == "rtl"
    a, d, s = box(adaptation), box(draft), box(source)
    assert a["x"] + a["width"] <= s["x"], (a, s)
    assert abs(a["y"] - s["y"]) < 2, "the adaptation and the original do not start side by side"
    assert d["y"] + d["height"] <= a["y"], "the segment grid is not above the adaptation"
    form = adaptation.locator("form#adaptation-form")
    expect(form.get_by_label("Title", exact=True)).to_be_visible()

    # The machine draft, sentence by sentence, each translation on the same line as its source.
    segments = stack.people["adaptor"].get(f"/api/v1/adaptations/{adaptation_id}").json["draft"]["segments"]
    rows = draft.locator("table.segments tbody tr")
    expect(rows).to_have_count(len(segments))
    cells = rows.evaluate_all("""rows => rows.map(r => {
      const src = r.querySelector('.seg-source'), mt = r.querySelector('.seg-mt');
      const sb = src.getBoundingClientRect(), mb = mt.getBoundingClientRect();
      return {source: src.textContent.trim(), mt: mt.textContent.trim(), srcLang: src.lang, mtLang: mt.lang,
              srcDir: getComputedStyle(src).direction, mtDir: getComputedStyle(mt).direction,
              sameRow: Math.abs(sb.top - mb.top) < 1, sourceRight: sb.left >= mb.right - 1};
    })""")
    assert [c["source"] for c in cells] == [seg["source"] for seg in segments]
    assert [c["mt"] for c in cells] == [seg["mt"] for seg in segments]
    assert all(
        c["srcLang"] == "ar"
        and c["srcDir"] == "rtl"
        and c["mtLang"] == "en"
        and c["mtDir"] == "ltr"
        and c["sameRow"]
        and c["sourceRight"]
        for c in cells
    ), cells[:3]

    # Edit and save with the button, then again with Ctrl+S. Autosave is off here, so every save below is
    # the one the journey makes (test_segment_grid.py covers autosave); the choice is kept in the browser.
    form.get_by_label("Save automatically").uncheck()
    title, body = form.get_by_label("Title", exact=True), form.get_by_label("Text", exact=True)
    title.fill(ENGLISH_TITLE)
    body.fill(FIRST_BODY)
    click_and_wait(adaptor, form.get_by_role("button", name="Save", exact=True))
    first_version = saved_version(adaptor)
    expect(body).to_have_value(FIRST_BODY)
    body.fill(SECOND_BODY)
    body.press("Control+s")  # saves in place (editor.js): no page load, the form takes the new version
    version = first_version + 1
    expect(form.locator("[data-autosave-status]")).to_have_text(re.compile(rf"\(version {version}\)\.$"))
    expect(form.locator("input[name=version]")).to_have_value(str(version))
    expect(body).to_have_value(SECOND_BODY)
    expect(title).to_have_value(ENGLISH_TITLE)
    pages.check(adaptor, "adaptor-saved-with-ctrl-s")

    # A stale save: the adaptor and an editor both edit version `version`; the adaptor saves first.
    editor = pages.new_page()
    pages.login(editor, "editor")
    editor.goto(f"/desk/adaptations/{adaptation_id}")
    editor_form = editor.locator("#adaptation-form")
    editor_form.get_by_label("Save automatically").uncheck()
    editor_body = editor_form.get_by_label("Text", exact=True)
    expect(editor.locator("#adaptation-form input[name=version]")).to_have_value(str(version))
    pages.check(editor, "editor-opens-the-same-version")
    body.fill(f"{SECOND_BODY}\n\n{ADAPTOR_LINE}")
    editor_body.fill(f"{SECOND_BODY}\n\n{EDITOR_LINE}")
    click_and_wait(adaptor, form.get_by_role("button", name="Save", exact=True))
    assert saved_version(adaptor) == version + 1

    pages.expected_statuses.add(409)  # the stale save's page comes back as 409 Conflict
    try:
        click_and_wait(editor, editor_form.get_by_role("button", name="Save", exact=True))
        stale = editor.locator("section.stale")
        expect(stale.get_by_role("heading", level=2)).to_have_text(
            f"Someone saved a newer version (version {version + 1})"
        )
        expect(stale.locator(".stale-current")).to_contain_text(ADAPTOR_LINE)  # theirs, as stored
        expect(stale.locator(".diff ins")).not_to_have_count(0)
        inserted = " ".join(stale.locator(".diff ins").all_inner_texts())
        deleted = " ".join(stale.locator(".diff del").all_inner_texts())
        assert "Moscow" in inserted and "Seoul" in deleted, (inserted, deleted)  # yours against theirs
        changes = stale.locator(".diff ins, .diff del").evaluate_all("els => els.map(e => e.textContent)")
        pages.expect(
            all(c.strip() for c in changes),
            "stale save",
            f"the diff marks whitespace-only changes {[c for c in changes if not c.strip()]!r} "
            "(the form's CRLF line ends against the stored LF)",
        )
        expect(editor_body).to_have_value(f"{SECOND_BODY}\n\n{EDITOR_LINE}")  # yours, kept unsaved
        expect(editor.locator("#adaptation-form input[name=version]")).to_have_value(str(version + 1))
        pages.check(editor, "stale-save-shows-both-versions")
    finally:
        pages.expected_statuses.discard(409)

    editor_body.fill(MERGED_BODY)
    click_and_wait(editor, editor_form.get_by_role("button", name="Save", exact=True))
    assert saved_version(editor) == version + 2
    adaptor.reload()
    expect(body).to_have_value(MERGED_BODY)  # nothing lost: both lines are in
    pages.check(adaptor, "adaptor-sees-the-merged-text")

    adaptor.get_by_role("button", name="Submit for review").click()
    adaptor.wait_for_url("**/desk/mine")
    expect(flash(adaptor)).to_have_text("Submitted for review (round 1).")
    pages.check(adaptor, "adaptor-my-adaptations-submitted")
    story.update(adaptor=adaptor, editor=editor)
    pages.assert_clean()


# ------------------------------------------------------------------------------------------ journey 3


def section_titled(page: Page, heading: str) -> Locator:
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def test_3_editor_reviews_requests_changes_and_approves_the_revision(stack, pages: Pages, story):
    need(story, "adaptor", "editor")
    adaptation_id, adaptor, editor = story["adaptation_id"], story["adaptor"], story["editor"]
    editor.get_by_role("navigation", name="Desk").get_by_role("link", name="Review").click()
    expect(editor).to_have_url(re.compile(r"/desk/review$"))
    pages.check(editor, "editor-review-queue")
    editor.get_by_role("link", name=ENGLISH_TITLE).click()
    editor.wait_for_url(f"**/desk/review/{adaptation_id}")

    against_mt = section_titled(editor, "Against the machine draft")
    expect(against_mt.locator(".diff ins").first).to_be_visible()
    expect(against_mt.locator(".diff del").first).to_be_visible()
    expect(against_mt.locator(".diff").first).to_have_attribute("lang", "en")
    first_round = section_titled(editor, "Against the previous round")
    expect(first_round).to_contain_text("This is the first round of review.")
    a, s = box(editor.locator(".panel-adaptation")), box(editor.locator(".panel-source"))
    assert a["x"] + a["width"] <= s["x"], "the Arabic original should sit right of the adaptation"
    pages.check(editor, "editor-review-round-1")

    # Keyboard only: type the comment, Tab to "Request changes", Enter.
    comment = editor.get_by_label("What should change")
    comment.fill(COMMENT)
    comment.press("Tab")
    request_changes = editor.get_by_role("button", name="Request changes")
    expect(request_changes).to_be_focused()
    assert request_changes.evaluate("el => getComputedStyle(el).outlineStyle") != "none", "no visible focus"
    with editor.expect_navigation():
        editor.keyboard.press("Enter")
    expect(editor).to_have_url(re.compile(r"/desk/review$"))
    expect(flash(editor)).to_have_text(
        "Sent back to the adaptor with your comment; they can work on it at once."
    )
    pages.check(editor, "editor-sent-back")

    # The adaptor, still holding it, continues at once: reads the comment beside the text, revises, resubmits.
    adaptor.get_by_role("navigation", name="Desk").get_by_role("link", name="My adaptations").click()
    row = adaptor.get_by_role("row").filter(has=adaptor.get_by_role("link", name=ENGLISH_TITLE))
    expect(row.locator(".state")).to_have_text("changes requested")
    pages.check(adaptor, "adaptor-changes-requested")
    row.get_by_role("link", name="Continue").click()
    adaptor.wait_for_url(f"**/desk/adaptations/{adaptation_id}")
    thread = section_titled(adaptor, "Editor comments")
    expect(thread.locator(".comment-text")).to_have_text(COMMENT)
    expect(thread.locator(".comment-meta")).to_contain_text("Rima Haddad asked for changes")
    body = adaptor.locator("#adaptation-form").get_by_label("Text", exact=True)
    expect(body).to_have_value(MERGED_BODY)
    body.fill(FINAL_BODY)
    body.press("Control+s")  # in place (autosave stays off: the choice was kept in this browser)
    expect(adaptor.locator("[data-autosave-status]")).to_have_text(re.compile(r"^Saved at .*\.$"))
    pages.check(adaptor, "adaptor-revised")
    adaptor.get_by_role("button", name="Submit for review").click()
    expect(flash(adaptor)).to_have_text("Submitted for review (round 2).")

    # Round 2: what changed since round 1, then approve with the keyboard.
    editor.goto(f"/desk/review/{adaptation_id}")
    against_round = section_titled(editor, "Against the previous round")
    expect(against_round).to_contain_text("What changed since round 1 (asked for changes by Rima Haddad)")
    assert "24 years" in " ".join(against_round.locator(".diff ins").all_inner_texts())
    expect(section_titled(editor, "Comments").locator(".comment-text")).to_have_text(COMMENT)
    pages.check(editor, "editor-review-round-2", readme="editor-review.png")
    approve = editor.get_by_role("button", name="Approve", exact=True)
    editor.get_by_label("Publish at, UTC time (optional)").focus()
    for _ in range(10):
        if approve.evaluate("el => el === document.activeElement"):
            break
        editor.keyboard.press("Tab")
    expect(approve).to_be_focused()
    with editor.expect_navigation():
        editor.keyboard.press("Enter")
    expect(flash(editor)).to_have_text("Approved and published.")
    pages.check(editor, "editor-approved")
    published = stack.people["editor"].get(f"/api/v1/adaptations/{adaptation_id}").json
    assert published["state"] == "published" and published["body"] == FINAL_BODY
    story.update(url=published["url"])
    pages.assert_clean()


# ------------------------------------------------------------------------------------------ journey 4


WIDTHS = "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"


def test_4_public_article_page_reads_well_on_desk_and_phone(stack, pages: Pages, story):
    need(story, "url")
    publish_through_api(stack, LATER_TITLE, seed=12)  # after ours, so ours has a "next" story
    reader = pages.new_page()
    reader.goto("/news")
    pages.check(reader, "public-index")
    reader.get_by_role("link", name=ENGLISH_TITLE).click()
    reader.wait_for_url(re.compile(rf"/news/{story['adaptation_id']}/[a-z0-9-]+$"))
    assert_public_article(reader)
    pages.check(reader, "public-article", readme="public-article.png")

    phone = pages.new_page(PHONE_VIEWPORT)
    phone.goto(reader.url)
    assert_public_article(phone)
    width = phone.evaluate(WIDTHS)
    assert width["inner"] == PHONE_VIEWPORT["width"]
    assert width["scroll"] <= width["inner"], f"horizontal scroll on a phone: {width}"
    pages.check(phone, "public-article-phone", readme="public-article-phone.png")
    phone.goto("/news")
    width = phone.evaluate(WIDTHS)
    assert width["scroll"] <= width["inner"], f"horizontal scroll on a phone: {width}"
    pages.check(phone, "public-index-phone")
    pages.assert_clean()


def assert_public_article(page: Page) -> None:
    """Section, date and time, reading time, headline, credit line, body, tags, previous and next."""
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    header = page.locator("article.story header")
    expect(header.locator("a.section")).to_have_text(SECTION)
    expect(header.locator("time.published")).to_have_text(
        re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4} \| \d\d:\d\d UTC\s*$")  # newsroom time, zone named
    )
    expect(header.locator(".reading-time")).to_have_text(re.compile(r"^\d+ min read$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ENGLISH_TITLE)
    expect(header.locator(".credit")).to_have_text(CREDIT)
    expect(page.locator(".story-body p")).to_have_text(FINAL_BODY.split("\n\n"))
    expect(page.locator(".story-tags").get_by_role("link")).to_have_text(TAGS)
    neighbours = page.get_by_role("navigation", name="Previous and next stories")
    expect(neighbours.locator("a[rel=prev] .title")).to_have_text(EARLIER_TITLE)
    expect(neighbours.locator("a[rel=next] .title")).to_have_text(LATER_TITLE)
    for part in (header, page.locator(".story-body"), neighbours):
        assert direction(part) == "ltr"
