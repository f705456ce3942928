"""Every page of the desk, in English and in Arabic, through an accessibility engine: axe-core (a local copy,
tests/browser/vendor/axe-core) finds no serious or critical violation.

The pages hold real data: an original reported in Arabic and published in English (the public site, the
reporter's page of it, the published workbench), one waiting for review (the editor's review page, the
adaptor's workbench) and one waiting in the queue. Each person logs in with a browser that asks for the
language under test, so the desk speaks it (Arabic: right to left); the public pages are visited too.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Pages
from tests.support.live import LiveStack

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
#: Impacts that fail the test (axe's scale: minor, moderate, serious, critical).
FAILING = ("serious", "critical")

ARABIC_TITLE = "زيارة بوتين التاريخية إلى كوريا الشمالية"
ARABIC_BODY = (
    "استقبلت بيونغ يانغ الرئيس الروسي فلاديمير بوتين بالأعلام الروسية ولافتات الترحيب.\n\n"
    "ووقع الزعيمان اتفاقية."
)
TITLE = "Putin's historic visit to North Korea"
BODY = "Pyongyang welcomed Russian President Vladimir Putin with flags and banners.\n\nThe two leaders signed a pact."

#: An entry "follow:/prefix/" visits the links of the page before whose address starts with the prefix (a
#: person's page by its id), two at most.
FOLLOW = "follow:"

_RUN_AXE = """
async (failing) => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => failing.includes(v.impact))
    .map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 4).map(
        (n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')),
    }));
}
"""


def axe_violations(page: Page) -> list[str]:
    """Serious and critical violations axe-core finds on the page in front of `page`."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    assert page.evaluate("() => axe.version") == AXE_VERSION
    found = page.evaluate(_RUN_AXE, list(FAILING))
    return [f"{v['impact']} {v['id']} ({v['help']}): " + "; ".join(v["nodes"]) for v in found]


def _story(stack: LiveStack, *, to: str) -> tuple[int, int]:
    """An Arabic original adapted into English, taken as far as `to` (draft_ready, in_review, published);
    returns (article id, adaptation id)."""
    reporter, adaptor, editor = (stack.people[name] for name in ("reporter", "adaptor", "editor"))
    original = {
        "title": ARABIC_TITLE,
        "body": ARABIC_BODY,
        "language": "ar",
        "section": "News",
        "targets": ["en"],
    }
    article, adaptation_id = stack.submit_and_draft(reporter, original)
    if to != "draft_ready":
        adaptor.act(adaptation_id, "claim")
        adaptor.save(adaptation_id, TITLE, BODY)
        adaptor.act(adaptation_id, "submit")
    if to == "published":
        editor.act(adaptation_id, "approve")
    return article["id"], adaptation_id


@pytest.fixture(scope="module")
def desk(stack: LiveStack) -> dict[str, list[str]]:
    """The pages to check, by who opens them ("" for a visitor), with the data they show."""
    stack.user("admin", "Lina Khoury", "admin")
    published_article, published = _story(stack, to="published")
    _review_article, in_review = _story(stack, to="in_review")
    _story(stack, to="draft_ready")
    story_url = urllib.request.urlopen(f"{stack.base_url}/news/{published}", timeout=15).url
    story_path = story_url.removeprefix(stack.base_url)
    story_html = urllib.request.urlopen(story_url, timeout=15).read().decode()
    people_page = re.search(r'href="([^"]*/people/[^"]+)"', story_html).group(1)
    return {
        "reporter": [
            "/desk/reports",
            "/desk/reports/new",
            f"/desk/reports/{published_article}",
            "/desk/search?q=Putin",
            "/desk/glossary",
            "/notifications",
            "/account",
        ],
        "adaptor": [
            "/desk/queue",
            "/desk/mine",
            f"/desk/adaptations/{in_review}",
            "/desk/memory?q=Putin&from=ar&to=en",
            "/desk/glossary?from=ar&to=en",
        ],
        "editor": [
            "/desk/review",
            f"/desk/review/{in_review}",
            f"/desk/adaptations/{published}",
            "/desk/dashboard",
            "/desk/reports/credits",
            "/desk/search?q=Putin&state=published",
        ],
        "admin": [
            "/admin/users",
            FOLLOW + "/admin/users/",
            "/admin/audit",
            "/admin/models",
            "/admin/webhooks",
            "/account",
        ],
        "": [
            "/login",
            "/news",
            story_path,
            people_page.removeprefix(stack.base_url),
            "/api/docs",
            "/desk/nothing",
        ],
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_page_has_a_serious_or_critical_accessibility_violation(pages: Pages, desk, language):
    problems = []
    for who, urls in desk.items():
        page = pages.new_page(language=language, bypass_csp=True)  # axe is injected as a script of the page
        if who:
            pages.login(page, who)
        for entry in urls:
            if entry.startswith(FOLLOW):
                prefix = entry.removeprefix(FOLLOW)
                links = page.eval_on_selector_all(
                    "main a[href]", "(links) => links.map((a) => a.getAttribute('href'))"
                )
                targets = sorted({link for link in links if re.fullmatch(rf"{re.escape(prefix)}\d+", link)})[
                    :2
                ]
                assert targets, f"no link to {prefix}… on {page.url}"
            else:
                targets = [entry]
            for url in targets:
                page.goto(url)
                if who:  # the desk speaks the person's language; the public site its story's
                    assert page.evaluate("() => [document.documentElement.lang, document.dir]") == [
                        language,
                        "rtl" if language == "ar" else "ltr",
                    ], url
                problems += [f"{language} {who or 'visitor'} {url}: {v}" for v in axe_violations(page)]
        page.context.close()
    pages.errors.clear()
    assert not problems, f"{len(problems)} serious or critical violation(s):\n  " + "\n  ".join(problems)


def test_the_check_finds_a_serious_violation(pages: Pages):
    """axe-core runs and reports what it should: an image without alt text and an unnamed field."""
    page = pages.new_page(bypass_csp=True)
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input name="x"></main></body></html>'
    )
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "label" in found
    page.context.close()
