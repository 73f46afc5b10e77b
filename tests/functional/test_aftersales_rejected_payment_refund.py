"""A payment's refund case (duplicate payment) that an agent rejects or cancels leaves the order owing nothing
(`refund_due` false) unless another payment's case is still open; the buyer's appeal makes it owed again.

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

import pytest

from tests.support.aftersales import pay_again, shipped_shop


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, agent) with ORD-1 (2 × TEE at 99.00) paid and shipped."""
    return shipped_shop(any_app, any_api)


def _refund_due(api) -> bool:
    return api.get("/api/v1/orders/ORD-1").get_json()["refund_due"]


def _step(agent, case_id: str, action: str, body: dict) -> dict:
    response = agent.post(f"/api/v1/aftersales/{case_id}/{action}", json=body)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def test_a_rejected_duplicate_payment_refund_is_no_longer_due_until_the_buyer_appeals(shop):
    api, broadcast_id, agent = shop
    [case] = pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup")["order"]["cases"]
    buyer = api.get("/api/v1/orders/ORD-1").get_json()["buyer"]["id"]
    assert _refund_due(api) is True

    assert _step(agent, case["case_id"], "reject", {"reason": "the platform already returned it"})["status"] == "rejected"

    assert _refund_due(api) is False
    assert "A refund is due" not in agent.get("/orders/ORD-1").get_data(as_text=True)
    assert agent.get(f"/api/v1/customers/{buyer}").get_json()["totals"]["refund_due_orders"] == 0
    _step(agent, case["case_id"], "appeal", {"reason": "it did not"})
    assert _refund_due(api) is True
    _step(agent, case["case_id"], "approve", {})
    _step(agent, case["case_id"], "refunds", {"amount": "198.00"})
    assert _refund_due(api) is False


def test_a_cancelled_duplicate_payment_refund_is_no_longer_due(shop):
    api, broadcast_id, agent = shop
    [case] = pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup")["order"]["cases"]
    _step(agent, case["case_id"], "cancel", {"reason": "the buyer keeps it as credit"})
    assert _refund_due(api) is False


def test_rejecting_one_duplicate_payment_leaves_the_other_one_owed(shop):
    api, broadcast_id, agent = shop
    pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup-1")
    first, second = pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup-2")["order"]["cases"]

    _step(agent, first["case_id"], "reject", {"reason": "not a duplicate"})
    assert _refund_due(api) is True  # pay-dup-2 still goes back

    _step(agent, second["case_id"], "approve", {})
    _step(agent, second["case_id"], "refunds", {"amount": "198.00"})
    assert _refund_due(api) is False


def test_rejecting_a_buyers_own_case_leaves_a_duplicate_payment_owed(shop):
    api, broadcast_id, agent = shop
    pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup")
    opened = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"})
    assert opened.status_code == 201, opened.get_json()
    _step(agent, opened.get_json()["case_id"], "reject", {"reason": "no defect in the photos"})
    assert _refund_due(api) is True
