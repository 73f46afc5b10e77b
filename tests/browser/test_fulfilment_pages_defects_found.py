"""Defects a probe of the fulfilment pages found (issue 14), each pinned by a test that failed before its fix:
in a real Chromium against a real server.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import recording_page
from tests.support.api import order_event
from tests.support.databases import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_a_part_shipment_error_shows_under_the_sku_it_is_about_at_phone_width(live_server, call, browser):
    server, _ = live_server
    for sku in ("CAP", "TEE"):
        call("POST", "/api/v1/products", {"sku": sku, "name": sku, "price": "59.00", "stock": 20})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Summer live", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    for sku in ("CAP", "TEE"):
        call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": sku})
    event = order_event("CAP", 1, order_id="DY-3001", unit_price="59.00")
    event["items"] = [{"sku": "CAP", "qty": 1, "unit_price": "59.00"}, {"sku": "TEE", "qty": 2, "unit_price": "59.00"}]
    placed = call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})["results"][0]
    pay = {"id": "pay-DY-3001", "type": "payment", "ts": datetime.now(timezone.utc).isoformat(),
           "order_id": "DY-3001", "status": "paid", "amount": placed["order"]["total"], "method": "wechat"}
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [pay]})

    page = next(recording_page(browser))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.url + "/login")
    page.fill("#username", "aftersales")
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_function("() => !location.pathname.startsWith('/login')")
    page.goto(server.url + "/fulfilment")
    row = page.locator('#to-pack tr[data-order-id="DY-3001"]')
    row.locator(".ship-toggle > summary").click()
    form = row.locator("form.ship-form")
    expect(form.locator("button[type=submit]")).to_be_enabled()
    form.locator("input[name=tracking_no]").fill("SF1234567890123")
    form.locator("details.ship-lines summary").click()
    form.locator('input[name=qty][data-sku="CAP"]').fill("0")
    form.locator('input[name=qty][data-sku="TEE"]').fill("3")  # one more than is left: only TEE is sent
    form.locator("button[type=submit]").click()
    tee_error = form.locator('label:has(input[data-sku="TEE"]) .field-error')
    expect(tee_error).to_contain_text("TEE")
    expect(form.locator('label:has(input[data-sku="CAP"]) .field-error')).to_have_text("")
    expect(form.locator('input[data-sku="TEE"]')).to_have_attribute("aria-invalid", "true")
    assert page.errors == [] and page.dialogs == []
