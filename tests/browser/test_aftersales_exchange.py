"""An exchange in the browser (issue 14): the agent approves the buyer's size exchange, receives the return, and in
"Ship the replacement" picks the other size of the same product from a list showing its stock; the new size
leaves stock, the returned one comes back, and the case step records what was sent."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.db import utcnow
from app.extensions import db
from orders.aftersales import intake
from orders.aftersales.common import Actor
from orders.aftersales.timers import TimerPolicy
from orders.models import Order, StockLevel
from tests.browser.test_aftersales_flow import act, log_in_as_agent
from tests.browser.test_audit_queue import Platform
from tests.support.api import now_iso, order_event
from tests.support.databases import make_app

pytestmark = pytest.mark.browser


@pytest.fixture
def exchange(live_server, sqlite_url):
    """Return (server address, case id, app) of an exchange case on a delivered order of TEE-M (size M → L)."""
    server, token = live_server
    platform = Platform(server.url, token)
    platform.call("POST", "/api/v1/products", {"sku": "TEE", "name": "T-shirt", "price": "59.00", "variants": [
        {"sku": "TEE-M", "name": "M / 黑色", "stock": 5}, {"sku": "TEE-L", "name": "L / 黑色", "stock": 3},
        {"sku": "TEE-XL", "name": "XL / 黑色", "stock": 0}]})
    broadcast_id = platform.call("POST", "/api/v1/broadcasts", {"title": "Tees", "platform": "douyin"})["id"]
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEE"})
    event = order_event("TEE-M", 1, order_id="SWAP-1", unit_price="59.00")
    result = platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})["results"][0]
    assert result["status"] == "accepted", result
    payment = {"id": "pay-SWAP-1", "type": "payment", "ts": now_iso(), "order_id": "SWAP-1", "status": "paid",
               "amount": "59.00", "method": "alipay"}
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [payment]})
    app = make_app(sqlite_url)
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.order_id == "SWAP-1")
                           .values(status="delivered", delivered_at=utcnow() - timedelta(days=1)))
        outcome = intake.open_case(db.session, "SWAP-1", Actor(None, "douyin"), utcnow(), TimerPolicy(),
                                   case_type="exchange", reason="size_fit", note="想换大一码")
        db.session.commit()
        case_id = outcome.case.case_id
    return server.url, case_id, app


def available(app, sku: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(StockLevel.available).where(StockLevel.sku == sku))


@pytest.mark.slow
def test_an_agent_ships_the_other_size_picked_from_the_same_product(exchange, page):
    base, case_id, app = exchange
    log_in_as_agent(page, base)
    page.goto(f"{base}/aftersales/{case_id}")
    act(page, "approve", expect="awaiting_return")
    act(page, "receive", expect="received")
    assert available(app, "TEE-L") == 3 and available(app, "TEE-M") == 4

    page.click('#case-actions button[data-open="ship_replacement"]')
    dialog = page.locator("#dialog-ship_replacement")
    picker = dialog.locator('.exchange-line[data-line-sku="TEE-M"] select[name="exchange_sku"]')
    options = picker.locator("option")
    assert options.all_inner_texts()[0].startswith("TEE-M")  # the same size is offered first, as the default
    assert "L / 黑色" in options.nth(1).inner_text() and "3" in options.nth(1).inner_text()
    assert options.nth(2).get_attribute("disabled") is not None  # XL: none on stock, not offered
    picker.select_option("TEE-L")
    dialog.locator('select[name="carrier"]').select_option("SF")
    dialog.locator('input[name="tracking"]').fill("SF1234567890123")
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    assert page.get_attribute("#aftersales-case", "data-status") == "replacement_shipped"
    assert available(app, "TEE-L") == 2  # the new size left stock
    case = page.context.request.get(f"{base}/api/v1/aftersales/{case_id}").json()
    step = case["timeline"][-1]
    assert step["action"] == "ship_replacement" and step["data"]["sent"] == {"TEE-L": 1}
    assert page.errors == []


@pytest.mark.slow
def test_the_replacement_is_sent_by_a_carrier_of_the_table_and_a_bad_number_is_shown_under_its_field(exchange, page):
    base, case_id, app = exchange
    log_in_as_agent(page, base)
    page.goto(f"{base}/aftersales/{case_id}")
    return_carrier = page.locator('#dialog-ship_return input[name="carrier"]')  # the buyer's: any carrier, typed
    suggested = page.locator(f'datalist#{return_carrier.get_attribute("list")} option')
    assert "SF" in [suggested.nth(i).get_attribute("value") for i in range(suggested.count())]
    act(page, "approve", expect="awaiting_return")
    act(page, "receive", expect="received")

    page.click('#case-actions button[data-open="ship_replacement"]')
    dialog = page.locator("#dialog-ship_replacement")
    carrier = dialog.locator('select[name="carrier"]')
    codes = carrier.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert {"SF", "ZTO", "YTO", "JD", "EMS", "JT"} <= set(codes)
    assert "顺丰" in carrier.inner_text() or "SF Express" in carrier.inner_text()
    carrier.select_option("YTO")
    dialog.locator('input[name="tracking"]').fill("SF1234567890123")
    dialog.locator("button[type=submit]").click()
    expect(dialog.locator('.field-error[data-field="tracking"]')).not_to_be_empty()
    assert page.get_attribute("#aftersales-case", "data-status") == "received"
    assert available(app, "TEE-M") == 4  # nothing moved
    carrier.select_option("SF")
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    assert page.get_attribute("#aftersales-case", "data-status") == "replacement_shipped"
    case = page.context.request.get(f"{base}/api/v1/aftersales/{case_id}").json()
    assert case["replacement_shipment"] == {"carrier": "SF", "tracking": "SF1234567890123"}
    assert page.errors == []
