"""The console's forms name a refused field by its label on the form, in the page's language, never by the API's
field path ("title is required", "必须填写 tracking_no", "items[0].qty must be…"; probe 13, items 6-8). The API's
error bodies keep their code, field and message."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import settle
from tests.browser.test_audit_queue import Platform
from tests.browser.test_viewports import log_in, new_page
from tests.support.api import order_event

pytestmark = pytest.mark.browser

RAW_PATH = re.compile(r"\b(title|planned_start_at|tracking_no|amount)\b|items\[\d+\]")
LANGUAGES = ("en-US", "zh-CN")


def pay(platform: Platform, broadcast_id: int, order_id: str, amount: str) -> None:
    """Post the payment of an order."""
    event = {"id": f"pay-{order_id}", "type": "payment", "ts": datetime.now(timezone.utc).isoformat(),
             "order_id": order_id, "status": "paid", "amount": amount, "method": "alipay"}
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})


def field_error(page, form: str, field: str):
    """Return the locator of a form's error slot for an API field path."""
    return page.locator(f'{form} .field-error[data-field="{field}"]')


@pytest.mark.slow
def test_the_new_broadcast_form_names_the_title_and_planned_start_by_their_labels(live_server, browser):
    server, _token = live_server
    expected = {"en-US": ("Title is required", "Planned start must be between "),
                "zh-CN": ("必须填写 标题", "计划开播时间 必须在 ")}
    for language in LANGUAGES:
        page = new_page(browser, language, (390, 844))
        log_in(page, server.url, "host")
        page.goto(server.url + "/")
        form = page.locator("#new-broadcast")
        if not form.is_visible():
            page.click("details.new-broadcast summary")
        form.locator("button[type=submit]:not([disabled])").click()
        title = field_error(page, "#new-broadcast", "title")
        expect(title).to_have_text(expected[language][0])

        form.locator("input[name=title]").fill("Spring tea live")
        form.locator("input[name=planned_start_at]").fill("2099-01-01T10:00")
        form.locator("button[type=submit]").click()
        planned = field_error(page, "#new-broadcast", "planned_start_at")
        expect(planned).to_contain_text(expected[language][1])
        assert planned.inner_text().startswith(expected[language][1]), planned.inner_text()
        assert not RAW_PATH.search(title.inner_text() + planned.inner_text())
        assert page.errors == []
        page.context.close()


@pytest.mark.slow
def test_the_ship_form_and_the_open_a_case_form_name_their_fields_by_their_labels(live_server, browser):
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    event = order_event("TEA", 1, order_id="SHIP-ME", unit_price="80.00")
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})
    pay(platform, broadcast_id, "SHIP-ME", "80.00")
    assert platform.order("SHIP-ME")["status"] == "paid"
    expected = {"en-US": ("Tracking number is required", "Amount asked "),
                "zh-CN": ("必须填写 运单号", "申请金额 ")}
    for language in LANGUAGES:
        page = new_page(browser, language, (1280, 900))
        log_in(page, server.url, "admin")
        page.goto(server.url + "/orders/SHIP-ME")
        page.click("#order-ship-form button[type=submit]:not([disabled])")
        tracking = field_error(page, "#order-ship-form", "tracking_no")
        expect(tracking).to_have_text(expected[language][0])

        if not page.locator("#open-case-form").is_visible():
            page.click("#open-case summary")
        page.fill("#open-case-form input[name=amount]", "1000000000")
        page.click("#open-case-form button[type=submit]:not([disabled])")
        amount = field_error(page, "#open-case-form", "amount")
        expect(amount).to_contain_text(expected[language][1])
        assert amount.inner_text().startswith(expected[language][1]), amount.inner_text()
        assert not RAW_PATH.search(tracking.inner_text() + amount.inner_text())
        assert page.errors == []
        page.context.close()


@pytest.mark.slow
def test_the_audit_edit_form_names_a_line_and_gives_the_range_of_a_negative_quantity(live_server, browser):
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    platform.held_order(broadcast_id, "NO-PHONE")
    for order_id in ("UNKNOWN-SKU", "PAID-UNKNOWN"):
        event = order_event("MASK-01-XX", 1, order_id=order_id, unit_price="80.00")
        platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})
    pay(platform, broadcast_id, "PAID-UNKNOWN", "80.00")
    expected = {"en-US": ("Line 1: Qty must be between 1 and 10000", "Line 1: SKU is required",
                          "the buyer paid: reject to cancel and refund"),
                "zh-CN": ("第 1 行：数量 必须在 1 到 10000 之间", "必须填写 第 1 行：SKU",
                          "买家已付款：拒绝订单即取消并退款")}
    for language in LANGUAGES:
        page = new_page(browser, language, (1280, 900))
        console, lookups = [], []
        page.on("console", lambda message: message.type == "error" and console.append(message.text))
        page.on("request", lambda request: "/api/v1/products/" in request.url and lookups.append(request.url))
        log_in(page, server.url, "auditor")
        page.goto(server.url + "/audit")
        page.wait_for_selector("#audit[data-loaded=true]")
        row = 'tr.order-row[data-order-id="{}"]'
        # A paid order's items cannot be fixed: its row says what the auditor can do instead.
        paid_row = page.locator(row.format("PAID-UNKNOWN") + " .findings")
        expect(paid_row).to_contain_text(expected[language][2])
        expect(page.locator(row.format("UNKNOWN-SKU") + " .findings")).not_to_contain_text(expected[language][2])

        page.click(row.format("NO-PHONE") + " .menu-toggle")
        page.click(row.format("NO-PHONE") + " .menu-item[data-action=edit]")
        form = "form.edit-order"
        page.fill(form + " .fix-line input[name=qty]", "-1")
        page.click(form + " button[type=submit]")
        qty = field_error(page, form, "items[0].qty")
        expect(qty).to_have_text(expected[language][0])  # the range, not "must be an integer"

        page.fill(form + " .fix-line input[name=qty]", "1")
        page.fill(form + " .fix-line input[name=sku]", "")
        page.click(form + " button[type=submit]")
        sku = field_error(page, form, "items[0].sku")
        expect(sku).to_have_text(expected[language][1])
        assert not RAW_PATH.search(qty.inner_text() + sku.inner_text())
        page.click(form + " .cancel-edit")

        # The SKU of this order names no product: its form opens without looking one up (no 404 in the console).
        lookups.clear()
        console.clear()  # the two refusals above were 400s
        page.click(row.format("UNKNOWN-SKU") + " .menu-toggle")
        page.click(row.format("UNKNOWN-SKU") + " .menu-item[data-action=edit]")
        expect(page.locator(form + " .fix-line input[name=sku]")).to_have_value("MASK-01-XX")
        settle(page)  # a look-up would have been sent as the form opened
        assert lookups == [] and console == [], (lookups, console)
        assert page.errors == []
        page.context.close()
