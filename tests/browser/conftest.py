"""Real-browser journeys: Debian's Chromium, driven by Playwright, against a live Adaptdesk.

One live stack per module (a web process and a real Celery worker on Redis db 12 and a fresh PostgreSQL
database, with a tiny offline Argos model) and one browser. Every page a journey visits goes through
`Pages.check()`: no console errors, every form field named, landmarks, lang/dir on people's text, and a
screenshot in tests/artifacts/screenshots/NN-name.png.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Page, sync_playwright

from tests.support.live import LiveStack, free_port, install_test_model, new_database, stack_env

#: Redis database the browser tests use; flushed before and after the stack, never the shared default 0.
BROWSER_REDIS_DB = int(os.environ.get("ADAPTDESK_TEST_BROWSER_REDIS_DB", "12"))
REDIS_BASE = os.environ.get("ADAPTDESK_TEST_REDIS", "redis://127.0.0.1:6379")
CHROMIUM = os.environ.get("ADAPTDESK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-quic", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
PASSWORD = "live-test-password"
#: Wide enough for the editor's three columns (the workspace stacks below 75rem).
DESK_VIEWPORT = {"width": 1366, "height": 900}
PHONE_VIEWPORT = {"width": 375, "height": 740}

#: Form controls that must have an accessible name (hidden inputs are not controls).
FIELDS = "input:not([type=hidden]), select, textarea, button, progress"


@pytest.fixture(scope="session")
def argos_dir(tmp_path_factory):
    """An Argos packages folder holding a tiny offline-built Arabic → English model."""
    root = tmp_path_factory.mktemp("argos")
    install_test_model(tmp_path_factory.mktemp("models"), root, "ar", "en")
    return root


@pytest.fixture(scope="module")
def stack(tmp_path_factory, argos_dir) -> Iterator[LiveStack]:
    """Web + one worker on Redis and PostgreSQL; people: reporter, adaptor, editor (password PASSWORD).

    The worker translates two sentences per batch, so a long original's draft fills its progress bar in
    visible steps.
    """
    broker = f"{REDIS_BASE}/{BROWSER_REDIS_DB}"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    data_dir = tmp_path_factory.mktemp("browser-live")
    database_url, drop = new_database("postgresql", data_dir)
    env = stack_env(data_dir, database_url, broker, argos_dir)
    env.update({"ADAPTDESK_MT_MAX_BATCH": "2", "ADAPTDESK_MT_BEAM_SIZE": "4"})
    live = LiveStack(env, data_dir, free_port())
    try:
        live.start_web()
        live.start_worker()
        live.people = {
            "reporter": live.user("reporter", "Ahmad Abdallah", "reporter"),
            "adaptor": live.user("adaptor", "Nadine Sassine", "adaptor"),
            "editor": live.user("editor", "Rima Haddad", "editor"),
        }
        yield live
    finally:
        live.stop_all()
        client.flushdb()
        client.close()
        drop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    """An empty screenshot folder for this run."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@dataclass
class Pages:
    """Opens pages that record their console errors, and checks every page a journey visits."""

    browser: Browser
    base_url: str
    folder: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)
    #: Responses a step provokes on purpose (e.g. 409 for a stale save): status codes not to report.
    expected_statuses: set[int] = field(default_factory=set)
    shot: int = 0

    def new_page(self, viewport: dict | None = None) -> Page:
        """A page in a fresh context (its own cookies): one person at one desk."""
        context = self.browser.new_context(base_url=self.base_url, viewport=viewport or DESK_VIEWPORT,
                                           locale="en-GB", timezone_id="UTC")
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        errors = self.errors.setdefault(id(page), [])

        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            status = re.search(r"status of (\d{3})", message.text)
            if "favicon" in message.text or "favicon" in message.location.get("url", "") or status and int(status.group(1)) in self.expected_statuses:
                return
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
        # Confirmations (release, reject) and leave-with-unsaved-text prompts are answered "yes".
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    def login(self, page: Page, username: str) -> None:
        """Log in through the form at /login, as a person would."""
        page.goto("/login")
        self.check(page, f"login-{username}", nav=False)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/desk/"))

    def check(self, page: Page, name: str, *, nav: bool = True, full_page: bool = True) -> Path:
        """Check the page in front of `page` and save its screenshot as NN-name.png."""
        page.wait_for_load_state("load")
        problems = []
        problems += [f"unnamed form field: {f}" for f in unnamed_fields(page)]
        problems += landmark_problems(page, nav=nav)
        problems += [f"people's text without its own lang/dir: {t}" for t in unmarked_text(page)]
        problems += [f"Arabic text not laid out right to left: {t}" for t in arabic_not_rtl(page)]
        problems += self.errors.get(id(page), [])
        self.shot += 1
        path = self.folder / f"{self.shot:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        assert not problems, f"{name} ({page.url}):\n  " + "\n  ".join(problems)
        return path

    def close(self) -> None:
        for context in self.contexts:
            try:
                context.close()
            except Error:
                pass


@pytest.fixture(scope="module")
def pages(browser, stack, screenshots) -> Iterator[Pages]:
    """The page factory and checker of this module's journeys."""
    helper = Pages(browser, stack.base_url, screenshots)
    try:
        yield helper
    finally:
        helper.close()


# ------------------------------------------------------------------------------------------- checks


def unnamed_fields(page: Page) -> list[str]:
    """Visible form controls whose accessible name, as Chromium computes it, is empty."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": FIELDS})["nodeIds"]
        missing = []
        for node_id in node_ids:
            nodes = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": False})["nodes"]
            node = nodes[0] if nodes else {}
            if node.get("ignored"):
                continue
            if not str(node.get("name", {}).get("value", "")).strip():
                html = cdp.send("DOM.getOuterHTML", {"nodeId": node_id})["outerHTML"]
                missing.append(html[:160])
        return missing
    finally:
        cdp.detach()


def landmark_problems(page: Page, *, nav: bool) -> list[str]:
    """A banner, one main and (where the page has somewhere to go) a navigation landmark."""
    problems = []
    if page.get_by_role("banner").count() < 1:
        problems.append("no banner landmark (<header> outside article/section)")
    if page.get_by_role("main").count() != 1:
        problems.append(f"{page.get_by_role('main').count()} main landmarks, expected 1")
    if nav and page.get_by_role("navigation").count() < 1:
        problems.append("no navigation landmark")
    return problems


#: People's text on the desk pages and where it may appear; each must carry lang and dir itself or on an
#: ancestor below <html> (whose lang/dir describe the interface, not what people typed).
_UNMARKED_JS = """
(needles) => {
  const root = document.documentElement;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue;
    const el = node.parentElement;
    if (!el || el.closest('script, style, title, template')) continue;
    if (!needles.some((n) => text.includes(n))) continue;
    const langEl = el.closest('[lang]');
    const dirEl = el.closest('[dir]');
    const rootOnly = root.lang === 'en' && !document.body.classList.contains('public');
    if (!langEl || !dirEl || (rootOnly && (langEl === root || dirEl === root))) {
      found.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ': ' + text.trim().slice(0, 60));
    }
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), textarea')) {
    if (!needles.some((n) => (el.value || '').includes(n))) continue;
    if (!el.hasAttribute('lang') || !el.hasAttribute('dir')) found.push(el.tagName.toLowerCase() + '#' + el.id);
  }
  return found;
}
"""

#: Text people typed in this run; `remember()` adds to it as journeys type more.
PEOPLE_TEXT: list[str] = ["Ahmad Abdallah", "Nadine Sassine", "Rima Haddad"]


def remember(*texts: str) -> None:
    """Add fragments of text people typed, so every later page checks their lang/dir markup."""
    PEOPLE_TEXT.extend(t for t in texts if t and t not in PEOPLE_TEXT)


def unmarked_text(page: Page) -> list[str]:
    """Elements showing people's text whose language and direction only the page's root declares."""
    return page.evaluate(_UNMARKED_JS, PEOPLE_TEXT)


def arabic_not_rtl(page: Page) -> list[str]:
    """Elements whose text starts in Arabic script but are not laid out right to left."""
    return page.evaluate("""
() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, option, .visually-hidden')) continue;
    const first = (node.nodeValue.match(/[A-Za-z\\u00C0-\\u024F\\u0590-\\u08FF]/) || [''])[0];
    if (!/[\\u0600-\\u06FF]/.test(first)) continue;
    const style = getComputedStyle(el);
    if (style.direction !== 'rtl') found.push(el.tagName.toLowerCase() + ': ' + node.nodeValue.trim().slice(0, 40));
  }
  return found;
}
""")
