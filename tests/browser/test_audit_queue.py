"""An auditor works the held queue in a real Chromium against a real server: keys, live rows, SLA, bulk, edits."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
import requests

from tests.browser.conftest import log_in, screenshot
from tests.support.api import order_event

pytestmark = pytest.mark.browser


class Platform:
    """The v1 API of a running server as a platform adapter (bearer token) uses it."""

    def __init__(self, base: str, token: str):
        self.base, self.session = base, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """Send body to path and return the JSON answer (any error fails the test)."""
        response = self.session.request(method, self.base + path, json=body, timeout=10)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def broadcast(self) -> int:
        """Return the id of a live broadcast selling TEA (¥80, 100 units)."""
        self.call("POST", "/api/v1/products", {"sku": "TEA", "name": "龙井 (Longjing tea)", "price": "80.00", "stock": 100})
        broadcast_id = self.call("POST", "/api/v1/broadcasts", {"title": "Spring tea live", "platform": "douyin"})["id"]
        self.call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
        self.call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEA"})
        return broadcast_id

    def held_order(self, broadcast_id: int, order_id: str, coupon_codes: tuple[str, ...] = (), **buyer) -> None:
        """Post an order without a phone number, which the audit holds for a person."""
        event = order_event("TEA", 1, order_id=order_id, unit_price="80.00", coupon_codes=list(coupon_codes))
        event["buyer"].update({"phone": None} | buyer)
        result = self.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})["results"][0]
        assert result["order"]["status"] == "held", result

    def order(self, order_id: str) -> dict:
        """Return the order with its history."""
        return self.call("GET", f"/api/v1/orders/{order_id}")


@pytest.fixture
def platform(live_server) -> Platform:
    """Return the platform client of the live server."""
    server, token = live_server
    return Platform(server.url, token)


def open_queue(page, base: str) -> None:
    """Log in as the auditor and open the audit queue once it is loaded and live."""
    log_in(page, base, "auditor")
    page.click("text=Audit queue")
    page.wait_for_selector("#audit[data-loaded=true][data-connection=connected]")


def row(order_id: str) -> str:
    """Return the selector of an order's row in the queue."""
    return f'#queue tr[data-order-id="{order_id}"]'


@pytest.mark.slow
def test_auditor_approves_the_selected_order_from_the_keyboard_and_it_leaves_the_queue(live_server, platform, page):
    server, _token = live_server
    broadcast_id = platform.broadcast()
    platform.held_order(broadcast_id, "KEY-1")
    open_queue(page, server.url)
    assert "phone" in page.inner_text(row("KEY-1")).lower()

    platform.call("POST", "/api/v1/promotions", {"code": "SAVE20", "kind": "coupon", "coupon_type": "fixed",
                                                 "value": "20", "min_spend": "200"})
    platform.held_order(broadcast_id, "KEY-2", coupon_codes=("SAVE20",))  # arrives while the page is open
    page.wait_for_selector(row("KEY-2"))
    assert page.eval_on_selector_all("#queue tr", "rows => rows.map(r => r.dataset.orderId)") == ["KEY-1", "KEY-2"]

    page.focus("input[name=min_age]")
    page.keyboard.type("ja")  # typing in a field is not a shortcut
    assert page.query_selector("dialog[open]") is None and page.query_selector("#queue tr.selected") is None
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    page.wait_for_selector("#shortcuts-dialog[open]")
    page.keyboard.press("Escape")
    page.wait_for_selector("#shortcuts-dialog:not([open])", state="attached")

    page.keyboard.press("j")
    expect(page.locator(row("KEY-1"))).to_have_attribute("aria-selected", "true")
    page.keyboard.press("a")
    page.wait_for_selector("#reason-dialog[open]")
    page.keyboard.type("buyer phoned, address checked")  # letters that are shortcuts must not fire here
    page.keyboard.press("Enter")
    page.wait_for_selector(row("KEY-1"), state="detached")

    expect(page.locator(row("KEY-2"))).to_have_attribute("aria-selected", "true")  # the next row takes its place
    order = platform.order("KEY-1")
    assert order["status"] == "accepted"
    assert (order["history"][-1]["actor"], order["history"][-1]["reason"]) == ("auditor", "buyer phoned, address checked")
    assert platform.order("KEY-2")["status"] == "held"

    page.click('a:has-text("KEY-2")')
    page.wait_for_selector('#order[data-status="held"]')
    page.wait_for_load_state()  # the rest of the order page, read below without waiting
    assert "Phone missing" in page.inner_text("#findings")  # the label; the code stays in data-code
    assert page.query_selector('#findings [data-code="phone_missing"]')
    assert "SAVE20: min spend ¥200 not met (¥80)" in page.inner_text("#promotions")
    assert "UTC" not in page.inner_text("#history")  # times are shown in the viewer's zone
    screenshot(page, "order-page")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_sla_timer_turns_red_past_the_policy_sla(live_server, platform, page):
    server, _token = live_server
    broadcast_id = platform.broadcast()
    for n, name in enumerate(["王小明", "Li Lei", '=HYPERLINK("x")']):
        platform.held_order(broadcast_id, f"SLA-{n}", name=name)
    open_queue(page, server.url)
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/audit-policy")
    page.fill("input[name=sla_seconds]", "0")
    page.click("#policy-form button[type=submit]")
    error = page.wait_for_selector('#policy-form .field-error[data-field="sla_seconds"]:not(:empty)')
    assert "at least 1" in error.inner_text()
    page.fill("input[name=sla_seconds]", "1")
    page.click("#policy-form button[type=submit]")
    page.wait_for_selector("#policy-saved:has-text('Saved.')")
    screenshot(page, "audit-policy")

    page.goto(f"{server.url}/audit?broadcast_id={broadcast_id}")
    page.wait_for_selector("#audit[data-loaded=true][data-connection=connected]")
    page.wait_for_selector(row("SLA-0") + " .timer.late", timeout=5000)
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.wait_for_selector(row("SLA-1") + " .claim.mine")
    expect(page.locator(row("SLA-1") + " .claim")).to_have_text("claimed by you")
    page.keyboard.press("x")
    screenshot(page, "audit-queue")
    assert page.errors == [] and page.dialogs == []


def test_bulk_approve_of_two_ticked_orders(live_server, platform, page):
    server, _token = live_server
    broadcast_id = platform.broadcast()
    for order_id in ("BULK-1", "BULK-2", "BULK-3"):
        platform.held_order(broadcast_id, order_id)
    open_queue(page, server.url)
    page.click("#bulk-approve")
    expect(page.locator("#action-error")).to_have_text("Select orders with their checkbox (x) first.")
    page.check(row("BULK-1") + " .row-check")  # the click also selects the row
    page.keyboard.press("j")
    page.keyboard.press("x")  # ticks BULK-2, now the selected row
    expect(page.locator(row("BULK-2") + " .row-check")).to_be_checked()
    page.click("#bulk-approve")
    page.fill("#reason-dialog input[name=reason]", "verified by phone")
    page.keyboard.press("Enter")
    page.wait_for_selector(row("BULK-1"), state="detached")
    page.wait_for_selector(row("BULK-2"), state="detached")
    assert page.eval_on_selector_all("#queue tr", "rows => rows.map(r => r.dataset.orderId)") == ["BULK-3"]
    assert [platform.order(o)["status"] for o in ("BULK-1", "BULK-2", "BULK-3")] == ["accepted", "accepted", "held"]

    before = platform.order("BULK-3")["reserved_until"]
    page.keyboard.press("h")  # every queued order is held already: h keeps it held longer (extends its reservation)
    page.fill("#reason-dialog input[name=reason]", "buyer asked for an hour")
    with page.expect_response(lambda response: response.url.endswith("/BULK-3/extend")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    order = platform.order("BULK-3")
    assert order["status"] == "held" and order["reserved_until"] >= before
    assert order["history"][-1]["reason"] == "buyer asked for an hour"

    page.keyboard.press("r")
    page.wait_for_selector("#reason-dialog[open]")
    page.keyboard.press("Escape")  # a cancelled dialog changes nothing
    page.wait_for_selector("#reason-dialog:not([open])", state="attached")
    assert platform.order("BULK-3")["status"] == "held"
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_editing_the_buyer_shows_the_api_error_at_the_field_then_re_audits(live_server, platform, page):
    server, _token = live_server
    broadcast_id = platform.broadcast()
    platform.held_order(broadcast_id, "EDIT-1")
    open_queue(page, server.url)
    page.keyboard.press("j")
    page.keyboard.press("e")
    page.wait_for_selector("form.edit-order")
    page.fill("form.edit-order input[name=name]", "")
    page.keyboard.press("Enter")
    error = page.wait_for_selector('form.edit-order .field-error[data-field="buyer.name"]:not(:empty)')
    assert error.inner_text() == "Name is required"
    page.fill("form.edit-order input[name=name]", "张三")
    page.fill("form.edit-order input[name=phone]", "139 1234 5678")
    page.fill("form.edit-order input[name=reason]", "buyer sent the number in chat")
    page.keyboard.press("Enter")
    page.wait_for_selector(row("EDIT-1"), state="detached")
    order = platform.order("EDIT-1")
    assert order["status"] == "accepted"
    assert any(h["reason"] == "buyer sent the number in chat" and h["actor"] == "auditor" for h in order["history"])
    assert page.errors == [] and page.dialogs == []


def test_bulk_approve_shows_where_each_order_ended_and_a_summary(live_server, platform, page):
    server, _token = live_server
    broadcast_id = platform.broadcast()
    platform.call("POST", "/api/v1/products", {"sku": "GONE", "name": "Sold out", "price": "80.00", "stock": 0})
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "GONE"})
    platform.held_order(broadcast_id, "OUT-OK")
    event = order_event("GONE", 1, order_id="OUT-NOSTOCK", unit_price="80.00")
    event["buyer"]["phone"] = None
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})
    open_queue(page, server.url)
    page.check(row("OUT-OK") + " .row-check")
    page.check(row("OUT-NOSTOCK") + " .row-check")
    page.click("#bulk-approve")
    page.fill("#reason-dialog input[name=reason]", "verified by phone")
    page.keyboard.press("Enter")

    page.wait_for_selector("#bulk-outcome:not([hidden])")
    expect(page.locator("#bulk-summary")).to_have_text("1 approved · 1 waitlisted")
    outcomes = page.eval_on_selector_all("#bulk-results li", "items => items.map(i => [i.dataset.orderId, i.dataset.outcome])")
    assert outcomes == [["OUT-OK", "approved"], ["OUT-NOSTOCK", "waitlisted"]]
    assert "waitlisted" in page.inner_text('#bulk-results li[data-order-id="OUT-NOSTOCK"]')
    page.wait_for_selector(row("OUT-NOSTOCK"), state="detached")
    assert platform.order("OUT-NOSTOCK")["status"] == "waitlisted"
    screenshot(page, "audit-bulk-outcome")
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_queue_pages_through_every_held_order_and_its_badge_shows_the_true_count(live_server, platform, page):
    server, _token = live_server
    broadcast_id = platform.broadcast()
    events = []
    for n in range(55):
        event = order_event("TEA", 1, order_id=f"PAGE-{n:02d}", unit_price="80.00")
        event["buyer"]["phone"] = None
        events.append(event)
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": events})
    open_queue(page, server.url)

    assert page.inner_text("#queue-count") == "55"
    assert "55 held" in page.inner_text("#held-per-broadcast")
    assert len(page.query_selector_all("#queue tr.order-row")) == 50
    assert page.inner_text("#page-info") == "Page 1 of 2 · orders 1–50 of 55"
    page.click("#page-next")
    page.wait_for_selector(row("PAGE-54"))
    assert page.eval_on_selector_all("#queue tr", "rows => rows.map(r => r.dataset.orderId)") == [
        f"PAGE-{n}" for n in range(50, 55)]
    assert page.inner_text("#queue-count") == "55" and page.is_disabled("#page-next")
    page.click("#page-prev")
    page.wait_for_selector(row("PAGE-00"))
    assert page.errors == [] and page.dialogs == []
