"""Platform connections in a real Chromium: an admin creates a live-room connection, copies its secret (shown
once), presses "Send test payload", sees the last message received, and the test comment reaches the host's
chat. Screenshots go to docs/screenshots/connections.png (1440×900) and connections-390.png (a phone)."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.support.axe import blocking_violations

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _live_broadcast(base: str, token: str) -> int:
    """Return the id of a live broadcast made through the API."""
    headers = {"Authorization": f"Bearer {token}"}
    created = requests.post(base + "/api/v1/broadcasts", json={"title": "Room connector show", "platform": "douyin"},
                            headers=headers, timeout=10)
    broadcast_id = created.json()["id"]
    assert requests.post(base + f"/api/v1/broadcasts/{broadcast_id}/start", json={}, headers=headers,
                         timeout=10).status_code == 200
    return broadcast_id


@pytest.mark.slow
def test_an_admin_connects_a_live_room_and_a_test_payload_reaches_the_hosts_chat(live_server, page):
    server, token = live_server
    broadcast_id = _live_broadcast(server.url, token)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, server.url, "admin")
    with page.expect_navigation():  # the click only starts loading the page
        page.click("nav >> text=Connections")
    expect(page.locator("#no-connections")).to_be_visible()
    page.fill("#connection-name", "tt-room")
    page.select_option("#connection-platform", "tiktok_live")
    page.select_option("#connection-broadcast", str(broadcast_id))
    page.click("#create-connection")
    secret = page.text_content("#shown-value").strip()
    assert secret.startswith("lds_")
    assert "/api/v1/adapters/tiktok_live/tt-room" in page.text_content("#shown-endpoint")

    with page.expect_navigation():
        page.click("#open-new-connection")
    assert secret not in page.content()  # shown once: the connection's page (all of it, loaded) has only its fingerprint
    page.click("#send-test")
    page.wait_for_selector("#test-result")
    assert "answered 200" in page.text_content("#test-result")
    assert "1 event(s) landed" in page.text_content("#test-result")
    assert page.text_content("#inbox-done").strip() == "1"
    expect(page.locator("#last-message")).not_to_contain_text("UTC")  # shown in the viewer's zone (localtime.js)
    assert blocking_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "connections.png"))

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert blocking_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "connections-390.png"), full_page=True)

    page.set_viewport_size({"width": 1440, "height": 900})
    page.click("#open-broadcast")
    page.wait_for_selector("#chat li")
    assert "LiveDesk test comment" in page.inner_text("#chat")
    assert page.errors == []


@pytest.mark.slow
def test_the_connection_pages_read_in_chinese_on_a_phone(live_server, browser):
    from tests.browser.test_narrow_chinese_pages import english_left

    server, token = live_server
    _live_broadcast(server.url, token)
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    log_in(phone, server.url, "admin")
    phone.goto(server.url + "/connections")
    phone.fill("#connection-name", "bili-room")
    phone.select_option("#connection-platform", "bilibili")
    phone.click("#create-connection")
    assert "只显示这一次" in phone.inner_text("#shown-once")
    data = ("bili-room", "Room connector show", "LiveDesk", "POST", "http", "api", "adapters", "bilibili", "lds_",
            "Asia", "Shanghai", "App", "Key", "Secret", "TikTok", "Shop", "LIVE", "ID", "IANA", "UTC", "live")
    shown = phone.inner_text("main").replace(phone.text_content("#shown-value"), " ")
    assert english_left(shown, data) == [], english_left(shown, data)
    phone.click("#open-new-connection")
    phone.click("#send-test")
    phone.wait_for_selector("#test-result")
    assert "接收地址返回 200" in phone.inner_text("#test-result")
    assert blocking_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
