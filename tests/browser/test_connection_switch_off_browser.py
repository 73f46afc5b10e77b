"""A leaked connection secret and a connection to stop, in a real Chromium (probe 2 of session 15): the admin
rotates saying the secret leaked, stops a previous secret before its 24 hours are up, switches the connection
off (its requests are refused, and listed) and on again, on a laptop and on a phone."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from live.adapters.forwarder import sign
from tests.browser.conftest import log_in
from tests.browser.test_connections_browser import _live_broadcast
from tests.support.live_room import body, item

pytestmark = pytest.mark.browser


def _deliver(base: str, secret: str) -> int:
    """Return the status of one signed forwarder request to the connection room-1."""
    payload = body(item("tiktok_live", "chat"))
    return requests.post(base + "/api/v1/adapters/tiktok_live/room-1", data=payload, headers=sign(payload, secret),
                         timeout=10).status_code


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.slow
def test_an_admin_ends_a_leaked_secret_and_switches_a_connection_off_and_on(live_server, page, width):
    server, token = live_server
    broadcast_id = _live_broadcast(server.url, token)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, server.url, "admin")
    page.goto(server.url + "/connections")
    page.fill("#connection-name", "room-1")
    page.select_option("#connection-platform", "tiktok_live")
    page.select_option("#connection-broadcast", str(broadcast_id))
    page.click("#create-connection")
    first = page.text_content("#shown-value").strip()
    with page.expect_navigation():
        page.click("#open-new-connection")

    page.check("#drop-previous")  # the secret leaked: no grace for it
    page.click("#rotate-secret")
    second = page.text_content("#shown-value").strip()
    expect(page.locator("#end-previous")).to_have_count(0)
    assert _deliver(server.url, first) == 401 and _deliver(server.url, second) == 200

    page.click("#rotate-secret")  # an ordinary rotation: the old secret keeps working until stopped
    third = page.text_content("#shown-value").strip()
    assert _deliver(server.url, second) == 200
    page.click("#end-previous")
    page.click("#confirm-ok")  # "Stop accepting the previous secret … now?"
    expect(page.locator(".flash").filter(has_text="no longer accepted")).to_be_visible()
    assert _deliver(server.url, second) == 401 and _deliver(server.url, third) == 200

    page.click("#switch-off")
    page.click("#confirm-ok")  # "Switch off connection ‘room-1’?"
    expect(page.locator("#switched-off")).to_be_visible()
    expect(page.locator("#enabled-badge")).to_have_text("Switched off")
    assert _deliver(server.url, third) == 403
    page.reload()
    expect(page.locator("#rejected-table")).to_contain_text("connection_disabled")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(server.url + "/connections")
    expect(page.locator("tr[data-connection=room-1] .switched-off")).to_be_visible()

    page.goto(server.url + "/connections/room-1")
    page.click("#switch-on")
    expect(page.locator("#switched-off")).to_have_count(0)
    expect(page.locator("#switch-off")).to_be_visible()
    assert _deliver(server.url, third) == 200
    assert page.errors == []
