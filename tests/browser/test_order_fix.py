"""An auditor fixes a held order's variant and quantity on the order page, in a real Chromium against a real server."""
from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.support.api import order_event

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_auditor_fixes_the_variant_and_quantity_of_an_order_held_for_its_size(live_server, call, page):
    server, _token = live_server
    call("POST", "/api/v1/products", {"sku": "TEE", "name": "T-shirt", "price": "59.00", "stock": 0,
                                      "variants": [{"sku": "TEE-M", "name": "M", "stock": 3}]})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Summer live", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEE"})
    event = order_event("TEE", 1, order_id="NOSIZE", unit_price="59.00")
    result = call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})["results"][0]
    assert result["order"]["status"] == "held"

    log_in(page, server.url, "auditor")
    page.goto(server.url + "/orders/NOSIZE")
    page.click(".order-actions button[data-action=approve]")
    page.fill("#reason-dialog input[name=reason]", "ship any size")
    page.keyboard.press("Enter")
    refused = page.wait_for_selector("#action-error:not(:empty)")
    assert "Fix the items first" in refused.inner_text()  # not approved onto the parent SKU, said in the page's words
    assert page.get_attribute("#action-error", "data-code") == "needs_fix"
    assert "TEE has no size or colour" in page.inner_text("#findings")  # what the finding asks of the auditor
    variants = page.eval_on_selector_all("#variants-0 option", "options => options.map(o => o.value)")
    assert variants == ["TEE-M"]  # the fix form offers the product's variants

    page.fill("#fix-items input[name=sku]", "TEE-XL")
    page.click("#fix-items button[type=submit]")
    error = page.wait_for_selector('#fix-items .field-error[data-field="items[0].sku"]:not(:empty)')
    assert "TEE-XL" in error.inner_text()

    page.fill("#fix-items input[name=sku]", "TEE-M")
    page.fill("#fix-items input[name=qty]", "2")
    page.fill("#fix-items input[name=reason]", "buyer said M, two of them")
    with page.expect_navigation():
        page.click("#fix-items button[type=submit]")
    page.wait_for_selector("#order[data-status=accepted]")
    history = page.inner_text("#history")
    assert "TEE → TEE-M" in history and "1 → 2" in history
    screenshot(page, "order-fixed-variant")
    order = call("GET", "/api/v1/orders/NOSIZE")
    assert [(line["sku"], line["qty"]) for line in order["items"]] == [("TEE-M", 2)]
    product = call("GET", "/api/v1/products/TEE")
    assert [(v["stock"], v["reserved"]) for v in product["variants"]] == [(1, 2)]
    assert page.errors == [] and page.dialogs == []
