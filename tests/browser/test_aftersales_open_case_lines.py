"""The order page's "Open a case" form in the browser (issue 14): an order with two lines of one SKU (as platforms
send when a buyer adds the same item twice) shows one input for that SKU, at most its units not yet in a case, so
the agent can ask about both units at once; units already in a case are no longer offered."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.db import utcnow
from app.extensions import db
from orders.models import Order
from tests.browser.test_aftersales_flow import log_in_as_agent
from tests.browser.test_audit_queue import Platform
from tests.support.api import now_iso, order_event
from tests.support.databases import make_app

pytestmark = pytest.mark.browser


@pytest.fixture
def twice_tea(live_server, sqlite_url):
    """Return the server's address with delivered order TWO-1: TEA ×1, TEA ×1 (two lines) at ¥80."""
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    event = order_event("TEA", 1, order_id="TWO-1", unit_price="80.00")
    event["items"] = [{"sku": "TEA", "qty": 1, "unit_price": "80.00"}, {"sku": "TEA", "qty": 1, "unit_price": "80.00"}]
    placed = platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})["results"][0]
    assert placed["status"] == "accepted" and len(placed["order"]["items"]) == 2, placed
    payment = {"id": "pay-TWO-1", "type": "payment", "ts": now_iso(), "order_id": "TWO-1", "status": "paid",
               "amount": "160.00", "method": "alipay"}
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [payment]})
    app = make_app(sqlite_url)
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.order_id == "TWO-1")
                           .values(status="delivered", delivered_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    return server.url


@pytest.mark.slow
def test_two_lines_of_one_sku_are_one_input_and_both_units_open_one_case(twice_tea, page):
    base = twice_tea
    log_in_as_agent(page, base)
    page.goto(base + "/orders/TWO-1")
    form = page.locator("#open-case-form")
    tea = form.locator('input[data-sku="TEA"]')
    expect(tea).to_have_count(1)
    assert tea.get_attribute("max") == "2"
    form.locator("select[name=type]").select_option("return_refund")
    form.locator("select[name=reason]").select_option("quality")
    tea.fill("2")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.get_attribute("#aftersales-case", "data-status") == "requested"
    case_id = page.get_attribute("#aftersales-case", "data-case-id")
    case = page.context.request.get(f"{base}/api/v1/aftersales/{case_id}").json()
    assert [(line["sku"], line["qty"]) for line in case["lines"]] == [("TEA", 2)]

    page.goto(base + "/orders/TWO-1")
    tea = page.locator('#open-case-form input[data-sku="TEA"]')
    assert tea.get_attribute("max") == "0" and tea.is_disabled()  # both units are in the case now
    assert page.errors == []



def test_a_refused_case_is_explained_in_the_pages_language_without_the_apis_codes(twice_tea, sqlite_url, browser):
    """Probe 14: a return for an order not yet shipped read "a return_refund case needs a shipped order (it is
    packing)…" in English on a Chinese page."""
    from tests.browser.test_viewports import new_page

    app = make_app(sqlite_url)
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.order_id == "TWO-1").values(status="paid", delivered_at=None))
        db.session.commit()
        db.engine.dispose()
    page = new_page(browser, "zh-CN", (390, 844))
    log_in_as_agent(page, twice_tea)
    page.goto(twice_tea + "/orders/TWO-1")
    form = page.locator("#open-case-form")
    if not form.is_visible():
        page.click("#open-case summary")
    form.locator("select[name=type]").select_option("return_refund")
    form.locator("select[name=reason]").select_option("quality")
    form.locator('input[data-sku="TEA"]').fill("1")
    form.locator("button[type=submit]").click()
    slot = form.locator('.field-error[data-field="type"]')
    expect(slot).to_have_text("此类型需要已发货的订单。尚未发货的订单请选择“仅退款”。")
    assert page.errors == []
    page.context.close()
