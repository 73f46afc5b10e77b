"""Probe 2 of session 11, in a real Chromium: an auditor sees which held orders are paid, fixing the missing phone of
a paid one moves it on, a bulk Extend on paid ones says why nothing is extended, rejecting a paid one refunds it;
a +86 phone is masked as 137****2222. An after-sales agent is offered only what the server accepts."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_aftersales_flow import act, log_in_as_agent, paid_order
from tests.browser.conftest import log_in
from tests.browser.test_audit_queue import Platform, open_queue, row
from tests.browser.test_viewports import OVERFLOW, SIZES, new_page, problems_on
from tests.support.api import now_iso, order_event

pytestmark = pytest.mark.browser


def pay(platform: Platform, broadcast_id: int, order_id: str, amount: str = "80.00") -> None:
    """Report the buyer's payment of an order (it stays held: a person decides)."""
    event = {"id": f"pay-{order_id}", "type": "payment", "ts": now_iso(), "order_id": order_id, "status": "paid",
             "amount": amount, "method": "alipay"}
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})


def paid_holds(platform: Platform, *order_ids: str) -> int:
    """Return a broadcast with a held order (no phone) per id, each paid while held."""
    broadcast_id = platform.broadcast()
    for order_id in order_ids:
        platform.held_order(broadcast_id, order_id)
        pay(platform, broadcast_id, order_id)
    return broadcast_id


@pytest.mark.slow
def test_the_queue_row_and_the_order_page_say_a_held_order_is_paid(live_server, page):
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = paid_holds(platform, "PAID-1")
    event = order_event("TEA", 1, order_id="PLUS-86", unit_price="80.00")
    event["buyer"].update({"phone": "+86 137 0000 2222", "address": dict(event["buyer"]["address"], province=None)})
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})
    open_queue(page, server.url)
    expect(page.locator(row("PAID-1") + " .paid-note")).to_have_text("Paid ¥80.00")
    expect(page.locator(row("PLUS-86") + " .paid-note")).to_have_count(0)
    # A phone typed with +86 is masked as the buyer's number, without the country code.
    expect(page.locator(row("PLUS-86") + " td.buyer")).to_contain_text("137****2222")

    page.goto(f"{server.url}/orders/PAID-1")
    expect(page.locator("#paid-note")).to_contain_text("Paid ¥80.00")
    expect(page.locator("#paid-note")).to_contain_text("rejecting opens a refund")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_a_bulk_extend_of_paid_holds_says_there_is_nothing_to_extend_and_why(live_server, page):
    server, token = live_server
    platform = Platform(server.url, token)
    paid_holds(platform, "PAID-1", "PAID-2")
    open_queue(page, server.url)
    page.check(row("PAID-1") + " .row-check")
    page.check(row("PAID-2") + " .row-check")
    page.click("#bulk-extend")
    page.fill("#reason-dialog input[name=reason]", "buyer asked for time")
    page.keyboard.press("Enter")
    for order_id in ("PAID-1", "PAID-2"):
        result = page.locator(f'#bulk-results li[data-order-id="{order_id}"]')
        expect(result).to_contain_text("Nothing to extend")
        expect(result).to_contain_text("it is paid")
    assert [platform.order(o)["status"] for o in ("PAID-1", "PAID-2")] == ["held", "held"]
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_fixing_the_phone_of_a_paid_hold_completes_it_and_rejecting_one_refunds_it(live_server, page):
    server, token = live_server
    platform = Platform(server.url, token)
    paid_holds(platform, "PAID-1", "PAID-2")
    open_queue(page, server.url)

    # "Phone missing": the auditor adds it, "Save and re-audit" completes the sale, the order leaves the queue.
    page.click(row("PAID-2") + " .menu-toggle")
    page.click(row("PAID-2") + ' .menu-item[data-action="edit"]')
    page.wait_for_selector("form.edit-order")
    page.fill("form.edit-order input[name=phone]", "+86 138 1234 5678")
    page.fill("form.edit-order input[name=reason]", "buyer sent the number in chat")
    page.keyboard.press("Enter")
    page.wait_for_selector(row("PAID-2"), state="detached")
    assert platform.order("PAID-2")["status"] == "paid"

    # Rejecting the other paid hold gives the buyer's money back through a refund case.
    page.click(row("PAID-1") + " .menu-toggle")
    page.click(row("PAID-1") + ' .menu-item[data-action="reject"]')
    page.fill("#reason-dialog input[name=reason]", "fake buyer")
    page.keyboard.press("Enter")
    page.wait_for_selector(row("PAID-1"), state="detached")
    order = platform.order("PAID-1")
    assert (order["status"], order["refund_due"]) == ("rejected", True)
    assert [(c["type"], c["reason"]) for c in order["cases"]] == [("refund_only", "payment_on_closed_order")]
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_an_agent_is_offered_neither_system_reasons_nor_a_second_refund_while_one_waits(live_server, page):
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    paid_order(platform, broadcast_id, "PEND-1", 1)
    log_in_as_agent(page, server.url)
    page.goto(f"{server.url}/orders/PEND-1")
    page.click("#open-case summary")
    offered = page.eval_on_selector_all("#open-case-form select[name=reason] option", "os => os.map(o => o.value)")
    assert "duplicate_payment" not in offered and "payment_on_closed_order" not in offered and "other" in offered
    page.select_option("#open-case-form select[name=type]", "refund_only")
    page.select_option("#open-case-form select[name=reason]", "other")
    with page.expect_navigation():
        page.click("#open-case-form button[type=submit]")
    case_id = page.url.rsplit("/", 1)[-1]

    assert case_id.startswith("AS-")
    act(page, "approve", expect="approved")
    page.click('#case-actions button[data-open="refund"]')
    page.check('#dialog-refund input[name=pending]')
    with page.expect_navigation():
        page.locator("#dialog-refund button[type=submit]").click()
    expect(page.locator("#aftersales-case")).to_have_attribute("data-status", "approved")
    expect(page.locator('tr[data-refund-id][data-status="pending"]')).to_have_count(1)
    # Neither a second refund nor a cancel while the payout is pending: its Payout done / failed come first.
    expect(page.locator('#case-actions button[data-open="cancel"]')).to_have_count(0)
    expect(page.locator('#case-actions button[data-open="refund"]')).to_have_count(0)
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_paid_note_reads_in_chinese_and_fits_a_phone(live_server, browser):
    server, token = live_server
    platform = Platform(server.url, token)
    paid_holds(platform, "100201")
    page = new_page(browser, "zh-CN", SIZES["phone"])
    log_in(page, server.url, "auditor")
    found = {path: problems_on(page, server.url, path, "zh-CN") for path in ("/audit", "/orders/100201")}
    assert {path: problems for path, problems in found.items() if problems} == {}
    expect(page.locator("#paid-note")).to_contain_text("已付 ¥80.00")
    page.goto(server.url + "/audit")
    expect(page.locator(row("100201") + " .paid-note")).to_have_text("已付 ¥80.00")
    assert page.evaluate(OVERFLOW) is None
    page.context.close()
