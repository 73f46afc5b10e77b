"""A complaint registered on a customer page can be about one of the buyer's orders, picked from a list of them
(probe of session 15: that form had no order, so the complaint lost its order, its refund and its survey)."""
from __future__ import annotations

import re

import pytest

from tests.browser.test_audit_queue import Platform
from tests.browser.test_viewports import log_in, new_page
from tests.support.api import order_event

pytestmark = pytest.mark.browser


@pytest.mark.slow
def test_an_agent_picks_the_order_a_customer_complains_about(live_server, browser):
    server, token = live_server
    platform = Platform(server.url, token)
    broadcast_id = platform.broadcast()
    for order_id in ("CC-1", "CC-2"):
        event = order_event("TEA", 1, order_id=order_id, unit_price="80.00")
        event["buyer"]["id"] = "B-77"
        platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [event]})
    page = new_page(browser, "en-US", (390, 844))
    log_in(page, server.url, "aftersales")
    page.goto(server.url + "/customers/B-77")
    page.click("#customer-complaint-form-panel details.register-complaint summary")
    form = page.locator("#customer-complaint-form")
    options = form.locator("select[name=order_id] option")
    assert options.first.inner_text() == "No particular order"
    assert sorted(options.nth(n).get_attribute("value") for n in (1, 2)) == ["CC-1", "CC-2"]
    form.locator("select[name=order_id]").select_option("CC-2")
    form.locator("textarea[name=text]").fill("茶叶受潮了")
    form.locator("button[type=submit]:not([disabled])").click()
    page.wait_for_url(re.compile(r"/complaints/CP-"))
    order_links = page.locator('main a[href="/orders/CC-2"]')
    assert order_links.count() >= 1 and page.locator('main a[href="/orders/CC-1"]').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == []
    page.context.close()
