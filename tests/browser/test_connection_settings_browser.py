"""Shop connections on a phone (390×844, probe 3 of session 14): an admin gives a 抖店 shop its access token on
the page, when making it or afterwards, and sees it ready; the endpoint's Copy button copies the URL alone; a
name of the longest allowed kind wraps instead of widening the page."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.support.axe import blocking_violations

pytestmark = pytest.mark.browser

TOKEN = "dy-token-7f3a9c1e5b"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
# Keep what a Copy button writes (the clipboard itself needs a permission a test browser may not grant).
CLIPBOARD = """Object.defineProperty(navigator, "clipboard", {configurable: true, value: {
  writeText: function (text) { window.__copied = text; return Promise.resolve(); }}});"""


def _broadcast(base: str, token: str) -> int:
    """Return the id of a broadcast made through the API."""
    created = requests.post(base + "/api/v1/broadcasts", json={"title": "Shop show", "platform": "douyin"},
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def _new_shop(page, base: str, broadcast_id: int, name: str, token: str | None) -> None:
    """Fill the create form for a 抖店 shop (its token when given), create it and open its page."""
    page.goto(base + "/connections")
    expect(page.locator("#connection-access-token")).to_be_hidden()  # a live room is chosen first
    page.select_option("#connection-platform", "douyin")
    expect(page.locator("#connection-access-token")).to_be_visible()
    expect(page.locator("#connection-sign-secret")).to_be_hidden()  # 快手's, not 抖店's
    page.fill("#connection-name", name)
    page.select_option("#connection-broadcast", str(broadcast_id))
    page.fill("input[name=shop_id]", "123456")
    page.fill("input[name=app_key]", "7000000000000000001")
    page.fill("#connection-app-secret", "fake-app-secret-abc")
    if token:
        page.fill("#connection-access-token", token)
    page.click("#create-connection")
    with page.expect_navigation():
        page.click("#open-new-connection")


@pytest.mark.slow
def test_an_admin_gives_a_shop_its_access_token_on_a_phone_and_sees_it_ready(live_server, page):
    server, api_token = live_server
    broadcast_id = _broadcast(server.url, api_token)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, server.url, "admin")

    _new_shop(page, server.url, broadcast_id, "dy-ready", TOKEN)
    expect(page.locator("#ready-badge")).to_have_text("Ready")
    expect(page.locator("#readiness")).to_have_count(0)
    expect(page.locator("#setting-access-token-stored")).to_contain_text("fingerprint")
    assert TOKEN not in page.content()

    _new_shop(page, server.url, broadcast_id, "dy-later", None)
    expect(page.locator("#ready-badge")).to_have_text("Not ready")
    expect(page.locator("#readiness")).to_contain_text("It lacks: Access token.")
    page.click("#send-test")
    expect(page.locator("#test-not-ready")).to_contain_text("cannot be processed")
    page.wait_for_function(FITS, timeout=5000)  # the page as laid out once loaded (CI once read it mid-load)
    assert blocking_violations(page) == []
    page.fill("#setting-access-token", TOKEN)
    with page.expect_navigation():
        page.click("#save-settings")
    expect(page.locator("#ready-badge")).to_have_text("Ready")
    expect(page.locator("#readiness")).to_have_count(0)
    assert TOKEN not in page.content() and page.evaluate(FITS)
    page.goto(server.url + "/connections")
    expect(page.locator(".not-ready")).to_have_count(0)
    assert page.errors == []


@pytest.mark.slow
def test_a_long_name_wraps_and_copy_takes_the_endpoint_url_alone_on_a_phone(live_server, page):
    server, api_token = live_server
    broadcast_id = _broadcast(server.url, api_token)
    page.context.add_init_script(CLIPBOARD)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, server.url, "admin")
    name = "c" * 48  # the longest name allowed, without a place to break
    page.goto(server.url + "/connections")
    page.fill("#connection-name", name)
    page.select_option("#connection-platform", "bilibili")
    page.select_option("#connection-broadcast", str(broadcast_id))
    page.click("#create-connection")
    page.click("#shown-once button[data-copy=shown-endpoint]")
    page.wait_for_function("() => window.__copied !== undefined")
    assert page.evaluate("window.__copied") == f"{server.url}/api/v1/adapters/bilibili/{name}"

    with page.expect_navigation():
        page.click("#open-new-connection")
    heading = page.locator("h1")
    expect(heading).to_have_text(name)
    assert heading.bounding_box()["width"] <= 390
    assert page.evaluate(FITS), page.evaluate("document.documentElement.scrollWidth")
    page.evaluate("window.__copied = undefined")
    page.click("button[data-copy=endpoint]")
    page.wait_for_function("() => window.__copied !== undefined")
    assert page.evaluate("window.__copied") == f"{server.url}/api/v1/adapters/bilibili/{name}"
    expect(page.locator("button[data-copy=endpoint]")).to_have_text("Copied")
    assert page.errors == []
