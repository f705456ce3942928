"""A published story with its lead picture, share links and the "High views" mark, in a real Chromium.

The story goes through the newsroom as people send it (API for the text; the adaptor's workbench form in the
browser for the picture, a Pillow-drawn illustration), is read by distinct visitors over plain HTTP (views are
counted server-side, by address and user agent), then a reader's Chromium checks the page and takes the
README's two screenshots (docs/screenshots/public-article-picture.png and public-article-picture-phone.png).
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.browser.conftest import Pages, remember
from tests.support.live import LiveStack

pytestmark = pytest.mark.browser

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 1150}
#: A common phone, drawn at its real pixel density.
PHONE = {"width": 390, "height": 844}

TITLE = "Putin's Historic Visit to North Korea: Strengthening Military Ties and Strategic Alliances"
CREDIT = "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"
SECTION = "News"
ARABIC_TITLE = "زيارة بوتين التاريخية إلى كوريا الشمالية"
ARABIC_BODY = (
    "استقبلت بيونغ يانغ الرئيس الروسي فلاديمير بوتين بالأعلام الروسية ولافتات الترحيب، في أول زيارة من نوعها"
    " منذ 24 عاما.\n\nووقع بوتين مع الزعيم الكوري الشمالي كيم جونغ أون اتفاقية شراكة استراتيجية جديدة."
)
BODY = (
    "With Russian flags and welcoming banners, Pyongyang greeted Russian President Vladimir Putin, who arrived "
    "in North Korea for a first of its kind visit in 24 years. The visit was described as eventful by North "
    "Korean leader Kim Jong Un's assistant, who signed a new strategic partnership agreement with Putin.\n\n"
    "Through this agreement, Putin aims to secure arms supplies from North Korea to bolster the capabilities "
    "of the Russian military, signaling Moscow's desire to strengthen its international alliances against the "
    "West. This move represents the clearest evidence of Moscow's intention to ally with Pyongyang, despite "
    "previously supporting international sanctions against North Korea due to its nuclear and missile programs."
)
ALT = "Drawing of a harbour at dawn: cranes against an orange sky, containers on the quay, the sun rising"
CAPTION = "A harbour at dawn (an illustration drawn for this test, not a photograph)."
PHOTOGRAPHER = "Rami Khoury"
#: Readers with distinct browsers: each is one visitor for the view counter (same address, other user agent).
READERS = [
    f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.{n}.0 Safari/537.36"
    for n in range(7)
]
#: Records Content-Security-Policy violations, which a page's console may not show.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`);
});
"""

remember(TITLE, "With Russian flags", CAPTION, PHOTOGRAPHER)


def illustration(path: Path) -> Path:
    """A simple drawn scene (a harbour at dawn) as a 1600×900 PNG: a picture, not a flat test pattern."""
    width, height = 1600, 900
    picture = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    horizon = 620
    for y in range(horizon):  # sky from orange to dusky rose
        t = y / horizon
        draw.line([(0, y), (width, y)], fill=(int(246 - 60 * t), int(168 - 40 * t), int(120 + 20 * t)))
    draw.ellipse([1040, 480, 1240, 680], fill=(255, 214, 140))  # the sun, half behind the quay
    draw.rectangle([0, horizon, width, height], fill=(36, 64, 98))  # the sea
    for y in range(horizon + 30, height, 28):  # ripples
        draw.line([(80 + y % 120, y), (420 + y % 120, y)], fill=(70, 104, 140), width=3)
        draw.line([(900 - y % 90, y), (1300 - y % 90, y)], fill=(70, 104, 140), width=3)
    draw.rectangle([0, horizon - 30, width, horizon], fill=(29, 35, 43))  # the quay
    colours = [(168, 50, 45), (45, 110, 150), (200, 150, 40)]
    for n in range(12):  # containers
        x = 30 + n * 130
        draw.rectangle([x, horizon - 70, x + 110, horizon - 30], fill=colours[n % 3])
    draw.rectangle([40, 245, 1130, 265], fill=(29, 35, 43))  # a gantry crane
    for x in (180, 520, 860):
        draw.rectangle([x, 265, x + 24, horizon - 30], fill=(29, 35, 43))
        draw.line([(x + 200, 265), (x + 200, 430)], fill=(29, 35, 43), width=4)
    picture.save(path, "PNG")
    return path


def publish_with_picture(stack: LiveStack, pages: Pages, picture: Path) -> int:
    """The seed's story: reported in Arabic, adapted to English with a lead picture set through the adaptor's
    workbench form, approved by the editor. Returns the adaptation's id."""
    adaptor, editor = stack.people["adaptor"], stack.people["editor"]
    original = {
        "title": ARABIC_TITLE,
        "body": ARABIC_BODY,
        "language": "ar",
        "section": SECTION,
        "tags": ["Russia", "North Korea"],
        "targets": ["en"],
    }
    _article, adaptation_id = stack.submit_and_draft(stack.people["reporter"], original)
    adaptor.act(adaptation_id, "claim")
    adaptor.save(adaptation_id, TITLE, BODY)

    desk = pages.new_page()
    pages.login(desk, "adaptor")
    desk.goto(f"/desk/adaptations/{adaptation_id}")
    form = desk.locator("form.lead-image-form")
    form.get_by_label("Picture", exact=True).set_input_files(picture)
    form.get_by_label("Alt text (what the picture shows)").fill(ALT)
    form.get_by_label("Caption (optional)").fill(CAPTION)
    form.get_by_label("Photographer credit").fill(PHOTOGRAPHER)
    with desk.expect_navigation():
        form.get_by_role("button", name="Save picture").click()
    expect(desk.locator("p.flash")).to_have_text("Lead picture saved.")
    desk.context.close()

    adaptor.act(adaptation_id, "submit")
    editor.act(adaptation_id, "approve")
    return adaptation_id


def read_as(url: str, user_agent: str) -> None:
    """One reader's visit over plain HTTP (no cookies, no script): the server counts it."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    with urllib.request.urlopen(request, timeout=15) as response:
        assert response.status == 200


def query(href: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def assert_share_links(page: Page, url: str) -> None:
    """Six plain links that name the story's canonical address (and title where the service takes one)."""
    share = page.get_by_role("group", name="Share this story")
    expect(share.locator(".share-links a")).to_have_text(
        ["X", "Facebook", "WhatsApp", "Telegram", "LinkedIn", "E-mail"]
    )
    hrefs = {
        name: share.get_by_role("link", name=name, exact=True).get_attribute("href")
        for name in ("X", "Facebook", "WhatsApp", "Telegram", "LinkedIn", "E-mail")
    }
    assert hrefs["X"].startswith("https://x.com/intent/tweet?")
    assert query(hrefs["X"]) == {"url": url, "text": TITLE}
    assert hrefs["Facebook"].startswith("https://www.facebook.com/sharer/sharer.php?")
    assert query(hrefs["Facebook"]) == {"u": url}
    assert hrefs["WhatsApp"].startswith("https://wa.me/?")
    assert query(hrefs["WhatsApp"]) == {"text": f"{TITLE} {url}"}
    assert hrefs["Telegram"].startswith("https://t.me/share/url?")
    assert query(hrefs["Telegram"]) == {"url": url, "text": TITLE}
    assert hrefs["LinkedIn"].startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query(hrefs["LinkedIn"]) == {"url": url}
    assert hrefs["E-mail"].startswith("mailto:?")
    assert query(hrefs["E-mail"]) == {"subject": TITLE, "body": url}


def assert_picture(page: Page) -> None:
    """The lead picture has loaded (from one of its renditions), with its caption and photographer credit."""
    figure = page.locator("article.story figure.lead-picture")
    image = figure.locator("img")
    expect(image).to_have_attribute("alt", ALT)
    expect(image).to_have_attribute(
        "srcset", re.compile(r"/images/[0-9a-f]{32}-480\.jpg 480w, .+ 960w, .+ 1600w")
    )
    image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete", arg=image.element_handle())
    loaded = image.evaluate("(img) => ({width: img.naturalWidth, src: img.currentSrc})")
    assert loaded["width"] > 0, f"the lead picture did not load: {loaded}"
    assert re.search(r"/images/[0-9a-f]{32}-\d+\.jpg$", loaded["src"]), loaded
    expect(figure.locator("figcaption .caption")).to_have_text(CAPTION)
    expect(figure.locator("figcaption .photo-credit")).to_have_text(f"Photo: {PHOTOGRAPHER}")
    caption_top = figure.locator("figcaption").bounding_box()["y"]
    picture = image.bounding_box()
    assert caption_top >= picture["y"] + picture["height"] - 1, "the credit does not print under the picture"


def assert_story(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("article.story header .credit")).to_have_text(CREDIT)
    expect(page.locator("article.story header .high-views")).to_be_visible()
    expect(page.locator("article.story header .high-views")).to_have_text("High views")


def csp_violations(page: Page) -> list[str]:
    return page.evaluate("() => window.__cspViolations")


def test_story_with_picture_share_links_and_high_views(stack, pages: Pages, tmp_path):
    pages.problems.clear()
    adaptation_id = publish_with_picture(stack, pages, illustration(tmp_path / "harbour.png"))

    redirect = urllib.request.urlopen(f"{stack.base_url}/news/{adaptation_id}", timeout=15)
    url = redirect.url  # the canonical address, after the short address's redirect
    assert re.fullmatch(rf"{re.escape(stack.base_url)}/news/{adaptation_id}/[a-z0-9-]+", url), url
    for user_agent in READERS:
        read_as(url, user_agent)

    reader = pages.new_page(DESKTOP)
    reader.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.base_url)
    reader.add_init_script(WATCH_CSP)
    reader.goto("/news")
    most_read = reader.get_by_role("complementary", name="Most read")
    expect(most_read.get_by_role("link", name=TITLE)).to_be_visible()
    most_read.get_by_role("link", name=TITLE).click()
    reader.wait_for_url(url)
    assert_story(reader)
    assert_picture(reader)
    assert_share_links(reader, url)
    copy = reader.get_by_role("button", name="Copy link")
    expect(copy).to_be_visible()
    copy.click()
    expect(reader.locator(".share-status")).to_have_text("Link copied.")
    assert reader.evaluate("() => navigator.clipboard.readText()") == url
    reader.mouse.move(0, 0)  # no hover or focus ring left on the button in the screenshot
    reader.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    reader.locator(".share-status").evaluate(
        "(el) => { el.textContent = ''; }"
    )  # the page as a reader finds it
    reader.screenshot(path=str(DOCS_SCREENSHOTS / "public-article-picture.png"))
    pages.check(reader, "public-article-picture")
    assert csp_violations(reader) == []

    phone = pages.new_page(PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    phone.add_init_script(WATCH_CSP)
    phone.goto(url)
    assert_story(phone)
    assert_picture(phone)
    assert_share_links(phone, url)
    width = phone.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"horizontal scroll on a phone: {width}"
    phone.evaluate("() => window.scrollTo(0, 0)")
    phone.screenshot(path=str(DOCS_SCREENSHOTS / "public-article-picture-phone.png"))
    pages.check(phone, "public-article-picture-phone")
    assert csp_violations(phone) == []
    pages.assert_clean()
