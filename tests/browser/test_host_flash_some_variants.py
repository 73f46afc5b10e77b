"""A flash sale on some of a product's variants (probe 3 of session 15): the host's rail showed the flash price for
the whole product; it now says which variants it is for. A sale on every variant needs no such note."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_the_rail_names_the_variants_a_flash_price_is_for(live_server, page, call):
    server, _token = live_server
    call("POST", "/api/v1/products", {"sku": "TEE", "name": "T-shirt", "price": "49.90", "variants": [
        {"sku": f"TEE-{size}", "size": size, "stock": 10} for size in ("S", "M", "L")]})
    call("POST", "/api/v1/products", {"sku": "CAP", "name": "Cap", "price": "19.90", "variants": [
        {"sku": f"CAP-{size}", "size": size, "stock": 10} for size in ("S", "L")]})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Flash", "platform": "douyin"})["id"]
    for sku in ("TEE", "CAP"):
        call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": sku})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    now = datetime.now(timezone.utc)
    for code, skus, price in (("TEE39", ["TEE-M", "TEE-L"], "39.90"), ("CAP9", ["CAP-S", "CAP-L"], "9.90")):
        call("POST", "/api/v1/promotions", {
            "code": code, "kind": "flash", "broadcast_id": broadcast_id, "skus": skus, "price": price, "remaining": 5,
            "starts_at": (now - timedelta(minutes=1)).isoformat(), "ends_at": (now + timedelta(minutes=30)).isoformat()})
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")
    tee = page.locator('#rail li[data-sku="TEE"] .price')
    expect(tee.locator(".price-now")).to_have_text("¥39.90")
    expect(tee.locator(".price-for")).to_have_text("flash price for TEE-M, TEE-L")
    cap = page.locator('#rail li[data-sku="CAP"] .price')
    expect(cap.locator(".price-now")).to_have_text("¥9.90")
    expect(cap.locator(".price-for")).to_have_count(0)  # every variant is in the sale
    assert page.errors == []
