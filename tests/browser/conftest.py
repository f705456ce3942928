"""Real-browser journeys: Debian's Chromium, driven by Playwright, against a live Adaptdesk.

One live stack per module (a web process and a real Celery worker on Redis db 12 and a fresh PostgreSQL
database, or SQLite with ADAPTDESK_TEST_DB=sqlite, with a tiny offline Argos model) and one browser. Every
page a journey visits goes through `Pages.check()`: no console errors, every form field named, landmarks,
lang/dir on people's text, text colour contrast (WCAG 2.x AA), and a screenshot in
tests/artifacts/screenshots/NN-name.png.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
import redis
from celery import Celery
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Error, Locator, Page, sync_playwright

from tests.conftest import database_kind
from tests.support.live import LiveStack, free_port, install_test_model, new_database, stack_env

#: Redis database the browser tests use; flushed before and after the stack, never the shared default 0.
BROWSER_REDIS_DB = int(os.environ.get("ADAPTDESK_TEST_BROWSER_REDIS_DB", "12"))
REDIS_BASE = os.environ.get("ADAPTDESK_TEST_REDIS", "redis://127.0.0.1:6379")
CHROMIUM = os.environ.get("ADAPTDESK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
#: The README's screenshots: the journeys write them here on every run, so they show the code as it stands.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "live-test-password"
#: A laptop screen: the editor's segment grid across the page, the adaptation and the original under it
#: (the adaptation moves beside the grid from 110rem).
DESK_VIEWPORT = {"width": 1366, "height": 900}
PHONE_VIEWPORT = {"width": 375, "height": 740}
#: Screenshots show the top of long pages only (a full editor page is over 15,000 px tall).
SCREENSHOT_MAX_HEIGHT = 2400

#: The browser locale a person's browser asks for, by the desk's interface language.
BROWSER_LOCALES = {"en": "en-GB", "ar": "ar-LB"}

#: Form controls that must have an accessible name (hidden inputs are not controls).
FIELDS = "input:not([type=hidden]), select, textarea, button, progress"


@pytest.fixture(scope="session")
def argos_dir(tmp_path_factory):
    """An Argos packages folder holding a tiny offline-built Arabic → English model."""
    root = tmp_path_factory.mktemp("argos")
    install_test_model(tmp_path_factory.mktemp("models"), root, "ar", "en")
    return root


#: The people of every journey: username → (display name, role).
PEOPLE = {
    "reporter": ("Ahmad Abdallah", "reporter"),
    "adaptor": ("Nadine Sassine", "adaptor"),
    "editor": ("Rima Haddad", "editor"),
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory, argos_dir) -> Iterator[LiveStack]:
    """Web + one worker on Redis and PostgreSQL (SQLite with ADAPTDESK_TEST_DB=sqlite); the people of PEOPLE,
    each with password PASSWORD."""
    broker = f"{REDIS_BASE}/{BROWSER_REDIS_DB}"
    client = redis.Redis.from_url(broker)
    client.flushdb()
    data_dir = tmp_path_factory.mktemp("browser-live")
    database_url, drop = new_database(database_kind(), data_dir)
    live = LiveStack(stack_env(data_dir, database_url, broker, argos_dir), data_dir, free_port())
    try:
        live.start_web()  # migrates the database
        # The worker starts while the people are created (each `adaptdesk` command takes seconds).
        with ThreadPoolExecutor(len(PEOPLE) + 1) as pool:
            worker = pool.submit(live.start_worker)
            people = {
                username: pool.submit(live.user, username, name, role)
                for username, (name, role) in PEOPLE.items()
            }
            worker.result()
            live.people = {username: future.result() for username, future in people.items()}
        yield live
    finally:
        # Nothing is running by now: a cold shutdown (SIGQUIT) spares the warm one's seconds of waiting.
        live.stop("worker", signal.SIGQUIT)
        live.stop_all()
        client.flushdb()
        client.close()
        drop()


@contextmanager
def drafts_paused(stack: LiveStack) -> Iterator[None]:
    """The worker stops taking machine-draft jobs (they wait in Redis) until the block ends, so a page can
    be watched from "waiting for a translator" to "ready" whatever the machine's speed."""
    control = Celery("adaptdesk-browser-control", broker=stack.env["CELERY_BROKER_URL"]).control
    try:
        paused = control.cancel_consumer("adaptdesk", reply=True, limit=1, timeout=10)
        assert paused, "the worker did not answer cancel_consumer"
        try:
            yield
        finally:
            resumed = control.add_consumer("adaptdesk", reply=True, limit=1, timeout=10)
            assert resumed, "the worker did not answer add_consumer"
    finally:
        control.app.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
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
    #: Defects found on the pages since the last `assert_clean()`.
    problems: list[str] = field(default_factory=list)
    #: Screenshot name → how many text elements the contrast check skipped (background image or gradient).
    contrast_skipped: dict[str, int] = field(default_factory=dict)
    shot: int = 0

    def new_page(self, viewport: dict | None = None, *, language: str = "en", **options) -> Page:
        """A page in a fresh context (its own cookies): one person at one desk, whose browser asks for
        `language` ("en", "ar": the desk's interface language until they choose another). `options` go to
        the context (a phone's scale and touch, permissions)."""
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport or DESK_VIEWPORT,
            locale=BROWSER_LOCALES[language],
            timezone_id="UTC",
            **options,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        errors = self.errors.setdefault(id(page), [])

        def on_console(message: ConsoleMessage) -> None:
            if message.type != "error":
                return
            status = re.search(r"status of (\d{3})", message.text)
            if status and int(status.group(1)) in self.expected_statuses:
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
        # By the fields' names: the labels are in the page's language.
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/(desk|admin)/"))

    def check(
        self,
        page: Page,
        name: str,
        *,
        nav: bool = True,
        focus: Locator | None = None,
        readme: str | None = None,
    ) -> Path:
        """Check the page in front of `page` and save its screenshot as NN-name.png (the top of the page, or
        the screen around `focus`); with `readme`, also as that file of the README's screenshots.

        What is wrong is collected, not raised, so one page's defect does not stop the journey (and hide
        the next pages' defects); each journey ends with `assert_clean()`.
        """
        page.wait_for_load_state("load")
        found = [f"unnamed form field: {f}" for f in unnamed_fields(page)]
        found += landmark_problems(page, nav=nav)
        found += [f"people's text without its own lang/dir: {t}" for t in unmarked_text(page)]
        found += [f"Arabic text not laid out right to left: {t}" for t in arabic_not_rtl(page)]
        found += overflow_problems(page)
        contrast = contrast_problems(page)
        found += [f"low text contrast: {o}" for o in contrast.offenders]
        found += self._take_errors(page)
        self.shot += 1
        path = self.folder / f"{self.shot:02d}-{name}.png"
        if contrast.skipped:
            self.contrast_skipped[path.stem] = contrast.skipped
        if focus is not None:
            focus.scroll_into_view_if_needed()
            page.screenshot(path=str(path))
        else:
            width, height = page.evaluate("() => [innerWidth, document.scrollingElement.scrollHeight]")
            top = {"x": 0, "y": 0, "width": width, "height": min(height, SCREENSHOT_MAX_HEIGHT)}
            page.screenshot(path=str(path), full_page=True, clip=top)
        self.problems += [f"{path.stem} ({page.url}): {problem}" for problem in found]
        if readme:
            shutil.copyfile(path, DOCS_SCREENSHOTS / readme)
        return path

    def expect(self, ok: bool, where: str, problem: str) -> None:
        """Record a defect that should not stop the journey."""
        if not ok:
            self.problems.append(f"{where}: {problem}")

    def assert_clean(self) -> None:
        """Fail with every defect recorded so far (console errors of pages not checked yet included)."""
        leftover = [f"console of an unchecked page: {e}" for errors in self.errors.values() for e in errors]
        for errors in self.errors.values():
            errors.clear()
        problems, self.problems = self.problems + leftover, []
        assert not problems, f"{len(problems)} defect(s) on the pages:\n  " + "\n  ".join(problems)

    def _take_errors(self, page: Page) -> list[str]:
        errors = self.errors.get(id(page), [])
        taken = list(errors)
        errors.clear()
        return taken

    def close(self) -> None:
        for context in self.contexts:
            with suppress(Error):
                context.close()


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
            query = {"nodeId": node_id, "fetchRelatives": False}
            nodes = cdp.send("Accessibility.getPartialAXTree", query)["nodes"]
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


#: Elements showing any of `needles` (people's text) must carry lang and dir themselves or on an ancestor.
#: On desk pages that ancestor must be below <html>, whose lang/dir describe the interface; on the public
#: site <html> carries the story's own language, so it counts.
_UNMARKED_JS = """
(needles) => {
  const root = document.documentElement;
  const desk = !document.body.classList.contains('public');
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className ? '.' + el.className : '');
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, textarea')) continue;
    if (!needles.some((n) => node.nodeValue.includes(n))) continue;
    const langEl = el.closest('[lang]');
    const dirEl = el.closest('[dir]');
    if (!langEl || !dirEl || (desk && (langEl === root || dirEl === root))) {
      found.push(name(el) + ': ' + node.nodeValue.trim().slice(0, 60));
    }
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), textarea')) {
    if (!needles.some((n) => (el.value || '').includes(n))) continue;
    if (!el.hasAttribute('lang') || !el.hasAttribute('dir')) found.push(name(el));
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


def overflow_problems(page: Page) -> list[str]:
    """A page that scrolls sideways, or a box (panel, card, notice, story) whose content sticks out of it."""
    return page.evaluate("""
() => {
  const found = [];
  const page = document.scrollingElement;
  if (page.scrollWidth > innerWidth) {
    found.push(`page scrolls sideways: ${page.scrollWidth} px in ${innerWidth} px`);
  }
  for (const el of document.querySelectorAll('.panel, .card, .notice, .story, .teaser, .decision')) {
    if (el.scrollWidth > el.clientWidth + 1) {
      const name = el.tagName.toLowerCase() + '.' + [...el.classList].join('.');
      found.push(`${name} overflows: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
    }
  }
  return found;
}
""")


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
    if (getComputedStyle(el).direction !== 'rtl') {
      found.push(el.tagName.toLowerCase() + ': ' + node.nodeValue.trim().slice(0, 40));
    }
  }
  return found;
}
""")


#: WCAG 2.x AA (1.4.3): 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px = 14 pt at weight 700+).
#: For every visible element with text of its own (and every filled text field), the text colour is
#: composited over its effective background: the element's and its ancestors' background colours, stacked
#: until an opaque one (or white, the canvas, when none is), each faded by the opacity it sits under.
#: Elements with a background image or gradient anywhere in that stack cannot be judged and are counted.
#: Not judged, as WCAG exempts them: hidden and screen-reader-only text, text outside the page (skip links
#: before they are focused) and disabled controls.
_CONTRAST_JS = r"""
() => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const parsed = new Map();
  const rgba = (css) => {  // any CSS colour → [r, g, b, a] (0–255, alpha 0–1)
    if (parsed.has(css)) return parsed.get(css);
    let out;
    const m = css.match(/^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/);
    if (m) {
      const a = m[4] === undefined ? 1 : (m[5] ? Number(m[4]) / 100 : Number(m[4]));
      out = [Number(m[1]), Number(m[2]), Number(m[3]), a];
    } else {  // oklch(), color(), color-mix() …: let the canvas convert it to sRGB
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      out = [d[0], d[1], d[2], d[3] / 255];
    }
    parsed.set(css, out);
    return out;
  };
  const over = (top, under) => {  // `top` (with its alpha) composited over the opaque `under`
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const show = (c) => (c[3] < 1 ? `${hex(c)}@${Math.round(c[3] * 100) / 100}` : hex(c));
  const name = (el) => {
    const classes = [...el.classList].map((c) => '.' + CSS.escape(c)).join('');
    return el.tagName.toLowerCase() + (el.id ? '#' + CSS.escape(el.id) : '') + classes;
  };
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      parts.unshift(name(e));
      if (e.id) break;
    }
    return parts.join(' > ');
  };
  const opacity = (el) => {  // the opacity `el` is painted with (its own times its ancestors')
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const hiddenForAll = (el, style, rect) => {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return true;
    if (rect.width <= 1 || rect.height <= 1) return true;
    if (rect.right + scrollX <= 0 || rect.bottom + scrollY <= 0) return true;  // parked off the page
    for (let e = el; e; e = e.parentElement) {  // screen-reader-only clipping
      const s = e === el ? style : getComputedStyle(e);
      if (s.clipPath === 'inset(50%)' || /^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$/.test(s.clip)) return true;
    }
    return false;
  };
  const TEXT_INPUTS = 'input:is(:not([type]), [type=text], [type=search], [type=email], [type=url], '
    + '[type=tel], [type=number], [type=password], [type=date], [type=datetime-local], [type=time])';
  const offenders = [];
  let skipped = 0;
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('script, style, template, noscript, option, optgroup, svg')) continue;
    let text = '';
    if (el.matches(TEXT_INPUTS)) {
      text = el.value.trim();
    } else {
      for (const node of el.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) text += node.nodeValue;
      }
      text = text.replace(/\s+/g, ' ').trim();
    }
    if (!text) continue;
    if (el.closest(':disabled')) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (hiddenForAll(el, style, rect)) continue;
    // The background layers from the element up, until an opaque one.
    const layers = [];
    let image = false;
    for (let e = el; e; e = e.parentElement) {
      const s = e === el ? style : getComputedStyle(e);
      if (s.backgroundImage !== 'none') { image = true; break; }
      const bg = rgba(s.backgroundColor);
      if (bg[3] === 0) continue;
      const faded = [bg[0], bg[1], bg[2], bg[3] * opacity(e)];
      layers.push(faded);
      if (faded[3] >= 1) break;
    }
    if (image) { skipped += 1; continue; }
    let background = [255, 255, 255, 1];
    for (const layer of layers.reverse()) background = over(layer, background);
    const fg = rgba(style.color);
    const shown = [fg[0], fg[1], fg[2], fg[3] * opacity(el)];
    const foreground = over(shown, background);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const r = ratio(foreground, background);
    if (r < needed) {
      offenders.push({
        path: path(el), text: text.slice(0, 40), color: show(shown), background: hex(background),
        ratio: Math.floor(r * 100) / 100, needed, large,
      });
    }
  }
  return { offenders, skipped };
}
"""


class Contrast(NamedTuple):
    """What the contrast check found on one page."""

    #: "path "text": #fg on #bg = 2.8:1 (needs 4.5:1)", one per element.
    offenders: list[str]
    #: Text elements over a background image or gradient, whose contrast cannot be computed.
    skipped: int


def contrast_problems(page: Page) -> Contrast:
    """Visible text whose colour does not stand out enough from its background (WCAG 2.x AA, 1.4.3)."""
    found = page.evaluate(_CONTRAST_JS)
    offenders = [
        f'{o["path"]} "{o["text"]}": {o["color"]} on {o["background"]} = {o["ratio"]}:1 '
        f"(needs {o['needed']}:1{' for large text' if o['large'] else ''})"
        for o in found["offenders"]
    ]
    return Contrast(offenders, found["skipped"])
