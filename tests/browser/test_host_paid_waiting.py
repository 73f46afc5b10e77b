"""The host's "Paid" tile shows, under it, the money already paid on orders that wait for stock or an audit: the part
the analytics GMV counts and the host's committed totals do not (real server, real Chromium)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.support.api import now_iso, order_event

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_money_paid_on_a_waitlisted_order_is_shown_beside_paid(live_server, page, call):
    server, _token = live_server
    call("POST", "/api/v1/products", {"sku": "RICE", "name": "Rice", "price": "59.90", "stock": 1})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Rice show", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "RICE"})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")
    expect(page.locator("#total-paid-waiting")).to_be_hidden()

    events = [order_event("RICE", 1, order_id="R-1", unit_price="59.90"),
              order_event("RICE", 2, order_id="R-2", unit_price="59.90")]  # the second finds no stock: waitlisted
    events += [{"id": f"pay-{o}", "type": "payment", "ts": now_iso(), "order_id": o, "status": "paid", "amount": a}
               for o, a in (("R-1", "59.90"), ("R-2", "119.80"))]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": events})

    expect(page.locator("#total-paid")).to_have_text("¥59.90")
    expect(page.locator("#total-paid-waiting")).to_have_text("+ ¥119.80 paid, waiting")
    assert page.errors == []
