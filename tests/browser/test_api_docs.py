"""/api/docs: Swagger UI from the vendored copy renders every operation in Chromium under the app's own CSP."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.web import CSP

pytestmark = pytest.mark.browser

BASE = "http://adaptdesk.test"


def test_the_api_page_renders_the_document_within_the_csp(browser, client):
    """Chromium fetches everything through the app (each request answered by the test client, headers and
    all), so the page, its scripts and the OpenAPI document arrive as the app serves them."""

    def through_the_app(route):
        path = route.request.url.removeprefix(BASE)
        with client.get(path) as response:
            route.fulfill(
                status=response.status_code, headers=dict(response.headers), body=response.get_data()
            )

    context = browser.new_context(base_url=BASE)
    try:
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.route(f"{BASE}/**", through_the_app)
        response = page.goto("/api/docs")
        assert response.status == 200 and response.headers["content-security-policy"] == CSP
        page.locator(".opblock").first.wait_for(timeout=20_000)
        summaries = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/v1/published/{adaptation_id}/ninjs" in [s.replace("\u200b", "") for s in summaries]
        assert not [p for p in problems if "Content Security Policy" in p], problems
    finally:
        context.close()


def test_the_page_uses_no_inline_script(client):
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Content-Security-Policy"] == CSP
    assert html.count("<script") == html.count("<script src=") == 2
    static = Path(client.application.static_folder)
    for asset in (
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "js/api-docs.js",
    ):
        assert f"/static/{asset}" in html and (static / asset).is_file()
    assert "Apache License" in (static / "vendor/swagger-ui/LICENSE").read_text()
