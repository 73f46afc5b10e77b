"""A host logs in, opens the live page and watches an order arrive (real server, real Chromium)."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.support.api import order_event

pytestmark = pytest.mark.browser


class RemoteApi:
    """The v1 API of a running server, with a bearer token."""

    def __init__(self, base: str, token: str):
        self.base, self.session = base, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict) -> dict:
        response = self.session.post(self.base + path, json=body, timeout=10)
        assert response.status_code in (200, 201), response.text
        return response.json()


def _broadcast_with_stock(api: RemoteApi) -> int:
    api.post("/api/v1/products", {"sku": "SCARF", "name": "羊绒围巾 (Cashmere scarf)", "price": "199.00", "stock": 20})
    broadcast_id = api.post("/api/v1/broadcasts", {"title": "Browser test live", "platform": "douyin"})["id"]
    api.post(f"/api/v1/broadcasts/{broadcast_id}/start", {})
    api.post(f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "SCARF", "live_price": "159.00"})
    return broadcast_id


@pytest.mark.slow
def test_host_sees_an_order_appear_with_totals_and_stock(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _broadcast_with_stock(api)
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")

    api.post(f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [order_event("SCARF", 2, order_id="BROWSER-1", unit_price="159.00")]})

    row = page.wait_for_selector('#feed tr[data-order-id="BROWSER-1"]', timeout=5000)
    assert "138****5678" in row.inner_text()
    # The totals and the stock come in their own pushes (totals.changed, stock.changed), after order.created.
    expect(page.locator("#total-orders")).to_have_text("1")
    expect(page.locator("#total-gmv")).to_have_text("¥318.00")
    expect(page.locator("#rail li[data-sku=SCARF] .left")).to_have_text("18 left")
    expect(page.locator("#rail li[data-sku=SCARF] .sold")).to_have_text("2 sold")
    screenshot(page, "host-page-order-arrived")
    assert page.errors == [] and page.dialogs == []


def test_buyer_text_is_shown_as_text_never_run(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _broadcast_with_stock(api)
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")
    scripts_before = page.evaluate("document.scripts.length")
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>{{7*7}}'
    event = order_event("SCARF", 1, order_id="XSS-1")
    event["buyer"]["name"] = payload
    chat = {"id": "chat-xss", "type": "chat", "ts": event["ts"], "viewer_id": "v1", "nickname": payload, "text": payload}
    api.post(f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event, chat]})
    row = page.wait_for_selector('#feed tr[data-order-id="XSS-1"]')
    assert payload in row.inner_text()
    page.wait_for_selector("#chat li")
    assert payload in page.inner_text("#chat")
    assert page.evaluate("document.scripts.length") == scripts_before
    assert page.query_selector("#feed img") is None
    assert page.dialogs == [] and page.errors == []


@pytest.mark.slow
def test_the_page_reconnects_by_itself_and_catches_up_on_missed_orders(live_server, page):
    server, token = live_server
    api = RemoteApi(server.url, token)
    broadcast_id = _broadcast_with_stock(api)
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")
    # Drop the transport as a network failure would; Socket.IO then reconnects on its own after a delay.
    page.evaluate("window.liveFeed.socket.io.engine.close()")
    page.wait_for_selector("#host[data-connection=disconnected]")
    api.post(f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [order_event("SCARF", 1, order_id="MISSED-1")]})
    page.wait_for_selector('#feed tr[data-order-id="MISSED-1"]', timeout=15000)
    # The server replays missed pushes before it answers the join, so the row may show just before the state.
    page.wait_for_selector("#host[data-connection=connected]", timeout=5000)
    ack = page.evaluate("window.liveFeed.lastJoinAck")
    assert ack["ok"] is True and ack["replayed"] >= 1
