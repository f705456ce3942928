"""The active-editing timer of desk.js in Chromium, on the real editor page served in-process.

No live stack: the browser's requests are answered by the Flask test client (through `page.route`), and
Playwright's clock drives time, so a minute of editing takes no minute of the test.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from tests.support.factories import drive, limits, login, make_article, make_user
from workflow.domain.states import Role, State
from workflow.extensions import db
from workflow.models import EditingTime
from workflow.services.adaptations import save_adaptation

ORIGIN = "http://adaptdesk.test"
PLAIN_BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."


def _serve(page, client, posts: list[dict]) -> None:
    """Answer every request of the page with the Flask test client (its cookies are the login)."""

    def handle(route, request):
        parts = urlsplit(request.url)
        if parts.netloc != "adaptdesk.test":
            route.abort()
            return
        body = request.post_data_buffer if request.method == "POST" else None
        if body is not None:
            posts.append({k: v[0] for k, v in parse_qs(body.decode()).items()})
        # A redirect answered through a route is not routed again: the test client follows it instead.
        response = client.open(
            parts.path + (f"?{parts.query}" if parts.query else ""),
            method=request.method,
            data=body,
            headers={"Content-Type": request.headers.get("content-type", "")},
            follow_redirects=True,
        )
        with response:
            route.fulfill(
                status=response.status_code,
                body=response.get_data(),
                headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
            )

    page.route("**/*", handle)


def _seconds(page) -> int:
    return int(page.locator("input[name=active_seconds]").input_value())


def test_the_timer_counts_only_active_visible_time_and_travels_with_the_save(app, session, browser):
    adaptor = make_user(Role.ADAPTOR)
    adaptation = drive(make_article(body=PLAIN_BODY).adaptations[0], State.IN_ADAPTATION, adaptor=adaptor)
    client = app.test_client()
    login(client, adaptor)
    context = browser.new_context(base_url=ORIGIN)
    # The manual saves carry the seconds here; autosave (editor.js) would send them sooner.
    context.add_init_script("localStorage.setItem('adaptdesk.autosave', 'off')")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    posts: list[dict] = []
    try:
        _serve(page, client, posts)
        page.clock.install()
        page.goto(f"/desk/adaptations/{adaptation.id}")
        assert _seconds(page) == 0

        page.clock.run_for(5_000)  # nobody touched anything: nothing counts
        assert _seconds(page) == 0

        page.locator("#body").click()
        page.keyboard.type(" More.")
        page.clock.run_for(10_000)
        typed = _seconds(page)
        assert 9 <= typed <= 11, typed

        page.clock.run_for(120_000)  # idle: counting stops a minute after the last keystroke
        idle = _seconds(page)
        assert 59 <= idle <= 61, (typed, idle)

        page.keyboard.type(" Again.")
        page.evaluate(
            "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true})"
        )
        page.clock.run_for(20_000)  # another tab is in front: nothing counts
        assert _seconds(page) == idle
        page.evaluate(
            "Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true})"
        )

        # Someone else saves first: the refused save hands the seconds back and the timer goes on from them.
        save_adaptation(
            db.session,
            make_user(Role.EDITOR),
            adaptation,
            title="Editor's",
            body="Editor's text.",
            version=adaptation.version,
            limits=limits(),
        )
        db.session.commit()
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        assert posts[-1]["active_seconds"] == str(idle)
        assert "Someone saved this adaptation" in page.get_by_role("alert").inner_text()
        assert _seconds(page) == idle
        page.locator("#body").click()
        page.keyboard.type(" Merged.")
        page.clock.run_for(5_000)
        kept = _seconds(page)
        assert idle + 4 <= kept <= idle + 6, (idle, kept)

        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        assert posts[-1]["active_seconds"] == str(kept)
        assert "Saved" in page.locator(".flash").inner_text()
        assert _seconds(page) == 0  # the page after a save counts afresh
        assert not [e for e in errors if "409" not in e], errors
    finally:
        context.close()
    rows = db.session.scalars(
        select(EditingTime.seconds).where(EditingTime.adaptation_id == adaptation.id)
    ).all()
    assert rows == [kept]
