"""The reconciliation page's 催付 list in Chromium (probe 2, findings 14 and 15): "Remind all N" reminds every listed
unpaid order once, in chunks of the reminders API's limit, and a second click reminds nobody again; a moderator (who
may read the page but not remind or change the claim policy) is offered neither."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import requests
from playwright.sync_api import expect

from orders.claims.reminders import MAX_REMINDERS
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
UNPAID = 2 * MAX_REMINDERS + 50  # three requests: 200, 200 and 50
T0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=30)


@pytest.fixture
def unpaid(live_server):
    """Return (server, broadcast id, get): a broadcast with UNPAID accepted, unpaid orders of different buyers."""
    server, token = live_server
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"

    def call(method: str, path: str, body: dict | None = None) -> dict:
        response = session.request(method, server.url + path, json=body, timeout=60)
        assert response.status_code in (200, 201), response.text
        return response.json()

    call("POST", "/api/v1/products", {"sku": "MUG", "name": "Mug", "price": "20.00", "stock": 5000})
    broadcast_id = call("POST", "/api/v1/broadcasts", {"title": "Mugs", "platform": "douyin"})["id"]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/start", {})
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/products", {"sku": "MUG"})
    orders = [{"id": f"o-{n}", "type": "order", "ts": (T0 + timedelta(seconds=n)).isoformat(), "order_id": f"DY-{n}",
               "source": "in_stream", "buyer": {"id": f"v{n}", "name": f"买家{n}", "phone": f"138{n:08d}",
                                                "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区",
                                                            "detail": f"文三路 {n} 号"}},
               "items": [{"sku": "MUG", "qty": 1, "unit_price": "20.00"}], "coupon_codes": []} for n in range(UNPAID)]
    call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": orders})
    listed = call("GET", f"/api/v1/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0")["unpaid"]["total"]
    assert listed > 2 * MAX_REMINDERS, f"only {listed} orders are unpaid and due"
    return server, broadcast_id, lambda path: call("GET", path)


@pytest.mark.slow
def test_remind_all_reminds_every_listed_order_once_in_chunks_and_a_second_click_none(unpaid, page):
    server, broadcast_id, get = unpaid
    listed = get(f"/api/v1/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0")["unpaid"]["items"]
    sent: list[list[str]] = []
    page.on("request", lambda request: sent.append(json.loads(request.post_data)["order_ids"])
            if request.url.endswith("/reminders") else None)
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0")
    expect(page.locator("#remind-all")).to_have_text(f"Remind all {len(listed)}")
    page.click("#remind-all")
    expect(page.locator("#remind-status")).to_have_text(
        f"Reminder queued: {len(listed)} · {len(listed)} orders in all", timeout=60_000)
    reminded = [order_id for chunk in sent for order_id in chunk]
    assert max(len(chunk) for chunk in sent) <= MAX_REMINDERS and len(sent) == -(-len(listed) // MAX_REMINDERS)
    assert sorted(reminded) == sorted(o["order_id"] for o in listed)  # every row, each once
    expect(page.locator("#unpaid-orders button.remind:enabled")).to_have_count(0)
    expect(page.locator("#remind-all")).to_be_disabled()
    last = listed[-1]["order_id"]  # beyond the first 200: the old page never reached it
    assert [n["kind"] for n in get(f"/api/v1/orders/{last}")["notices"]].count("payment_reminder") == 1
    page.locator("#remind-all").dispatch_event("click")  # even forced, a second click sends nothing
    page.locator(f'#unpaid-orders tr[data-order-id="{last}"] button.remind').dispatch_event("click")
    page.wait_for_timeout(300)  # a request would have started at once; nothing to await when none is sent
    assert len(sent) == -(-len(listed) // MAX_REMINDERS)
    assert page.errors == [] and page.dialogs == []


def test_a_moderator_sees_the_list_and_the_policy_but_no_remind_and_no_save(unpaid, page):
    server, broadcast_id, get = unpaid
    log_in(page, server.url, "moderator")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0")
    expect(page.locator("#unpaid-orders tbody tr").first).to_be_visible()
    expect(page.locator("#unpaid-orders button.remind")).to_have_count(0)
    expect(page.locator("#remind-all")).to_have_count(0)
    expect(page.locator("#claim-policy button")).to_have_count(0)
    expect(page.locator("#claim-policy-read select[name=mode]")).to_be_disabled()
    policy = get(f"/api/v1/broadcasts/{broadcast_id}/claim-policy")
    expect(page.locator("#claim-policy-read input[name=hold_minutes]")).to_have_value(str(policy["hold_minutes"]))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == [] and page.dialogs == []


def test_a_host_is_offered_remind_and_save_policy(unpaid, page):
    server, broadcast_id, _get = unpaid
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/reconciliation?unpaid_minutes=0")
    expect(page.locator("#remind-all")).to_be_enabled()
    expect(page.locator("#unpaid-orders button.remind").first).to_be_enabled()
    expect(page.locator("#claim-policy-form button[type=submit]")).to_be_enabled()
    assert page.errors == [] and page.dialogs == []
