"""The case API and the case page show one set of ledger figures (probe 1, D4): paid is every paid payment (the
duplicate too), so refunded never reads more than paid; and once a duplicate payment is given back, the order no
longer says "Paid twice — refund the second payment"."""
from __future__ import annotations

import re

import pytest

from tests.support.aftersales import agent_of, open_shop, pay_again, place_paid_order


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, after-sales agent) with TEE and CAP at 10 units each (99.00)."""
    broadcast_id = open_shop(any_app, any_api)
    return any_api, broadcast_id, agent_of(any_app)


def paid_twice(shop, order_id: str) -> str:
    """Pay a TEE order twice; return the duplicate payment's case id."""
    api, broadcast_id, _agent = shop
    place_paid_order(api, broadcast_id, order_id, [("TEE", 1)])
    pay_again(api, broadcast_id, order_id, "99.00", f"pay-{order_id}-again")
    case = api.get(f"/api/v1/orders/{order_id}").get_json()["cases"][0]
    assert case["reason"] == "duplicate_payment"
    return case["case_id"]


def ledger_on_page(agent, case_id: str) -> dict[str, str]:
    """Return the case page's ledger figures by their label."""
    page = agent.get(f"/aftersales/{case_id}").get_data(as_text=True)
    ledger = page[page.index('class="ledger-totals"'):page.index("</dl>", page.index('class="ledger-totals"'))]
    return dict(re.findall(r"<dt>([^<]+)</dt><dd[^>]*>(?:<strong>)?¥([0-9.]+)", ledger))


def test_the_case_api_and_page_read_paid_from_the_ledger_duplicate_payment_included(shop):
    _api, _broadcast_id, agent = shop
    case_id = paid_twice(shop, "DUP")
    case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    page = ledger_on_page(agent, case_id)
    assert (case["order_paid"], case["order_refunded"]) == ("198.00", "0.00")
    assert (page["Paid"], page["Refunded"]) == (case["order_paid"], case["order_refunded"])
    listed = agent.get("/api/v1/aftersales?type=refund_only").get_json()["cases"]
    assert [(c["case_id"], c["order_paid"]) for c in listed] == [(case_id, "198.00")]


def test_refunded_never_reads_more_than_paid_when_both_payments_went_back(shop):
    api, _broadcast_id, agent = shop
    duplicate = paid_twice(shop, "BOTH")
    agent.post(f"/api/v1/aftersales/{duplicate}/approve", json={})
    assert agent.post(f"/api/v1/aftersales/{duplicate}/refunds", json={"amount": "99.00"}).status_code == 201
    purchase = agent.post("/api/v1/orders/BOTH/aftersales", json={"type": "refund_only", "reason": "other"}).get_json()
    agent.post(f"/api/v1/aftersales/{purchase['case_id']}/approve", json={})
    assert agent.post(f"/api/v1/aftersales/{purchase['case_id']}/refunds", json={"amount": "99.00"}).status_code == 201

    for case_id in (duplicate, purchase["case_id"]):
        case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
        assert (case["order_paid"], case["order_refunded"]) == ("198.00", "198.00")
        assert ledger_on_page(agent, case_id)["Paid"] == "198.00"
    assert api.get("/api/v1/orders/BOTH").get_json()["refunded"] == "198.00"


def test_the_paid_twice_finding_retires_once_the_second_payment_is_refunded(shop):
    api, _broadcast_id, agent = shop
    case_id = paid_twice(shop, "ONCE")
    order = api.get("/api/v1/orders/ONCE").get_json()
    assert [f["code"] for f in order["findings"]] == ["duplicate_payment"] and order["refund_due"] is True
    assert "Paid twice" in agent.get("/orders/ONCE").get_data(as_text=True)

    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.00", "status": "pending"})
    waiting = api.get("/api/v1/orders/ONCE").get_json()
    assert [f["code"] for f in waiting["findings"]] == ["duplicate_payment"]  # not given back yet
    refund_id = agent.get(f"/api/v1/aftersales/{case_id}").get_json()["refunds"][0]["refund_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/succeed", json={})

    order = api.get("/api/v1/orders/ONCE").get_json()
    assert order["findings"] == [] and order["refund_due"] is False and order["status"] == "paid"
    assert "Paid twice" not in agent.get("/orders/ONCE").get_data(as_text=True)


def test_a_rejected_duplicate_payment_refund_keeps_its_finding(shop):
    api, _broadcast_id, agent = shop
    case_id = paid_twice(shop, "KEPT")
    agent.post(f"/api/v1/aftersales/{case_id}/reject", json={"reason": "the platform refunded it"})
    assert [f["code"] for f in api.get("/api/v1/orders/KEPT").get_json()["findings"]] == ["duplicate_payment"]
