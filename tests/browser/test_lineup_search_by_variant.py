"""The set-up page's Add a product finds a product by a variant's SKU or name, as the catalogue API and /products
do (probe 3, session 14): the page's own second filter no longer drops what the API found through a variant."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_viewports import log_in, new_page

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_a_variant_sku_or_name_finds_its_product_and_adds_it(live_server, browser, call):
    server, _token = live_server
    call("POST", "/api/v1/products", {"sku": "HAT", "name": "Wool hat", "price": "49.00", "variants": [
        {"sku": "HAT-M", "name": "M / navy", "stock": 5}, {"sku": "HAT-L", "name": "L / grey", "stock": 5}]})
    call("POST", "/api/v1/products", {"sku": "TEA", "name": "Longjing tea", "price": "89.00", "stock": 30})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Winter show", "platform": "douyin"})["id"]
    page = new_page(browser, "en-US", (390, 844))
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}")
    page.wait_for_selector("#setup[data-loaded='0']")

    results = page.locator("#search-results li")
    for term in ("hat-m", "HAT-L", "navy"):
        page.fill("#product-search", term)
        expect(results).to_have_count(1)
        expect(results.first).to_have_attribute("data-sku", "HAT")
    page.fill("#product-search", "HAT-XL")
    expect(results).to_have_text(["No product matches."])

    page.fill("#product-search", "HAT-M")
    page.click('#search-results li[data-sku="HAT"] button.add')
    page.wait_for_selector('#lineup tr[data-sku="HAT"]')
    expect(page.locator('#search-results li[data-sku="HAT"]')).to_contain_text("in the line-up")
    assert page.errors == []
    page.context.close()
