"""After-sales through the API (issue 14): opening cases, each step, refunds within what was paid, restock, roles.

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.aftersales.models import AftersaleCase, CaseEvent, Refund
from orders.models import OrderHistory, StockLevel
from tests.support.aftersales import agent_of, mark_delivered, open_shop, place_paid_order, ship


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, after-sales agent) with TEE and CAP at 10 units each."""
    broadcast_id = open_shop(any_app, any_api)
    return any_api, broadcast_id, agent_of(any_app)


def shipped_order(shop, order_id: str = "ORD-1", items=(("TEE", 2),)) -> dict:
    api, broadcast_id, agent = shop
    order = place_paid_order(api, broadcast_id, order_id, list(items))
    ship(agent, order_id)
    return order


def stock(app, sku: str) -> tuple[int, int]:
    with app.app_context():
        row = db.session.execute(sa.select(StockLevel.available, StockLevel.sold).where(StockLevel.sku == sku)).one()
        return tuple(row)


def test_a_return_is_opened_with_its_48_hour_deadline_and_listed_on_the_order(shop):
    api, _broadcast_id, agent = shop
    shipped_order(shop)
    before = utcnow()
    response = agent.post("/api/v1/orders/ORD-1/aftersales",
                          json={"type": "return_refund", "reason": "quality", "lines": [{"sku": "TEE", "qty": 1}]})
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["case_id"].startswith("AS-") and case["status"] == "requested" and case["version"] == 1
    deadline = case["deadline_at"]
    assert deadline and case["deadline_kind"] == "respond"
    from datetime import datetime
    due = datetime.fromisoformat(deadline)
    assert before + timedelta(hours=48) <= due <= utcnow() + timedelta(hours=48)
    assert case["requested_amount"] == "99.00" and case["responsibility"] == "seller"
    assert case["lines"] == [{"sku": "TEE", "qty": 1, "unit_price": "99.00", "received_qty": 0, "sellable_qty": 0,
                              "restocked_qty": 0}]
    assert case["timeline"][0]["action"] == "open" and case["timeline"][0]["from_status"] is None
    order = api.get("/api/v1/orders/ORD-1").get_json()
    assert order["refunded"] == "0.00"
    assert [c["case_id"] for c in order["cases"]] == [case["case_id"]]
    assert any(h["action"] == "aftersale" and h["data"]["step"] == "open" for h in order["history"])
    assert any(n["kind"] == "aftersale_opened" for n in order["notices"])


def test_goods_cases_need_a_shipped_order_and_every_case_a_paid_one(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "PAID", [("TEE", 1)])
    not_shipped = agent.post("/api/v1/orders/PAID/aftersales", json={"type": "exchange", "reason": "size_fit"})
    assert not_shipped.status_code == 409 and not_shipped.get_json()["error"]["code"] == "not_shipped"
    refund_only = agent.post("/api/v1/orders/PAID/aftersales", json={"type": "refund_only", "reason": "other"})
    assert refund_only.status_code == 201 and refund_only.get_json()["requested_amount"] == "99.00"
    unknown = agent.post("/api/v1/orders/NOPE/aftersales", json={"type": "refund_only", "reason": "other"})
    assert unknown.status_code == 404
    bad_type = agent.post("/api/v1/orders/PAID/aftersales", json={"type": "swap", "reason": "other"})
    assert bad_type.status_code == 400 and bad_type.get_json()["error"]["field"] == "type"
    system_reason = agent.post("/api/v1/orders/PAID/aftersales", json={"type": "refund_only", "reason": "duplicate_payment"})
    assert system_reason.status_code == 400 and system_reason.get_json()["error"]["field"] == "reason"


def test_a_return_runs_to_its_refund_and_only_sellable_units_go_back_on_stock(shop, any_app):
    api, _broadcast_id, agent = shop
    shipped_order(shop)
    assert stock(any_app, "TEE") == (8, 2)
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales",
                         json={"type": "return_refund", "reason": "quality"}).get_json()["case_id"]
    base = f"/api/v1/aftersales/{case_id}"
    approved = agent.post(f"{base}/approve", json={"reason": "photos show the stain"}).get_json()
    assert approved["status"] == "awaiting_return" and approved["deadline_kind"] == "return_ship"
    assert agent.post(f"{base}/return-shipment", json={"carrier": "SF", "tracking": "SF99"}).get_json()["status"] \
        == "return_shipped"
    received = agent.post(f"{base}/receive", json={}).get_json()
    assert received["status"] == "received" and received["lines"][0]["received_qty"] == 2
    inspected = agent.post(f"{base}/inspect", json={"lines": [{"sku": "TEE", "sellable_qty": 1}]}).get_json()
    assert inspected["status"] == "inspected" and inspected["lines"][0]["sellable_qty"] == 1
    refund = agent.post(f"{base}/refunds", json={"amount": "198.00"})
    assert refund.status_code == 201, refund.get_json()
    body = refund.get_json()
    assert body["status"] == "succeeded" and body["total"] == "198.00" and body["case"]["status"] == "refunded"
    assert body["lines"] == [{"sku": "TEE", "qty": 2, "amount": "198.00"}]
    assert stock(any_app, "TEE") == (9, 1)  # one sellable unit back, the stained one not
    order = api.get("/api/v1/orders/ORD-1").get_json()
    assert order["refunded"] == "198.00" and order["cases"][0]["status"] == "refunded"
    case = agent.get(base).get_json()
    assert case["ended"] and case["lines"][0]["restocked_qty"] == 1 and case["actions"] == []
    assert [step["action"] for step in case["timeline"]] == ["open", "approve", "ship_return", "receive", "inspect",
                                                             "refund"]
    assert [step["version"] for step in case["timeline"]] == [1, 2, 3, 4, 5, 6]
    kinds = [n["kind"] for n in order["notices"]]
    assert {"aftersale_opened", "aftersale_approved", "aftersale_received", "aftersale_refunded"} <= set(kinds)


def test_a_refund_over_what_was_paid_is_422_naming_amount_and_writes_nothing(shop, any_app):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-9", [("TEE", 1)])
    case_id = agent.post("/api/v1/orders/ORD-9/aftersales", json={"type": "refund_only", "reason": "other"}).get_json()[
        "case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    over = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.01"})
    assert over.status_code == 422, over.get_json()
    assert over.get_json()["error"]["field"] == "amount"
    assert over.get_json()["error"]["code"] == "amount_exceeds_refundable"
    with any_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Refund)) == 0
    assert api.get("/api/v1/orders/ORD-9").get_json()["refunded"] == "0.00"
    ok = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": 99})
    assert ok.status_code == 201 and api.get("/api/v1/orders/ORD-9").get_json()["refunded"] == "99.00"
    again = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "0.01"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "illegal_transition"


def test_opening_a_case_for_more_than_is_left_to_refund_is_422_naming_amount(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-8", [("TEE", 1)])
    too_much = agent.post("/api/v1/orders/ORD-8/aftersales",
                          json={"type": "refund_only", "reason": "other", "amount": "120.00"})
    assert too_much.status_code == 422 and too_much.get_json()["error"]["field"] == "amount"


def test_a_step_the_flow_does_not_allow_is_409_illegal_transition(shop):
    shipped_order(shop)
    agent = shop[2]
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"}
                         ).get_json()["case_id"]
    response = agent.post(f"/api/v1/aftersales/{case_id}/inspect", json={})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "illegal_transition" and error["field"] == "status" and "approve" in error["message"]
    assert agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": 1}).status_code == 409


def test_a_rejection_may_be_appealed_once(shop):
    shipped_order(shop)
    agent = shop[2]
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "exchange", "reason": "size_fit"}
                         ).get_json()["case_id"]
    base = f"/api/v1/aftersales/{case_id}"
    assert agent.post(f"{base}/reject", json={}).get_json()["error"]["field"] == "reason"
    rejected = agent.post(f"{base}/reject", json={"reason": "worn <b>twice</b>"}).get_json()
    assert rejected["status"] == "rejected" and rejected["deadline_kind"] == "appeal" and not rejected["ended"]
    assert rejected["rejection_reason"] == "worn <b>twice</b>"
    assert agent.post(f"{base}/appeal", json={"reason": "it was new"}).get_json()["status"] == "requested"
    final = agent.post(f"{base}/reject", json={"reason": "still worn"}).get_json()
    assert final["ended"] and final["deadline_at"] is None
    again = agent.post(f"{base}/appeal", json={"reason": "please"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "illegal_transition"


def test_an_exchange_sends_another_size_from_stock_and_puts_sellable_returns_back(shop, any_app):
    api, broadcast_id, agent = shop
    api.product("SHOE", stock=0, variants=[{"sku": "SHOE-38", "name": "38", "stock": 10},
                                           {"sku": "SHOE-39", "name": "39", "stock": 10}])
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "SHOE"}).status_code == 201
    shipped_order(shop, items=(("SHOE-38", 2),))
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales",
                         json={"type": "exchange", "reason": "size_fit", "lines": [{"sku": "SHOE-38", "qty": 1}]}
                         ).get_json()["case_id"]
    base = f"/api/v1/aftersales/{case_id}"
    for step, body in (("approve", {}), ("receive", {}), ("inspect", {})):
        assert agent.post(f"{base}/{step}", json=body).status_code == 200, step
    sent = agent.post(f"{base}/replacement",
                      json={"carrier": "SF", "tracking": "SF1234567890177", "lines": [{"sku": "SHOE-39", "qty": 1}]})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["status"] == "replacement_shipped"
    assert stock(any_app, "SHOE-39") == (9, 1) and stock(any_app, "SHOE-38") == (9, 1)
    done = agent.post(f"{base}/complete", json={}).get_json()
    assert done["status"] == "completed" and done["ended"]


def test_a_replacement_parcel_needs_a_known_carrier_and_a_number_of_its_pattern(shop, any_app):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-2", [("CAP", 1)])
    ship(agent, "ORD-2")
    case_id = agent.post("/api/v1/orders/ORD-2/aftersales", json={"type": "reship", "reason": "missing_item"}
                         ).get_json()["case_id"]
    base = f"/api/v1/aftersales/{case_id}"
    agent.post(f"{base}/approve", json={})
    before = stock(any_app, "CAP")
    for body, code, field in (({"carrier": "XX", "tracking": "SF1234567890123"}, "unknown_carrier", "carrier"),
                              ({"carrier": "SF", "tracking": "abc"}, "invalid_tracking_no", "tracking"),
                              ({"carrier": "YTO", "tracking": "SF1234567890123"}, "invalid_tracking_no", "tracking")):
        refused = agent.post(f"{base}/replacement", json=body)
        assert refused.status_code == 422, refused.get_json()
        assert (refused.get_json()["error"]["code"], refused.get_json()["error"]["field"]) == (code, field)
    assert agent.get(base).get_json()["status"] == "approved" and stock(any_app, "CAP") == before
    sent = agent.post(f"{base}/replacement", json={"carrier": "j&t", "tracking": "jt 1234567890123"})
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["replacement_shipment"] == {"carrier": "JT", "tracking": "JT1234567890123"}


def test_the_buyers_return_parcel_is_recorded_as_given(shop):
    _api, _broadcast_id, agent = shop
    shipped_order(shop)
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"}
                         ).get_json()["case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    recorded = agent.post(f"/api/v1/aftersales/{case_id}/return-shipment",
                          json={"carrier": "德邦快递", "tracking": "DPK-7788"})
    assert recorded.status_code == 200, recorded.get_json()
    assert recorded.get_json()["return_shipment"] == {"carrier": "德邦快递", "tracking": "DPK-7788"}


def test_a_replacement_out_of_stock_is_409_and_changes_nothing(shop, any_app):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-2", [("CAP", 10)])
    ship(agent, "ORD-2")
    case_id = agent.post("/api/v1/orders/ORD-2/aftersales", json={"type": "reship", "reason": "missing_item",
                                                                  "lines": [{"sku": "CAP", "qty": 1}]}).get_json()["case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    response = agent.post(f"/api/v1/aftersales/{case_id}/replacement", json={"carrier": "SF", "tracking": "SF1234567890101"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "out_of_stock"
    assert agent.get(f"/api/v1/aftersales/{case_id}").get_json()["status"] == "approved"
    assert stock(any_app, "CAP") == (0, 10)


def test_lines_are_checked_against_the_order_and_the_other_cases(shop):
    shipped_order(shop)
    agent = shop[2]
    unknown = agent.post("/api/v1/orders/ORD-1/aftersales",
                         json={"type": "return_refund", "reason": "quality", "lines": [{"sku": "CAP", "qty": 1}]})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["field"] == "lines[0].sku"
    first = agent.post("/api/v1/orders/ORD-1/aftersales",
                       json={"type": "return_refund", "reason": "quality", "lines": [{"sku": "TEE", "qty": 2}]})
    assert first.status_code == 201
    second = agent.post("/api/v1/orders/ORD-1/aftersales",
                        json={"type": "exchange", "reason": "size_fit", "lines": [{"sku": "TEE", "qty": 1}]})
    assert second.status_code == 422 and second.get_json()["error"]["field"] == "lines[0].qty"
    agent.post(f"/api/v1/aftersales/{first.get_json()['case_id']}/cancel", json={"reason": "keeps them"})
    assert agent.post("/api/v1/orders/ORD-1/aftersales",
                      json={"type": "exchange", "reason": "size_fit", "lines": [{"sku": "TEE", "qty": 1}]}
                      ).status_code == 201


def test_seven_day_no_reason_returns_run_from_delivery_only(shop, any_app):
    shipped_order(shop)
    agent = shop[2]
    body = {"type": "return_refund", "reason": "no_reason_7d"}
    not_delivered = agent.post("/api/v1/orders/ORD-1/aftersales", json=body)
    assert not_delivered.status_code == 422 and not_delivered.get_json()["error"]["code"] == "no_reason_window_passed"
    mark_delivered(any_app, "ORD-1", utcnow() - timedelta(days=8))
    assert agent.post("/api/v1/orders/ORD-1/aftersales", json=body).status_code == 422
    mark_delivered(any_app, "ORD-1", utcnow() - timedelta(days=6))
    opened = agent.post("/api/v1/orders/ORD-1/aftersales", json=body)
    assert opened.status_code == 201 and opened.get_json()["freight_payer"] == "buyer"


def test_a_pending_refund_holds_its_amount_until_its_payout_succeeds_or_fails(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-3", [("TEE", 1)])
    case_id = agent.post("/api/v1/orders/ORD-3/aftersales", json={"type": "refund_only", "reason": "other"}
                         ).get_json()["case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    pending = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.00", "status": "pending"})
    assert pending.status_code == 201 and pending.get_json()["status"] == "pending"
    refund_id = pending.get_json()["refund_id"]
    assert agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "1.00"}).get_json()["error"]["code"] \
        == "refund_pending"
    assert api.get("/api/v1/orders/ORD-3").get_json()["refunded"] == "0.00"
    assert agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/fail", json={}).status_code == 400
    failed = agent.post(f"/api/v1/aftersales/{case_id}/refunds/{refund_id}/fail", json={"reason": "card closed"})
    assert failed.get_json()["status"] == "failed" and failed.get_json()["case"]["status"] == "approved"
    second = agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.00", "status": "pending"}).get_json()
    done = agent.post(f"/api/v1/aftersales/{case_id}/refunds/{second['refund_id']}/succeed", json={})
    assert done.status_code == 200 and done.get_json()["case"]["status"] == "refunded"
    assert api.get("/api/v1/orders/ORD-3").get_json()["refunded"] == "99.00"
    settled = agent.post(f"/api/v1/aftersales/{case_id}/refunds/{second['refund_id']}/succeed", json={})
    assert settled.status_code == 409 and settled.get_json()["error"]["code"] == "refund_settled"


def test_a_stale_version_and_another_agents_claim_are_409(shop, any_app):
    shipped_order(shop)
    agent = shop[2]
    admin = agent_of(any_app, "admin")
    case = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"}).get_json()
    base = f"/api/v1/aftersales/{case['case_id']}"
    stale = agent.post(f"{base}/approve", json={"version": case["version"] + 1})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert admin.post(f"{base}/claim").get_json()["claimed_by"] is not None
    taken = agent.post(f"{base}/approve", json={"version": case["version"]})
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "claimed"
    admin.post(f"{base}/release")
    assert agent.post(f"{base}/approve", json={"version": case["version"]}).status_code == 200


def test_auditors_read_cases_and_only_agents_act(shop, any_app):
    shipped_order(shop)
    agent = shop[2]
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"}
                         ).get_json()["case_id"]
    auditor, host = agent_of(any_app, "auditor"), agent_of(any_app, "host")
    listed = auditor.get("/api/v1/aftersales?status=requested&type=return_refund").get_json()
    assert [c["case_id"] for c in listed["cases"]] == [case_id] and listed["total"] == 1
    assert auditor.get(f"/api/v1/aftersales/{case_id}").status_code == 200
    assert auditor.post(f"/api/v1/aftersales/{case_id}/approve", json={}).status_code == 403
    assert host.get("/api/v1/aftersales").status_code == 403
    assert auditor.get("/api/v1/aftersales?status=nope").status_code == 400
    assert agent.get("/api/v1/aftersales?status=refunded").get_json()["total"] == 0
    assert agent.get("/api/v1/aftersales/AS-NOPE").status_code == 404


def test_every_step_is_a_case_event_and_an_order_history_row(shop, any_app):
    shipped_order(shop)
    agent = shop[2]
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"}
                         ).get_json()["case_id"]
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    agent.post(f"/api/v1/aftersales/{case_id}/cancel", json={"reason": "buyer keeps it"})
    with any_app.app_context():
        events = db.session.execute(sa.select(CaseEvent.action, CaseEvent.actor).order_by(CaseEvent.id)).all()
        history = db.session.scalars(sa.select(OrderHistory.data).where(OrderHistory.action == "aftersale")
                                     .order_by(OrderHistory.id)).all()
        case = db.session.scalar(sa.select(AftersaleCase))
    assert [e.action for e in events] == ["open", "approve", "cancel"] and {e.actor for e in events} == {"aftersales"}
    assert [h["step"] for h in history] == ["open", "approve", "cancel"]
    assert case.status == "cancelled" and case.closed_at is not None


def test_answers_fit_the_documented_schemas(shop, any_app):
    from app.openapi.spec import build_spec
    from tests.functional.test_openapi import conforms, response_schema

    api, _broadcast_id, agent = shop
    shipped_order(shop)
    spec = build_spec()
    opened = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"})
    case_id = opened.get_json()["case_id"]
    base = "/api/v1/aftersales/{case_id}"
    agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    agent.post(f"/api/v1/aftersales/{case_id}/receive", json={})
    checks = [
        ("/api/v1/orders/{order_id}/aftersales", "post", opened),
        ("/api/v1/aftersales", "get", agent.get("/api/v1/aftersales")),
        ("/api/v1/aftersales/policy", "get", agent.get("/api/v1/aftersales/policy")),
        (base, "get", agent.get(f"/api/v1/aftersales/{case_id}")),
        (f"{base}/inspect", "post", agent.post(f"/api/v1/aftersales/{case_id}/inspect", json={})),
        (f"{base}/refunds", "post", agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "500"})),
        (f"{base}/refunds", "post", agent.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "198.00"})),
        (f"{base}/approve", "post", agent.post(f"/api/v1/aftersales/{case_id}/approve", json={})),
        ("/api/v1/orders/{order_id}", "get", api.get("/api/v1/orders/ORD-1")),
    ]
    for path, method, response in checks:
        schema = response_schema(spec, path, method, response.status_code)
        assert conforms(response.get_json(), schema, spec) == [], f"{method} {path} {response.status_code}"


def test_other_domains_open_a_case_through_the_public_action(shop, any_app):
    from orders.actions import find_order
    from orders.aftersales.actions import open_case

    api, broadcast_id, _agent = shop
    place_paid_order(api, broadcast_id, "ORD-5", [("TEE", 1)])
    with any_app.app_context():
        case = open_case(db.session, find_order(db.session, "ORD-5"), case_type="refund_only", reason="quality",
                         actor="complaints:alice", now=utcnow(), note="complaint C-1")
        case_id = case.case_id
        db.session.commit()
    order = api.get("/api/v1/orders/ORD-5").get_json()
    assert order["cases"] == [{"case_id": case_id, "type": "refund_only", "reason": "quality", "status": "requested",
                               "deadline_at": order["cases"][0]["deadline_at"]}]
