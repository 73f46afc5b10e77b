"""An after-sales agent packs and ships a paid order on /fulfilment, in a real Chromium against a real server;
the carrier's delivered checkpoint then delivers it (issue 14). Screenshots: docs/screenshots/fulfilment-*.png.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import recording_page
from tests.support.api import order_event
from tests.support.axe import blocking_violations
from tests.support.databases import PASSWORD

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def paid_order(call, broadcast_id: int, order_id: str, qty: int) -> None:
    """Place and pay an order of qty T-shirts."""
    event = order_event("TEE", qty, order_id=order_id, unit_price="59.00")
    placed = call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})["results"][0]
    pay = {"id": f"pay-{order_id}", "type": "payment", "ts": datetime.now(timezone.utc).isoformat(),
           "order_id": order_id, "status": "paid", "amount": placed["order"]["total"], "method": "wechat"}
    assert call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [pay]})["results"][0]["order"]["status"] == "paid"


def agent_page(browser, base: str, width: int = 1280):
    """Return a page logged in as the after-sales agent, at the given width."""
    page = next(recording_page(browser))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base + "/login")
    page.fill("#username", "aftersales")
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_function("() => !location.pathname.startsWith('/login')")
    return page


@pytest.mark.slow
def test_an_agent_packs_and_ships_a_paid_order_and_the_delivery_comes_in(live_server, call, browser):
    server, _ = live_server
    call("POST", "/api/v1/products", {"sku": "TEE", "name": "T-shirt", "price": "59.00", "stock": 20})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Summer live", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEE"})
    paid_order(call, broadcast_id, "DY-2001", 2)
    paid_order(call, broadcast_id, "DY-2002", 1)

    page = agent_page(browser, server.url)
    page.goto(server.url + "/fulfilment")
    row = '#to-pack tr[data-order-id="DY-2001"]'
    page.check(f"{row} .select-order")
    page.click("#mark-packed")
    page.wait_for_selector(f'{row}[data-status="packing"]')
    assert blocking_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fulfilment-to-pack.png"), full_page=True)

    page.click(f"{row} .ship-toggle summary")
    page.select_option(f"{row} select[name=carrier]", "SF")
    page.fill(f"{row} input[name=tracking_no]", "sf 1234 5678 90123")
    page.click(f"{row} .ship-form button[type=submit]")
    page.wait_for_selector(f'{row}[data-status="shipped"]')
    assert "已全部发货" in page.inner_text(row) or "All shipped" in page.inner_text(row)

    shipments = call("GET", "/api/v1/orders/DY-2001/shipments")
    assert shipments["status"] == "shipped"
    [shipment] = shipments["shipments"]
    assert (shipment["carrier"], shipment["tracking_no"]) == ("SF", "SF1234567890123")
    delivered_at = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    tracked = call("POST", f"/api/v1/shipments/{shipment['shipment_id']}/tracking",
                   {"checkpoints": [{"at": delivered_at, "status": "delivered", "description": "已签收，签收人：本人"}]})
    assert tracked["order_status"] == "delivered"

    page.goto(server.url + "/orders/DY-2001")
    page.wait_for_selector('#order[data-status="delivered"]')
    assert "SF1234567890123" in page.inner_text("#shipments") and "已签收" in page.inner_text("#shipments")
    assert blocking_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "fulfilment-order-delivered.png"), full_page=True)
    assert page.errors == [] and page.dialogs == []
    page.context.close()

    phone = agent_page(browser, server.url, width=390)
    phone.goto(server.url + "/fulfilment")
    phone.wait_for_selector('#to-pack tr[data-order-id="DY-2002"]')
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone: {width}px"
    assert blocking_violations(phone) == []
    phone.screenshot(path=str(SCREENSHOTS / "fulfilment-390.png"), full_page=True)
    phone.goto(server.url + f"/fulfilment/packing-list?broadcast_id={broadcast_id}")
    assert phone.inner_text("#total-units") == "1"
    assert phone.errors == []
    phone.context.close()


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.slow
def test_the_fulfilment_pages_fit_a_phone_pass_axe_and_read_in_chinese(live_server, call, browser, language):
    from tests.browser.test_viewports import SIZES, new_page, problems_on

    server, _ = live_server
    # Names in Chinese: data in English would read as untranslated words on the Chinese page.
    call("POST", "/api/v1/products", {"sku": "TEE", "name": "短袖衫", "price": "59.00", "stock": 20})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "夏日直播", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEE"})
    for order_id in ("DY-3001", "DY-3002"):
        paid_order(call, broadcast_id, order_id, 2)
    problems = {}
    for size in ("desktop", "phone"):
        page = new_page(browser, language, SIZES[size])
        page.goto(server.url + "/login")
        page.fill("#username", "aftersales")
        page.fill("#password", PASSWORD)
        page.click("#submit")
        page.wait_for_function("() => !location.pathname.startsWith('/login')")
        for path in ("/fulfilment", f"/fulfilment/packing-list?broadcast_id={broadcast_id}"):
            found = problems_on(page, server.url, path, language)
            if found:
                problems[f"{path} @ {size}"] = found
        page.context.close()
    assert problems == {}


@pytest.mark.slow
def test_an_admin_adds_a_carrier_and_agents_can_ship_with_it(live_server, browser):
    server, _ = live_server
    page = next(recording_page(browser))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server.url + "/login")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_function("() => !location.pathname.startsWith('/login')")
    page.goto(server.url + "/fulfilment")
    page.click("#carriers summary")
    form = page.locator("#carrier-form")
    form.locator('input[name="code"]').fill("D")
    form.locator('button[type="submit"]').click()
    # Too short: the answer names the field under it and nothing is saved (wait for the answer, not a fixed time).
    expect(page.locator('#carrier-form .field-error[data-field="code"]')).not_to_have_text("")
    expect(form.locator('button[type="submit"]')).to_be_enabled()
    form.locator('input[name="code"]').fill("DBL")
    form.locator('input[name="name_en"]').fill("Deppon")
    form.locator('input[name="name_zh"]').fill("德邦快递")
    form.locator('input[name="tracking_pattern"]').fill(r"DPK\d{12}")
    form.locator('input[name="eta_days"]').fill("4")
    form.locator('button[type="submit"]').click()
    page.wait_for_selector('#carrier-list tr[data-code="DBL"]')
    assert "Deppon" in page.locator('#carrier-list tr[data-code="DBL"]').inner_text()
    carriers = requests.get(server.url + "/api/v1/carriers", headers={"Authorization": f"Bearer {live_server[1]}"},
                            timeout=10).json()["carriers"]
    assert any(c["code"] == "DBL" and c["tracking_pattern"] == r"DPK\d{12}" for c in carriers)
    page.context.close()
