"""After a partial shipment on /fulfilment the row says what is left and its part form offers only that, without a
reload (probe 2, finding 6): shipping 1 of 3 leaves "TEE ×2" and a part form of at most 2; the rest then ships."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_fulfilment_flow import agent_page, paid_order

pytestmark = pytest.mark.browser
ROW = '#to-pack tr[data-order-id="DY-3001"]'


def ship_part(page, tracking: str, qty: int | None) -> None:
    """Open the row's Ship… form, fill SF and the tracking number, ship qty units (None: everything left)."""
    page.click(f"{ROW} .ship-toggle summary")
    page.select_option(f"{ROW} select[name=carrier]", "SF")
    page.fill(f"{ROW} input[name=tracking_no]", tracking)
    if qty is not None:
        page.click(f"{ROW} details.ship-lines summary")
        page.fill(f'{ROW} input[name=qty][data-sku="TEE"]', str(qty))
    page.click(f"{ROW} .ship-form button[type=submit]")


@pytest.mark.slow
def test_a_partial_shipment_updates_left_to_ship_and_the_part_form(live_server, call, browser):
    server, _ = live_server
    call("POST", "/api/v1/products", {"sku": "TEE", "name": "T-shirt", "price": "59.00", "stock": 20})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Summer live", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEE"})
    paid_order(call, broadcast_id, "DY-3001", 3)

    page = agent_page(browser, server.url)
    page.goto(server.url + "/fulfilment")
    expect(page.locator(f"{ROW} .left-cell")).to_have_text("TEE ×3")
    ship_part(page, "SF1234567890123", 1)
    page.wait_for_selector(f'{ROW}[data-status="partially_shipped"]')
    expect(page.locator(f"{ROW} .left-cell")).to_have_text("TEE ×2")

    page.click(f"{ROW} .ship-toggle summary")
    page.click(f"{ROW} details.ship-lines summary")
    qty = page.locator(f'{ROW} input[name=qty][data-sku="TEE"]')
    expect(qty).to_have_attribute("max", "2")
    expect(qty).to_have_value("2")
    expect(page.locator(f"{ROW} details.ship-lines label").first).to_contain_text("TEE, 2 left")
    page.click(f"{ROW} .ship-toggle summary")  # fold it again, as a person leaving it

    ship_part(page, "SF1234567890124", 1)  # 1 of the 2 left: one unit is left, nothing to split any more
    expect(page.locator(f"{ROW} .left-cell")).to_have_text("TEE ×1")
    expect(page.locator(f"{ROW} details.ship-lines")).to_have_count(0)

    ship_part(page, "SF1234567890125", None)
    page.wait_for_selector(f'{ROW}[data-status="shipped"]')
    assert call("GET", "/api/v1/orders/DY-3001/shipments")["status"] == "shipped"
    assert page.errors == [] and page.dialogs == []
