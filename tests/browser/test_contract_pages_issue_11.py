"""Issue 11 as a person does it on a phone (390 px): a host filters the broadcast list by day, and an auditor finds
every order of a product with variants from the top-bar search by the product's SKU."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, settle
from tests.support.api import order_event

pytestmark = pytest.mark.browser

WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def test_a_host_on_a_phone_filters_the_broadcast_list_by_day(page, live_server, call):
    server, _token = live_server
    live = call("POST", "/api/v1/broadcasts", {"title": "Today's show", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{live}/start", {})
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, server.url, "host")
    today = page.evaluate("() => { const d = new Date(); const two = (n) => String(n).padStart(2, '0');"
                          " return [d.getFullYear(), two(d.getMonth() + 1), two(d.getDate())].join('-'); }")
    yesterday = (datetime.strptime(today, "%Y-%m-%d") - timedelta(days=1)).strftime("%Y-%m-%d")
    for day, shown in ((yesterday, False), (today, True)):
        page.fill("input[name=from_date]", day)
        page.fill("input[name=to_date]", day)
        with page.expect_navigation():
            page.click("#broadcast-filters button[type=submit]")
        listed = page.get_by_text("Today's show")
        if shown:
            expect(listed.first).to_be_visible()
        else:
            expect(listed).to_have_count(0)
    settle(page)
    assert page.evaluate(WIDER_THAN_SCREEN) <= 0
    assert page.errors == []


def test_an_auditor_on_a_phone_finds_the_orders_of_every_variant_by_the_products_sku(page, live_server, call):
    server, _token = live_server
    call("POST", "/api/v1/products", {"sku": "DRESS", "name": "Silk dress", "price": "459.00", "variants": [
        {"sku": "DRESS-M", "name": "M", "stock": 10}, {"sku": "DRESS-L", "name": "L", "stock": 10}]})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Dresses", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "DRESS"})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [
        order_event("DRESS-M", order_id="DR-1", unit_price="459.00"),
        order_event("DRESS-L", order_id="DR-2", unit_price="459.00")]})
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, server.url, "auditor")
    search = page.locator(".topbar-search input[name=q]")
    expect(search).to_be_visible()
    search.fill("DRESS")
    with page.expect_navigation():
        search.press("Enter")
    results = page.locator("#lookup-results")
    expect(results).to_contain_text("DR-1")
    expect(results).to_contain_text("DR-2")
    settle(page)
    assert page.evaluate(WIDER_THAN_SCREEN) <= 0
    assert page.errors == []
