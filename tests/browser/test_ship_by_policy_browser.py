"""A broadcast's ship-by deadline is set on /fulfilment, in the browser (before: only through the API): the agent
changes 48 hours to 2 business days, a refused number says why at its field, orders paid afterwards get the new
deadline; a host reads the deadline but has no form. On a laptop and on a phone."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_fulfilment_flow import agent_page, paid_order

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.slow
def test_an_agent_sets_the_ship_by_deadline_of_a_broadcast(live_server, call, browser, page, width):
    server, token = live_server
    call("POST", "/api/v1/products", {"sku": "TEE", "name": "T-shirt", "price": "59.00", "stock": 20})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Autumn live", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "TEE"})

    agent = agent_page(browser, server.url, width)
    agent.goto(f"{server.url}/fulfilment?broadcast_id={broadcast_id}")
    expect(agent.locator("#ship-by-policy")).to_contain_text("48 hours")
    agent.click("#ship-by-edit summary")
    agent.fill("#ship-by-form input[name=amount]", "0")
    agent.click("#ship-by-form button[type=submit]")
    expect(agent.locator('#ship-by-form .field-error[data-field="amount"]')).to_contain_text("Ship within is a whole number from 1 to 720")
    agent.select_option("#ship-by-form select[name=mode]", "business_days")
    agent.fill("#ship-by-form input[name=amount]", "2")
    with agent.expect_navigation():
        agent.click("#ship-by-form button[type=submit]")
    expect(agent.locator("#ship-by-policy")).to_contain_text("2 business days")
    assert agent.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert agent.errors == []

    policy = requests.get(f"{server.url}/api/v1/broadcasts/{broadcast_id}/ship-by-policy",
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert (policy.status_code, policy.json()["mode"], policy.json()["amount"]) == (200, "business_days", 2)
    paid_order(call, broadcast_id, "DY-3001", 1)
    agent.reload()
    expect(agent.locator('#to-pack tr[data-order-id="DY-3001"]')).to_be_visible()

    log_in(page, server.url, "host")
    page.goto(f"{server.url}/fulfilment?broadcast_id={broadcast_id}")
    expect(page.locator("#ship-by-policy")).to_contain_text("2 business days")
    expect(page.locator("#ship-by-form")).to_have_count(0)
