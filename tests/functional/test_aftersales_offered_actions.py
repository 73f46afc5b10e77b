"""What the after-sales pages and API offer a person is what the server then accepts (probe 2 of session 11): no
second refund while one waits for its payout, no reason only the system may give."""
from __future__ import annotations

import re

import pytest

from orders.aftersales.models import CASE_REASONS, SYSTEM_REASONS
from tests.support.aftersales import agent_of, open_shop, place_paid_order


@pytest.fixture
def shop(app, api):
    """Return (ingest API, broadcast id, after-sales agent) with TEE and CAP at 10 units each."""
    broadcast_id = open_shop(app, api)
    return api, broadcast_id, agent_of(app)


def test_a_case_whose_refund_waits_for_its_payout_offers_no_second_refund(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-P", [("TEE", 1)])
    case_id = agent.post("/api/v1/orders/ORD-P/aftersales", json={"type": "refund_only", "reason": "other"}
                         ).get_json()["case_id"]
    assert "refund" in agent.post(f"/api/v1/aftersales/{case_id}/approve", json={}).get_json()["actions"]
    pending = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.00", "status": "pending"})
    assert pending.status_code == 201, pending.get_json()
    case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    assert "refund" not in case["actions"] and "cancel" not in case["actions"]  # the payout first
    page = agent.get(f"/aftersales/{case_id}").get_data(as_text=True)
    assert 'data-open="refund"' not in page

    # Once the payout failed, the case may be refunded again.
    refund_id = pending.get_json()["refund_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/fail", json={"reason": "card closed"})
    assert "refund" in agent.get(f"/api/v1/aftersales/{case_id}").get_json()["actions"]
    assert 'data-open="refund"' in agent.get(f"/aftersales/{case_id}").get_data(as_text=True)


def test_the_order_page_offers_only_the_reasons_a_person_may_give(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-R", [("TEE", 1)])
    page = agent.get("/orders/ORD-R").get_data(as_text=True)
    select = page[page.index('<select name="reason">'):]
    reasons = re.findall(r'<option value="(\w+)"', select[:select.index("</select>")])
    assert reasons == [r for r in CASE_REASONS if r not in SYSTEM_REASONS]
    assert "duplicate_payment" not in reasons and "payment_on_closed_order" not in reasons
    for reason in reasons:
        if reason == "no_reason_7d":
            continue  # a return within 7 days of delivery: this order is not delivered

        opened = agent.post("/api/v1/orders/ORD-R/aftersales", json={"type": "refund_only", "reason": reason})
        assert opened.status_code == 201, (reason, opened.get_json())
        agent.post(f"/api/v1/aftersales/{opened.get_json()['case_id']}/cancel", json={})
