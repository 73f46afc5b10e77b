"""An after-sales agent, in the browser (issue 14): opens a return on a delivered order from its order page, approves
it, marks it received and inspected, refunds the buyer (a refund past the lines' worth is refused under the amount
field) and sees the case refunded with its ledger; the queue shows countdowns and claims, and fits a phone."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.aftersales import intake
from orders.aftersales.common import Actor
from orders.aftersales.timers import TimerPolicy
from orders.models import Order
from tests.browser.test_audit_queue import Platform
from tests.support.api import now_iso, order_event
from tests.support.axe import blocking_violations
from tests.browser.test_narrow_chinese_pages import english_left
from tests.browser.test_viewports import OVERFLOW, SIZES, new_page, problems_on
from tests.support.databases import PASSWORD, make_app

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def paid_order(platform: Platform, broadcast_id: int, order_id: str, qty: int) -> None:
    """Place and pay an order of TEA (¥80 a unit)."""
    event = order_event("TEA", qty, order_id=order_id, unit_price="80.00")
    result = platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})["results"][0]
    assert result["status"] == "accepted", result
    payment = {"id": f"pay-{order_id}", "type": "payment", "ts": now_iso(), "order_id": order_id, "status": "paid",
               "amount": f"{80 * qty}.00", "method": "alipay"}
    paid = platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [payment]})["results"][0]
    assert paid["order"]["status"] == "paid", paid


@pytest.fixture
def shop(live_server, sqlite_url):
    """Return the server's address with two delivered orders of TEA (RET-1: 2 units; EXC-1: 1 unit) and an exchange
    case already open on EXC-1, due in 5 hours (fulfilment is set directly: this test is about after-sales)."""
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    paid_order(platform, broadcast_id, "RET-1", 2)
    paid_order(platform, broadcast_id, "EXC-1", 1)
    app = make_app(sqlite_url)
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.order_id.in_(["RET-1", "EXC-1"]))
                           .values(status="delivered", delivered_at=utcnow() - timedelta(days=1)))
        outcome = intake.open_case(db.session, "EXC-1", Actor(None, "douyin"), utcnow(), TimerPolicy(),
                                   case_type="exchange", reason="size_fit", note="想换大一码")
        outcome.case.deadline_at = utcnow() + timedelta(hours=5)
        db.session.commit()
        case_id = outcome.case.case_id
    return server.url, case_id


def log_in_as_agent(page, base: str) -> None:
    """Log in as the after-sales agent, who lands on the after-sales queue."""
    page.goto(base + "/login")
    page.fill("#username", "aftersales")
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(base + "/aftersales")


def act(page, button: str, fill: dict | None = None, expect: str | None = None) -> None:
    """Press a case action's button, fill its dialog, confirm, and wait for the page to show the new status."""
    page.click(f'#case-actions button[data-open="{button}"]')
    dialog = page.locator(f"#dialog-{button}")
    for selector, value in (fill or {}).items():
        dialog.locator(selector).fill(value)
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    if expect:
        assert page.get_attribute("#aftersales-case", "data-status") == expect


@pytest.mark.slow
def test_an_agent_opens_a_return_and_refunds_it_from_the_order_page(shop, page):
    base, _exchange = shop
    log_in_as_agent(page, base)
    queue_row = page.locator('tr.case-row').first
    assert "left" in queue_row.locator(".countdown").inner_text()
    queue_row.locator(".claim-button").click()
    page.wait_for_selector('tr.case-row [data-role=claim].mine')

    page.goto(base + "/orders/RET-1")
    form = page.locator("#open-case-form")
    form.locator("select[name=type]").select_option("return_refund")
    form.locator("select[name=reason]").select_option("quality")
    form.locator('input[data-sku="TEA"]').fill("1")
    form.locator("textarea[name=note]").fill("杯子有裂痕 <b>not bold</b>")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.get_attribute("#aftersales-case", "data-status") == "requested"
    assert "<b>not bold</b>" in page.inner_text(".case-facts .note")
    assert blocking_violations(page) == []

    act(page, "approve", expect="awaiting_return")
    act(page, "receive", expect="received")
    act(page, "inspect", expect="inspected")

    page.click('#case-actions button[data-open="refund"]')
    refund = page.locator("#dialog-refund")
    expect(refund.locator("input[name=amount]")).to_have_value("80.00")
    refund.locator("input[name=amount]").fill("999")
    refund.locator("button[type=submit]").click()
    error = refund.locator('.field-error[data-field="amount"]')
    error.wait_for()
    page.wait_for_function("document.querySelector('#dialog-refund .field-error[data-field=amount]').textContent !== ''")
    assert error.inner_text() and refund.locator("input[name=amount]").get_attribute("aria-invalid") == "true"
    refund.locator("input[name=amount]").fill("80.00")
    with page.expect_navigation():
        refund.locator("button[type=submit]").click()

    assert page.get_attribute("#aftersales-case", "data-status") == "refunded"
    assert "refunded" in page.inner_text("h1 .badge")
    ledger = page.inner_text("#refunds tbody")
    assert "¥80.00" in ledger and "succeeded" in ledger and "aftersales" in ledger
    assert page.inner_text("#ledger-refunded") == "¥80.00" and page.inner_text("#ledger-available") == "¥80.00"
    steps = page.eval_on_selector_all("#timeline tr[data-action]", "rows => rows.map(r => r.dataset.action)")
    assert steps == ["open", "approve", "receive", "inspect", "refund"]
    assert page.locator("#case-actions").count() == 0  # a refunded case has ended
    assert blocking_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "aftersales-case.png"), full_page=True)

    page.goto(base + "/orders/RET-1")
    assert "refunded" in page.inner_text("#order-cases")
    assert blocking_violations(page) == []

    page.goto(base + "/aftersales?status=all")
    assert page.locator("tr.case-row").count() == 2
    assert blocking_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "aftersales-queue.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/aftersales?status=all")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert blocking_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "aftersales-queue-390.png"), full_page=True)
    page.goto(page.url.replace("/aftersales?status=all", "") + "/aftersales?status=refunded")
    with page.expect_navigation():
        page.click("tr.case-row a.case-link")
    assert page.evaluate(OVERFLOW) is None
    page.screenshot(path=str(SCREENSHOTS / "aftersales-case-390.png"), full_page=True)
    assert page.errors == [] and page.dialogs == []


@pytest.mark.slow
def test_the_after_sales_pages_read_in_chinese_and_fit_a_phone(shop, browser):
    base, case_id = shop
    page = new_page(browser, "zh-CN", SIZES["phone"])
    log_in_as_agent(page, base)
    found = {path: problems_on(page, base, path, "zh-CN")
             for path in ("/aftersales", f"/aftersales/{case_id}", "/aftersales?status=all")}
    # The order page as a whole belongs to the back office: here, its after-sales section must read in Chinese.
    found["/orders/EXC-1"] = problems_on(page, base, "/orders/EXC-1", "en")
    section = re.sub(r"AS-[0-9A-F]+|TEA", " ", page.inner_text("#aftersales"))  # case ids and SKUs are data
    found["#aftersales"] = english_left(section)
    assert {path: problems for path, problems in found.items() if problems} == {}
    page.goto(base + f"/aftersales/{case_id}")
    page.click('#case-actions button[data-open="approve"]')
    expect(page.locator("#dialog-approve")).to_be_visible()
    assert page.evaluate(OVERFLOW) is None
    assert blocking_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "aftersales-case-zh-390.png"), full_page=True)
    page.context.close()
