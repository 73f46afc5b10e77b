"""After-sales intake from the platforms: `aftersale` events mirrored into cases, and payments that must go back.

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.aftersales.models import AftersaleCase, CaseEvent, CaseLine, Refund
from orders.aftersales.sweeper import sweep
from tests.support.aftersales import aftersale_event, pay_again, shipped_shop


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, agent) with ORD-1 (2 × TEE at 99.00) paid and shipped."""
    return shipped_shop(any_app, any_api)


def send(api, broadcast_id: int, *events) -> list[dict]:
    response = api.events(broadcast_id, list(events))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def test_a_platform_case_is_mirrored_once_and_redelivery_changes_nothing(shop):
    api, broadcast_id, agent = shop
    event = aftersale_event("as-1", "DY-AS-9", "ORD-1", "requested", reason="quality", amount="99.00",
                            reason_text="线头 <script>")
    [first] = send(api, broadcast_id, event)
    assert first["status"] == "accepted" and first["aftersale"]["changed"] is True
    [again] = send(api, broadcast_id, event)
    assert again["status"] == "duplicate"
    [same_state] = send(api, broadcast_id, {**event, "id": "as-1-bis"})
    assert same_state["status"] == "accepted" and same_state["aftersale"]["changed"] is False
    cases = agent.get("/api/v1/aftersales").get_json()["cases"]
    assert len(cases) == 1 and cases[0]["aftersale_id"] == "DY-AS-9" and cases[0]["platform"] == "douyin"
    assert cases[0]["requested_amount"] == "99.00" and cases[0]["note"] == "线头 <script>"


def test_the_platform_status_is_followed_and_a_late_older_event_is_ignored(shop):
    api, broadcast_id, agent = shop
    now = utcnow()
    send(api, broadcast_id, aftersale_event("as-1", "DY-1", "ORD-1", "requested", ts=now.isoformat()))
    [approved] = send(api, broadcast_id, aftersale_event("as-2", "DY-1", "ORD-1", "awaiting_return",
                                                          ts=(now + timedelta(seconds=5)).isoformat()))
    assert approved["aftersale"]["status"] == "awaiting_return"
    [late] = send(api, broadcast_id, aftersale_event("as-0", "DY-1", "ORD-1", "cancelled",
                                                      ts=(now - timedelta(seconds=5)).isoformat()))
    assert late["status"] == "accepted" and late["aftersale"]["changed"] is False
    case = agent.get(f"/api/v1/aftersales/{approved['aftersale']['case_id']}").get_json()
    assert case["status"] == "awaiting_return"
    assert [step["action"] for step in case["timeline"]] == ["open", "approve"]
    assert case["timeline"][-1]["actor"] == "platform:douyin"


def test_a_platform_deadline_replaces_the_policy_and_the_timer_fires_at_it(shop, any_app):
    api, broadcast_id, agent = shop
    platform_deadline = (utcnow() + timedelta(hours=24)).replace(microsecond=0)
    [result] = send(api, broadcast_id, aftersale_event("as-1", "DY-2", "ORD-1", "requested",
                                                        deadline_at=platform_deadline.isoformat()))
    case_id = result["aftersale"]["case_id"]
    case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    assert datetime.fromisoformat(case["deadline_at"]) == platform_deadline and case["deadline_source"] == "platform"
    with any_app.app_context():
        assert sweep(db.session, platform_deadline - timedelta(seconds=1)) == 0
        assert sweep(db.session, platform_deadline) == 1
    assert agent.get(f"/api/v1/aftersales/{case_id}").get_json()["status"] == "awaiting_return"


def test_a_platform_refund_is_written_to_the_ledger_within_what_was_paid(shop):
    api, broadcast_id, agent = shop
    [too_much] = send(api, broadcast_id, aftersale_event("as-1", "DY-3", "ORD-1", "refunded", "refund_only",
                                                          amount="300.00"))
    assert too_much["status"] == "rejected" and too_much["error"]["field"] == "amount"
    assert agent.get("/api/v1/aftersales").get_json()["total"] == 0  # the rejected event wrote nothing
    [ok] = send(api, broadcast_id, aftersale_event("as-2", "DY-3", "ORD-1", "refunded", "refund_only",
                                                    amount="150.00"))
    assert ok["status"] == "accepted" and ok["aftersale"]["status"] == "refunded"
    assert api.get("/api/v1/orders/ORD-1").get_json()["refunded"] == "150.00"


@pytest.mark.parametrize("fields, field", [
    ({"aftersale_type": "swap"}, "aftersale_type"),
    ({"status": "lost"}, "status"),
    ({"aftersale_id": "a/b"}, "aftersale_id"),
    ({"amount": "1.001"}, "amount"),
    ({"deadline_at": "2001-01-01T00:00:00Z"}, "deadline_at"),
    ({"deadline_at": "tomorrow"}, "deadline_at"),
])
def test_a_bad_aftersale_event_is_rejected_naming_its_field(shop, fields, field):
    api, broadcast_id, _agent = shop
    [result] = send(api, broadcast_id, {**aftersale_event("bad", "DY-4", "ORD-1", "requested"), **fields})
    assert result["status"] == "rejected" and result["error"]["field"] == field


def test_an_aftersale_event_for_an_unknown_order_is_rejected(shop):
    api, broadcast_id, _agent = shop
    [result] = send(api, broadcast_id, aftersale_event("as-9", "DY-9", "NOPE", "requested"))
    assert result["status"] == "rejected" and result["error"]["code"] == "unknown_order"


def test_a_duplicate_payment_becomes_a_refund_case_of_its_own(shop):
    api, broadcast_id, agent = shop
    result = pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup")
    assert result["order"]["refund_due"] is True
    [case_ref] = result["order"]["cases"]
    assert case_ref["reason"] == "duplicate_payment" and case_ref["type"] == "refund_only"
    case = agent.get(f"/api/v1/aftersales/{case_ref['case_id']}").get_json()
    assert case["requested_amount"] == "198.00" and case["requested_by"] == "system" and case["note"] == "payment:pay-dup"
    agent.post(f"/api/v1/aftersales/{case['case_id']}/approve", json={})
    refund = agent.post(f"/api/v1/aftersales/{case['case_id']}/refunds", json={"amount": "198.00"})
    assert refund.status_code == 201
    # Both payments were money received: the order can still refund its own 198.00, and not a cent more.
    listed = agent.get("/api/v1/aftersales?type=refund_only").get_json()
    assert listed["total"] == 1
    assert api.get("/api/v1/orders/ORD-1").get_json()["refunded"] == "198.00"
    second = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "refund_only", "reason": "other",
                                                                "amount": "198.01"})
    assert second.status_code == 422 and second.get_json()["error"]["field"] == "amount"


def test_an_order_no_longer_owes_a_refund_once_its_duplicate_payment_is_refunded(shop):
    api, broadcast_id, agent = shop
    [case_ref] = pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup")["order"]["cases"]
    buyer = api.get("/api/v1/orders/ORD-1").get_json()["buyer"]["id"]
    case_id = case_ref["case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    pending = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "198.00", "status": "pending"})
    assert pending.status_code == 201, pending.get_json()
    assert api.get("/api/v1/orders/ORD-1").get_json()["refund_due"] is True  # not paid out yet
    refund_id = pending.get_json()["refund_id"]
    succeeded = agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/succeed", json={})
    assert succeeded.status_code == 200, succeeded.get_json()
    assert api.get("/api/v1/orders/ORD-1").get_json()["refund_due"] is False
    page = agent.get("/orders/ORD-1").get_data(as_text=True)
    assert "A refund is due" not in page and 'class="refund"' not in page
    assert agent.get(f"/api/v1/customers/{buyer}").get_json()["totals"]["refund_due_orders"] == 0


def test_an_order_paid_three_times_owes_a_refund_until_both_extra_payments_are_refunded(shop):
    api, broadcast_id, agent = shop
    pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup-1")
    cases = pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-dup-2")["order"]["cases"]
    assert len(cases) == 2
    for number, case in enumerate(cases):
        agent.post(f"/api/v1/aftersales/{case['case_id']}/approve", json={})
        refund = agent.post(f"/api/v1/aftersales/{case['case_id']}/refunds", json={"amount": "198.00"})
        assert refund.status_code == 201, refund.get_json()
        assert api.get("/api/v1/orders/ORD-1").get_json()["refund_due"] is (number == 0)


def test_refund_due_payments_from_before_after_sales_get_their_case_from_the_command(shop, any_app):
    api, broadcast_id, _agent = shop
    pay_again(api, broadcast_id, "ORD-1", "198.00", "pay-old")
    with any_app.app_context():  # as if flagged before after-sales existed
        for table in (CaseEvent, CaseLine, Refund, AftersaleCase):
            db.session.execute(sa.delete(table))
        db.session.commit()
    runner = any_app.test_cli_runner()
    first = runner.invoke(args=["aftersales", "open-refund-due"])
    assert first.exit_code == 0 and "1 refund case" in first.output
    again = runner.invoke(args=["aftersales", "open-refund-due"])
    assert "0 refund cases" in again.output
