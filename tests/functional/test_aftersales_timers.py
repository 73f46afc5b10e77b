"""After-sales timers through the sweeper, with a frozen clock: each fires at exactly its deadline, once.

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.aftersales.models import AftersaleCase, CaseEvent
from orders.aftersales.sweeper import sweep
from tests.support.aftersales import shipped_shop

SECOND = timedelta(seconds=1)


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, agent) with ORD-1 (2 × TEE at 99.00) paid and shipped."""
    return shipped_shop(any_app, any_api)


def run_sweep(app, at: datetime) -> int:
    with app.app_context():
        return sweep(db.session, at)


def deadline(case: dict) -> datetime:
    return datetime.fromisoformat(case["deadline_at"])


def open_case(agent, case_type: str = "return_refund", reason: str = "quality") -> dict:
    response = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": case_type, "reason": reason})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_unanswered_request_is_approved_at_48_00_00_not_at_47_59_59_and_only_once(shop, any_app):
    agent = shop[2]
    case = open_case(agent)
    due = deadline(case)
    assert due == datetime.fromisoformat(case["created_at"]) + timedelta(hours=48)
    assert run_sweep(any_app, due - SECOND) == 0
    assert agent.get(f"/api/v1/aftersales/{case['case_id']}").get_json()["status"] == "requested"
    assert run_sweep(any_app, due) == 1
    assert run_sweep(any_app, due + SECOND) == 0
    after = agent.get(f"/api/v1/aftersales/{case['case_id']}").get_json()
    assert after["status"] == "awaiting_return" and after["deadline_kind"] == "return_ship"
    assert deadline(after) == due + timedelta(days=7)
    auto = after["timeline"][-1]
    assert auto["action"] == "approve" and auto["actor"] == "system" and auto["timer"] == f"respond@{due.isoformat()}"
    assert auto["data"]["auto"] is True


def test_a_return_not_shipped_in_seven_days_closes_the_case(shop, any_app):
    agent = shop[2]
    case = agent.post(f"/api/v1/aftersales/{open_case(agent)['case_id']}/approve", json={}).get_json()
    due = deadline(case)
    assert run_sweep(any_app, due - SECOND) == 0
    assert run_sweep(any_app, due) == 1
    closed = agent.get(f"/api/v1/aftersales/{case['case_id']}").get_json()
    assert closed["status"] == "closed" and closed["ended"] and closed["deadline_at"] is None
    order = shop[0].get("/api/v1/orders/ORD-1").get_json()
    assert any(n["kind"] == "aftersale_closed" for n in order["notices"])


def test_a_receipt_not_confirmed_in_ten_days_is_refunded_without_restocking(shop, any_app):
    api, _broadcast_id, agent = shop
    case_id = open_case(agent)["case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    shipped = agent.post(f"/api/v1/aftersales/{case_id}/return-shipment", json={"carrier": "SF", "tracking": "SF5"})
    due = deadline(shipped.get_json())
    assert shipped.get_json()["deadline_kind"] == "confirm_receipt"
    assert run_sweep(any_app, due - SECOND) == 0
    assert run_sweep(any_app, due) == 1
    refunded = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    assert refunded["status"] == "refunded" and refunded["refunds"][0]["total"] == "198.00"
    assert refunded["lines"][0]["received_qty"] == 0 and refunded["lines"][0]["restocked_qty"] == 0
    assert api.get("/api/v1/orders/ORD-1").get_json()["refunded"] == "198.00"


def test_a_received_return_is_refunded_within_seven_days_of_receipt(shop, any_app):
    agent = shop[2]
    case_id = open_case(agent)["case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    received = agent.post(f"/api/v1/aftersales/{case_id}/receive", json={}).get_json()
    due = deadline(received)
    inspected = agent.post(f"/api/v1/aftersales/{case_id}/inspect", json={}).get_json()
    assert deadline(inspected) == due  # inspecting does not restart the §25 clock
    assert run_sweep(any_app, due - SECOND) == 0
    assert run_sweep(any_app, due) == 1
    case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    assert case["status"] == "refunded" and case["lines"][0]["restocked_qty"] == 2


def test_an_unused_appeal_lapses_and_the_rejection_becomes_final(shop, any_app):
    agent = shop[2]
    case_id = open_case(agent, "exchange", "size_fit")["case_id"]
    rejected = agent.post(f"/api/v1/aftersales/{case_id}/reject", json={"reason": "worn"}).get_json()
    assert run_sweep(any_app, deadline(rejected)) == 1
    case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    assert case["status"] == "rejected" and case["ended"] and case["appeal_used"]
    assert agent.post(f"/api/v1/aftersales/{case_id}/appeal", json={"reason": "late"}).status_code == 409


def test_a_timer_whose_remedy_is_refused_is_recorded_once_and_left_to_a_person(shop, any_app):
    agent = shop[2]
    case_id = open_case(agent, "refund_only", "other")["case_id"]
    approved = agent.post(f"/api/v1/aftersales/{case_id}/approve", json={}).get_json()
    due = deadline(approved)
    assert agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "198.00", "status": "pending"}
                      ).status_code == 201
    with any_app.app_context():  # a deadline put back while the payout is awaited (as a platform event could)
        db.session.execute(sa.update(AftersaleCase).values(deadline_at=due, deadline_kind="refund"))
        db.session.commit()
    assert run_sweep(any_app, due) == 1
    assert run_sweep(any_app, due + SECOND) == 0
    case = agent.get(f"/api/v1/aftersales/{case_id}").get_json()
    assert case["status"] == "approved" and case["deadline_at"] is None
    assert case["timeline"][-1]["action"] == "timer_failed" and case["timeline"][-1]["data"]["code"] == "refund_pending"
    with any_app.app_context():
        keys = db.session.scalars(sa.select(CaseEvent.timer_key).where(CaseEvent.timer_key.is_not(None))).all()
    assert len(keys) == 1
