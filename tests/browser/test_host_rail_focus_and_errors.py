"""The host's product rail (probe 4, items 2, 3 and 8): a stock push redraws a product's row without throwing
keyboard focus off its Pin button; a failed Pin says why under the row the host tapped and in a toast, both in
view; long product names wrap to two lines instead of being cut to one."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_audit_queue import Platform
from tests.browser.test_viewports import new_page
from tests.support.api import order_event

pytestmark = pytest.mark.browser

# Names as a real line-up has them (the demo's): a Chinese name and its English one.
NAMES = ("西湖龙井 250g (Longjing green tea)", "轻薄羽绒服 (Light down jacket)", "真皮托特包 (Leather tote bag)",
         "补水面膜 10片 (Hydrating face masks, 10)", "纸皮核桃 1kg (Paper-shell walnuts)", "哑光口红 (Matte lipstick)",
         "桑蚕丝枕套 (Mulberry silk pillowcase)", "羊毛袜 3双装 (Wool socks, 3 pairs)")
# Text cut off: wider or taller than its box shows (a name may take two lines, not more).
CUT = """() => Array.from(document.querySelectorAll('#rail .name, #selling .what, .panel-head h2'))
  .filter((node) => node.getClientRects().length > 0
    && (node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1))
  .map((node) => [node.textContent.trim(), node.clientWidth, node.scrollWidth, node.clientHeight, node.scrollHeight])"""
IN_VIEW = """(node) => { const box = node.getBoundingClientRect();
  return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight; }"""


@pytest.fixture
def rail_show(live_server):
    """Return (server, platform, broadcast id): a live broadcast with eight products in its line-up."""
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.call("POST", "/api/v1/broadcasts", {"title": "Rail show", "platform": "douyin"})["id"]
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    for n, name in enumerate(NAMES, start=1):
        platform.call("POST", "/api/v1/products", {"sku": f"P{n}", "name": name, "price": "10.00", "stock": 50})
        platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": f"P{n}"})
    return server, platform, broadcast_id


def _open(browser, server, broadcast_id, size):
    page = new_page(browser, "en", size)
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")
    page.wait_for_selector("#rail li[data-sku=P8] button.pin")
    return page


@pytest.mark.slow
def test_a_stock_push_keeps_focus_on_the_pin_button_of_the_same_product(rail_show, browser):
    server, platform, broadcast_id = rail_show
    page = _open(browser, server, broadcast_id, (1440, 900))
    page.focus("#rail li[data-sku=P3] button.pin")
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events",
                  {"events": [order_event("P3", 2, order_id="RAIL-1", unit_price="10.00")]})
    expect(page.locator("#rail li[data-sku=P3] .left")).to_have_text("48 left")
    assert page.evaluate("document.activeElement.closest('li') && document.activeElement.closest('li').dataset.sku") == "P3"
    assert page.evaluate("document.activeElement.classList.contains('pin')")
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)])
@pytest.mark.slow
def test_a_failed_pin_says_why_beside_the_product_and_in_a_toast(rail_show, browser, size):
    server, _platform, broadcast_id = rail_show
    page = _open(browser, server, broadcast_id, size)
    page.route(f"**/api/v1/broadcasts/{broadcast_id}/pin", lambda route: route.fulfill(
        status=409, content_type="application/json",
        body=json.dumps({"error": {"code": "conflict", "message": "Another host pinned a product first."}})))
    item = page.locator("#rail li[data-sku=P6]")
    item.locator("button.pin").scroll_into_view_if_needed()
    item.locator("button.pin").click()
    error = item.locator(".rail-error")
    expect(error).to_have_text("Another host pinned a product first.")
    assert error.evaluate(IN_VIEW)
    toast = page.locator(".toast.danger")
    expect(toast).to_contain_text("Another host pinned a product first.")
    assert toast.evaluate(IN_VIEW)
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("size", [(1440, 900), (390, 844)])
def test_product_names_and_panel_headings_are_not_cut_off(rail_show, browser, size):
    server, platform, broadcast_id = rail_show
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [
        order_event(f"P{n}", 1, order_id=f"SELL-{n}", unit_price="10.00") for n in range(1, 6)]})
    page = _open(browser, server, broadcast_id, size)
    expect(page.locator("#selling li")).to_have_count(5)
    assert page.evaluate(CUT) == []
    assert page.errors == []
    page.context.close()
