"""The after-sale contract as the issue names it (issue 14), called as an outside tool would: a scoped token.

Paths, fields, status codes and error shapes of shipments, tracking (neutral form and provider pushes) and
after-sales cases with their refunds; each check is one named clause of the issue text.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from orders.aftersales.sweeper import sweep as sweep_cases
from orders.fulfilment.providers import kdniao
from orders.fulfilment.stale import sweep as sweep_tracking
from tests.support import databases
from tests.support.aftersales import aftersale_event, pay_again
from tests.support.fulfilment import SF_NUMBER, AgentClient, place_paid_order, scoped_api

SALT = "contract-kuaidi100-salt"
APP_KEY = "contract-kdniao-app-key"


@pytest.fixture
def app(any_app):
    """Every test of this file runs on SQLite, then on PostgreSQL (CI=true): the contract holds on both."""
    return any_app


@pytest.fixture
def api(any_api):
    """The API client of any_app, with the legacy scopes (ingest, display)."""
    return any_api


@pytest.fixture
def shop(app, api):
    """Return (events API, after-sales token client, broadcast id) selling TEE and CAP, 10 units each at 99.00."""
    app.config.update(TRACKING_KUAIDI100_SALT=SALT, TRACKING_KDNIAO_APP_KEY=APP_KEY)
    api.product("TEE", stock=10, price="99.00")
    api.product("CAP", stock=10, price="99.00")
    broadcast_id = api.live_broadcast(skus=("TEE", "CAP"))
    return api, scoped_api(app, "aftersales"), broadcast_id


def ago(hours: float) -> str:
    """Return the ISO time `hours` before now."""
    return (datetime.now(timezone.utc) - timedelta(hours=hours)).isoformat()


def ship(tool, order_id: str, carrier: str = "SF", tracking_no: str = SF_NUMBER, lines=None):
    """POST a shipment for order_id; return the response."""
    body = {"carrier": carrier, "tracking_no": tracking_no}
    if lines is not None:
        body["lines"] = lines
    return tool.post(f"/api/v1/orders/{order_id}/shipments", json=body)


def error_of(response) -> dict:
    """Return the error object of a response, checking it has the documented shape."""
    error = response.get_json()["error"]
    assert set(error) >= {"code", "message", "field"}, error
    return error


def test_a_shipment_answers_201_with_its_id_and_status_and_get_lists_it(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-1", [("TEE", 2), ("CAP", 1)])
    first = ship(tool, "O-1", lines=[{"sku": "TEE", "qty": 2}])
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["shipment_id"] and body["status"] == "shipped"
    assert api.get("/api/v1/orders/O-1").get_json()["status"] == "partially_shipped"
    rest = ship(tool, "O-1", carrier="ZTO", tracking_no="773012345678")
    assert rest.status_code == 201
    assert api.get("/api/v1/orders/O-1").get_json()["status"] == "shipped"
    listed = tool.get("/api/v1/orders/O-1/shipments")
    assert listed.status_code == 200
    assert {s["shipment_id"] for s in listed.get_json()["shipments"]} == {body["shipment_id"],
                                                                          rest.get_json()["shipment_id"]}


@pytest.mark.parametrize("carrier, number", [
    ("SF", "SF1234567890123"), ("ZTO", "773012345678"), ("YTO", "YT1234567890123"), ("YD", "4312345678901"),
    ("STO", "773012345678"), ("JD", "JDVA12345678901"), ("EMS", "EA123456789CN"), ("J&T", "JT1234567890123"),
    ("JT", "JT1234567890123"),
])
def test_every_carrier_the_issue_names_ships_by_its_code(shop, carrier, number):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-C", [("TEE", 1)])
    response = ship(tool, "O-C", carrier=carrier, tracking_no=number)
    assert response.status_code == 201, response.get_json()


def test_a_tracking_number_that_breaks_its_carriers_pattern_is_refused_naming_it(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-2", [("TEE", 1)])
    response = ship(tool, "O-2", tracking_no="NOT-A-NUMBER")
    assert 400 <= response.status_code < 500
    assert error_of(response)["field"] == "tracking_no"
    unknown = ship(tool, "O-2", carrier="NOPE")
    assert 400 <= unknown.status_code < 500 and error_of(unknown)["field"] == "carrier"
    assert api.get("/api/v1/orders/O-2").get_json()["status"] == "paid"


@pytest.mark.slow
def test_neutral_checkpoints_move_the_shipment_and_delivered_on_every_parcel_delivers_the_order(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-3", [("TEE", 1), ("CAP", 1)])
    one = ship(tool, "O-3", lines=[{"sku": "TEE", "qty": 1}]).get_json()["shipment_id"]
    two = ship(tool, "O-3", carrier="ZTO", tracking_no="773012345678").get_json()["shipment_id"]
    moved = tool.post(f"/api/v1/shipments/{one}/tracking", json={"checkpoints": [
        {"at": ago(5), "status": "in_transit", "description": "到达杭州"},
        {"at": ago(4), "status": "out_for_delivery", "description": "派件中"},
        {"at": ago(3), "status": "delivered", "description": "已签收"}]})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["shipment_id"] == one and moved.get_json()["status"] == "delivered"
    assert api.get("/api/v1/orders/O-3").get_json()["status"] == "shipped"
    tool.post(f"/api/v1/shipments/{two}/tracking",
              json={"checkpoints": [{"at": ago(2), "status": "delivered", "description": "已签收"}]})
    order = api.get("/api/v1/orders/O-3").get_json()
    assert order["status"] == "delivered"
    assert any(n["kind"] == "delivered" for n in order["notices"])


def test_an_exception_checkpoint_raises_a_logistics_problem_with_a_buyer_notice(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-4", [("TEE", 1)])
    shipment = ship(tool, "O-4").get_json()["shipment_id"]
    tool.post(f"/api/v1/shipments/{shipment}/tracking",
              json={"checkpoints": [{"at": ago(1), "status": "exception", "description": "地址不详"}]})
    order = api.get("/api/v1/orders/O-4").get_json()
    assert order["status"] == "delivery_failed"
    assert any(n["kind"] == "delivery_exception" for n in order["notices"])
    assert "logistics_exception" in json.dumps(order["findings"])


def test_a_parcel_returned_after_delivery_makes_the_order_returned_to_sender_without_a_delivery_time(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-5", [("TEE", 1)])
    shipment = ship(tool, "O-5").get_json()["shipment_id"]
    tool.post(f"/api/v1/shipments/{shipment}/tracking",
              json={"checkpoints": [{"at": ago(3), "status": "delivered", "description": "已签收"}]})
    assert api.get("/api/v1/orders/O-5").get_json()["status"] == "delivered"
    tool.post(f"/api/v1/shipments/{shipment}/tracking",
              json={"checkpoints": [{"at": ago(1), "status": "returned", "description": "拒收退回"}]})
    order = api.get("/api/v1/orders/O-5").get_json()
    assert order["status"] == "returned_to_sender" and order.get("delivered_at") is None


def _kuaidi100_form(number: str, state: str, data: list[dict]) -> tuple[dict, str]:
    """Return (the form kuaidi100 posts, its param) for an SF parcel in state with its traces."""
    param = json.dumps({"status": "polling", "lastResult": {"state": state, "com": "shunfeng", "nu": number,
                                                            "ischeck": "1" if state == "3" else "0",
                                                            "data": data}}, ensure_ascii=False)
    return {"param": param}, param


def test_a_kuaidi100_push_signed_md5_of_param_and_salt_is_stored_once_and_a_bad_sign_writes_nothing(shop, app):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-6", [("TEE", 1)])
    shipment = ship(tool, "O-6").get_json()["shipment_id"]
    beijing = datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=1)
    form, param = _kuaidi100_form(SF_NUMBER, "3", [{"context": "已签收", "time": beijing.strftime("%Y-%m-%d %H:%M:%S"),
                                                    "ftime": beijing.strftime("%Y-%m-%d %H:%M:%S")}])
    client = app.test_client()
    forged = client.post("/api/v1/tracking/kuaidi100", data={**form, "sign": "0" * 32})
    assert forged.status_code == 401
    assert tool.get(f"/api/v1/shipments/{shipment}").get_json()["status"] == "shipped"
    sign = hashlib.md5((param + SALT).encode()).hexdigest()
    for _ in range(2):
        pushed = client.post("/api/v1/tracking/kuaidi100", data={**form, "sign": sign})
        assert pushed.status_code == 200 and pushed.get_json()["result"] is True
    parcel = tool.get(f"/api/v1/shipments/{shipment}").get_json()
    assert parcel["status"] == "delivered" and len(parcel["checkpoints"]) == 1
    assert api.get("/api/v1/orders/O-6").get_json()["status"] == "delivered"


def open_case(tool, order_id: str, **body):
    """POST an after-sales case for order_id; return the response."""
    return tool.post(f"/api/v1/orders/{order_id}/aftersales", json=body)


def test_a_case_answers_201_requested_with_its_deadline_and_reads_back_by_id_and_in_the_list(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-7", [("TEE", 1)])
    ship(tool, "O-7")
    response = open_case(tool, "O-7", type="return_refund", reason="quality", lines=[{"sku": "TEE", "qty": 1}],
                         note="stain")
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["case_id"] and case["status"] == "requested" and case["deadline_at"]
    hours = (datetime.fromisoformat(case["deadline_at"]) - datetime.now(timezone.utc)).total_seconds() / 3600
    assert 47.9 < hours <= 48
    assert tool.get(f"/api/v1/aftersales/{case['case_id']}").get_json()["case_id"] == case["case_id"]
    for query in ("status=requested", "type=return_refund", f"broadcast_id={broadcast_id}", "page=1"):
        listed = tool.get(f"/api/v1/aftersales?{query}")
        assert listed.status_code == 200, (query, listed.get_json())
        assert [c["case_id"] for c in listed.get_json()["cases"]] == [case["case_id"]], query
    assert tool.get("/api/v1/aftersales?type=refund_only").get_json()["cases"] == []
    order = api.get("/api/v1/orders/O-7").get_json()
    assert order["refunded"] == "0.00" and [c["case_id"] for c in order["cases"]] == [case["case_id"]]


@pytest.mark.parametrize("reason", ["quality", "wrong_item", "missing_item", "size_fit", "logistics_damage", "other"])
@pytest.mark.slow
def test_every_reason_the_issue_lists_opens_a_case(shop, reason):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-R", [("TEE", 1)])
    assert open_case(tool, "O-R", type="refund_only", reason=reason).status_code == 201


def test_a_return_runs_approve_receive_refund_and_the_order_carries_what_was_refunded(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-8", [("TEE", 2)])
    ship(tool, "O-8")
    case_id = open_case(tool, "O-8", type="return_refund", reason="size_fit",
                        lines=[{"sku": "TEE", "qty": 1}]).get_json()["case_id"]
    approved = tool.post(f"/api/v1/aftersales/{case_id}/approve", json={})
    assert approved.status_code == 200 and approved.get_json()["status"] == "awaiting_return"
    received = tool.post(f"/api/v1/aftersales/{case_id}/receive", json={"reason": "parcel opened"})
    assert received.status_code == 200 and received.get_json()["status"] == "received"
    too_much = tool.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "198.01"})
    assert too_much.status_code == 422 and error_of(too_much)["field"] == "amount"
    refund = tool.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.00"})
    assert refund.status_code == 201, refund.get_json()
    assert refund.get_json()["amount"] == "99.00" and refund.get_json()["status"] == "succeeded"
    assert tool.get(f"/api/v1/aftersales/{case_id}").get_json()["status"] == "refunded"
    assert api.get("/api/v1/orders/O-8").get_json()["refunded"] == "99.00"


def test_more_than_paid_minus_refunded_is_422_naming_amount_across_cases(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-9", [("TEE", 1)])
    first = open_case(tool, "O-9", type="refund_only", reason="other", amount="60.00").get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{first}/approve")
    assert tool.post(f"/api/v1/aftersales/{first}/refunds", json={"amount": "60.00"}).status_code == 201
    second = open_case(tool, "O-9", type="refund_only", reason="other").get_json()
    assert second["requested_amount"] == "39.00"
    tool.post(f"/api/v1/aftersales/{second['case_id']}/approve")
    over = tool.post(f"/api/v1/aftersales/{second['case_id']}/refunds", json={"amount": "39.01"})
    assert over.status_code == 422 and error_of(over) == {**error_of(over), "field": "amount"}
    assert api.get("/api/v1/orders/O-9").get_json()["refunded"] == "60.00"


def test_a_rejection_needs_a_reason_and_the_buyer_may_appeal_once(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-10", [("TEE", 1)])
    case_id = open_case(tool, "O-10", type="refund_only", reason="other").get_json()["case_id"]
    bare = tool.post(f"/api/v1/aftersales/{case_id}/reject", json={})
    assert bare.status_code == 400 and error_of(bare)["field"] == "reason"
    rejected = tool.post(f"/api/v1/aftersales/{case_id}/reject", json={"reason": "已发货无法仅退款"})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    appealed = tool.post(f"/api/v1/aftersales/{case_id}/appeal", json={"reason": "未收到货"})
    assert appealed.status_code == 200 and appealed.get_json()["status"] == "requested"
    tool.post(f"/api/v1/aftersales/{case_id}/reject", json={"reason": "仍然拒绝"})
    again = tool.post(f"/api/v1/aftersales/{case_id}/appeal", json={"reason": "再申诉"})
    assert again.status_code == 409 and error_of(again)["code"] == "illegal_transition"


def test_the_buyer_cancels_a_request_and_an_ended_case_takes_no_step(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-11", [("TEE", 1)])
    case_id = open_case(tool, "O-11", type="refund_only", reason="other").get_json()["case_id"]
    cancelled = tool.post(f"/api/v1/aftersales/{case_id}/cancel", json={"reason": "不要了"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    late = tool.post(f"/api/v1/aftersales/{case_id}/approve")
    assert late.status_code == 409 and error_of(late)["code"] == "illegal_transition"


def test_an_exchange_ships_a_replacement_and_completes(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-12", [("TEE", 1)])
    ship(tool, "O-12")
    case_id = open_case(tool, "O-12", type="exchange", reason="size_fit").get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{case_id}/approve")
    tool.post(f"/api/v1/aftersales/{case_id}/receive")
    other_product = tool.post(f"/api/v1/aftersales/{case_id}/replacement",
                              json={"carrier": "SF", "tracking": "SF1234567890999", "lines": [{"sku": "CAP", "qty": 1}]})
    assert other_product.status_code == 400 and error_of(other_product) == {
        **error_of(other_product), "code": "not_a_variant_of_returned", "field": "lines[0].sku"}
    shipped = tool.post(f"/api/v1/aftersales/{case_id}/replacement",
                        json={"carrier": "SF", "tracking": "SF1234567890999"})
    assert shipped.status_code == 200 and shipped.get_json()["status"] == "replacement_shipped"
    done = tool.post(f"/api/v1/aftersales/{case_id}/complete")
    assert done.status_code == 200 and done.get_json()["status"] == "completed"


def test_a_duplicate_payment_becomes_a_refund_case_of_its_own(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-13", [("TEE", 1)])
    pay_again(api, broadcast_id, "O-13", "99.00", "pay-O-13-again")
    cases = tool.get("/api/v1/aftersales?type=refund_only").get_json()["cases"]
    assert [(c["order_id"], c["reason"], c["requested_amount"]) for c in cases] == [("O-13", "duplicate_payment",
                                                                                     "99.00")]


def test_a_platform_aftersale_event_is_mirrored_as_a_case(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-14", [("TEE", 1)])
    ship(tool, "O-14")
    deadline = (datetime.now(timezone.utc) + timedelta(hours=30)).isoformat()
    result = api.events(broadcast_id, [aftersale_event("as-evt-1", "DY-AS-1", "O-14", "requested", reason="quality",
                                                       amount="99.00", deadline_at=deadline)]).get_json()["results"][0]
    assert result["status"] == "accepted", result
    case = tool.get(f"/api/v1/aftersales/{result['aftersale']['case_id']}").get_json()
    assert case["type"] == "return_refund" and case["status"] == "requested"
    assert datetime.fromisoformat(case["deadline_at"]) == datetime.fromisoformat(deadline)


def test_agents_and_admins_act_and_auditors_only_read(shop, app):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-15", [("TEE", 1)])
    databases.create_users(app)
    auditor, admin = AgentClient(app, "auditor"), AgentClient(app, "admin")
    assert open_case(auditor, "O-15", type="refund_only", reason="other").status_code == 403
    case_id = open_case(AgentClient(app, "aftersales"), "O-15", type="refund_only", reason="other").get_json()["case_id"]
    assert auditor.get(f"/api/v1/aftersales/{case_id}").status_code == 200
    assert auditor.post(f"/api/v1/aftersales/{case_id}/approve").status_code == 403
    assert admin.post(f"/api/v1/aftersales/{case_id}/approve").status_code == 200


def test_paid_orders_get_a_48_hour_ship_by_and_pack_in_bulk_from_a_packing_list_grouped_by_sku(shop, app):
    api, tool, broadcast_id = shop
    first = place_paid_order(api, broadcast_id, "O-16", [("TEE", 2)])
    place_paid_order(api, broadcast_id, "O-17", [("TEE", 1), ("CAP", 3)])
    hours = (datetime.fromisoformat(first["ship_by_at"]) - datetime.fromisoformat(first["paid_at"])).total_seconds()
    assert hours == 48 * 3600
    listing = tool.get(f"/api/v1/fulfilment/packing-list?broadcast_id={broadcast_id}").get_json()
    assert {row["sku"]: row["units"] for row in listing["rows"]} == {"TEE": 3, "CAP": 3}
    assert listing["total_units"] == 6 and listing["total_orders"] == 2
    csv_text = tool.get(f"/api/v1/fulfilment/packing-list.csv?broadcast_id={broadcast_id}").get_data(as_text=True)
    assert "TEE" in csv_text and "TOTAL" in csv_text
    packed = tool.post("/api/v1/orders/pack", json={"order_ids": ["O-16", "O-17"]}).get_json()
    assert sorted(packed["packed"]) == ["O-16", "O-17"]
    assert api.get("/api/v1/orders/O-16").get_json()["status"] == "packing"
    databases.create_users(app)
    page = AgentClient(app, "aftersales").get(f"/fulfilment/packing-list?broadcast_id={broadcast_id}")
    assert page.status_code == 200 and "text/html" in page.content_type
    overdue = tool.get("/api/v1/fulfilment/overdue").get_json()
    assert overdue["orders"] == [] and "late_dispatch" in overdue


def test_a_kdniao_push_of_data_with_shipper_and_logistic_code_moves_the_parcel(shop, app):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-18", [("TEE", 1)])
    shipment = ship(tool, "O-18", carrier="ZTO", tracking_no="773012345678").get_json()["shipment_id"]
    beijing = datetime.now(timezone(timedelta(hours=8))) - timedelta(hours=2)
    data = json.dumps({"EBusinessID": "1", "Count": 1, "Data": [{
        "ShipperCode": "ZTO", "LogisticCode": "773012345678", "State": "2",
        "Traces": [{"AcceptTime": beijing.strftime("%Y-%m-%d %H:%M:%S"), "AcceptStation": "【杭州】已发出"}]}]})
    client = app.test_client()
    assert client.post("/api/v1/tracking/kdniao", data={"RequestData": data, "DataSign": "bad"}).status_code == 401
    pushed = client.post("/api/v1/tracking/kdniao", data={"RequestData": data,
                                                           "DataSign": kdniao.signature(data, APP_KEY)})
    assert pushed.status_code == 200 and pushed.get_json()["Success"] is True
    parcel = tool.get(f"/api/v1/shipments/{shipment}").get_json()
    assert parcel["status"] == "in_transit" and len(parcel["checkpoints"]) == 1


def test_a_parcel_with_no_checkpoint_for_three_days_is_flagged_stale(shop, app):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-19", [("TEE", 1)])
    shipment = ship(tool, "O-19").get_json()["shipment_id"]
    tool.post(f"/api/v1/shipments/{shipment}/tracking",
              json={"checkpoints": [{"at": ago(1), "status": "in_transit", "description": "运输中"}]})
    with app.app_context():
        assert sweep_tracking(db.session, datetime.now(timezone.utc) + timedelta(days=2)) == 0
        assert sweep_tracking(db.session, datetime.now(timezone.utc) + timedelta(days=3)) == 1
    issues = tool.get("/api/v1/fulfilment/tracking-issues").get_json()["shipments"]
    assert [s["shipment_id"] for s in issues] == [shipment]


def test_the_timers_approve_after_48_hours_close_after_7_days_and_refund_after_10_days_of_no_receipt(shop, app):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-20", [("TEE", 1), ("CAP", 1)])
    ship(tool, "O-20")
    unanswered = open_case(tool, "O-20", type="return_refund", reason="quality",
                           lines=[{"sku": "TEE", "qty": 1}]).get_json()
    due = datetime.fromisoformat(unanswered["deadline_at"])
    with app.app_context():
        assert sweep_cases(db.session, due - timedelta(seconds=1)) == 0
        assert sweep_cases(db.session, due) == 1
    approved = tool.get(f"/api/v1/aftersales/{unanswered['case_id']}").get_json()
    assert approved["status"] == "awaiting_return"
    assert datetime.fromisoformat(approved["deadline_at"]) == due + timedelta(days=7)
    with app.app_context():
        assert sweep_cases(db.session, due + timedelta(days=7)) == 1
    assert tool.get(f"/api/v1/aftersales/{unanswered['case_id']}").get_json()["status"] == "closed"
    sent = open_case(tool, "O-20", type="return_refund", reason="quality",
                     lines=[{"sku": "CAP", "qty": 1}]).get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{sent}/approve")
    shipped_back = tool.post(f"/api/v1/aftersales/{sent}/return-shipment",
                             json={"carrier": "SF", "tracking": "SF1234567890555"})
    assert shipped_back.status_code == 200 and shipped_back.get_json()["status"] == "return_shipped"
    receipt_due = datetime.fromisoformat(shipped_back.get_json()["deadline_at"])
    assert receipt_due - datetime.fromisoformat(shipped_back.get_json()["updated_at"]) == timedelta(days=10)
    with app.app_context():
        assert sweep_cases(db.session, receipt_due) == 1
    assert tool.get(f"/api/v1/aftersales/{sent}").get_json()["status"] == "refunded"
    assert api.get("/api/v1/orders/O-20").get_json()["refunded"] == "99.00"


def test_a_refund_is_due_7_days_after_receipt(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-21", [("TEE", 1)])
    ship(tool, "O-21")
    case_id = open_case(tool, "O-21", type="return_refund", reason="quality").get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{case_id}/approve")
    received = tool.post(f"/api/v1/aftersales/{case_id}/receive").get_json()
    assert received["deadline_kind"] == "refund"
    assert datetime.fromisoformat(received["deadline_at"]) - datetime.fromisoformat(received["updated_at"]) == \
        timedelta(days=7)


def test_an_exchange_may_ship_another_size_of_the_returned_product(app, api):
    api.product("SHIRT", price="80.00", variants=[{"sku": "SHIRT-M", "name": "M", "stock": 3},
                                                  {"sku": "SHIRT-L", "name": "L", "stock": 3}])
    broadcast_id = api.live_broadcast(skus=("SHIRT",))
    tool = scoped_api(app, "aftersales")
    place_paid_order(api, broadcast_id, "O-22", [("SHIRT-M", 1)], unit_price="80.00")
    ship(tool, "O-22")
    case_id = open_case(tool, "O-22", type="exchange", reason="size_fit").get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{case_id}/approve")
    tool.post(f"/api/v1/aftersales/{case_id}/receive")
    shipped = tool.post(f"/api/v1/aftersales/{case_id}/replacement",
                        json={"carrier": "SF", "tracking": "SF1234567890777", "lines": [{"sku": "SHIRT-L", "qty": 1}]})
    assert shipped.status_code == 200, shipped.get_json()
    assert shipped.get_json()["status"] == "replacement_shipped"


def test_a_reship_sends_the_missing_item_of_another_product_of_the_order(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-23", [("TEE", 1), ("CAP", 1)])
    ship(tool, "O-23")
    case_id = open_case(tool, "O-23", type="reship", reason="missing_item",
                        lines=[{"sku": "CAP", "qty": 1}]).get_json()["case_id"]
    assert tool.post(f"/api/v1/aftersales/{case_id}/approve").get_json()["status"] == "approved"
    sent = tool.post(f"/api/v1/aftersales/{case_id}/replacement", json={"carrier": "SF", "tracking": "SF1234567890888"})
    assert sent.status_code == 200 and sent.get_json()["status"] == "replacement_shipped", sent.get_json()


def test_ingest_tokens_post_checkpoints_display_tokens_read_and_bad_inputs_are_4xx_with_a_field(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-24", [("TEE", 1)])
    assert ship(api, "O-24").status_code == 403
    unknown = ship(tool, "NOPE")
    assert unknown.status_code == 404 and error_of(unknown)["field"] == "order_id"
    shipment = ship(tool, "O-24").get_json()["shipment_id"]
    assert api.get("/api/v1/orders/O-24/shipments").status_code == 200
    posted = api.post(f"/api/v1/shipments/{shipment}/tracking",
                      json={"checkpoints": [{"at": ago(1), "status": "in_transit"}]})
    assert posted.status_code == 200, posted.get_json()
    bad_status = tool.post(f"/api/v1/shipments/{shipment}/tracking",
                           json={"checkpoints": [{"at": ago(1), "status": "teleported"}]})
    assert bad_status.status_code == 400 and error_of(bad_status)["field"] == "checkpoints[0].status"
    no_list = tool.post(f"/api/v1/shipments/{shipment}/tracking", json={})
    assert no_list.status_code == 400 and error_of(no_list)["field"] == "checkpoints"
    unknown_case = tool.post("/api/v1/aftersales/AS-NOPE/approve")
    assert unknown_case.status_code == 404 and error_of(unknown_case)
    bad_amount = open_case(tool, "O-24", type="refund_only", reason="other", amount="abc")
    assert bad_amount.status_code == 400 and error_of(bad_amount)["field"] == "amount"


def _stock(api, sku: str) -> tuple[int, int]:
    """Return (available, sold) of a product."""
    product = api.get(f"/api/v1/products/{sku}").get_json()
    return product["stock"], product["sold"]


def test_a_refunded_return_restocks_only_what_was_received_and_inspected_as_sellable(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-25", [("TEE", 2)])
    ship(tool, "O-25")
    before = _stock(api, "TEE")
    case_id = open_case(tool, "O-25", type="return_refund", reason="quality").get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{case_id}/approve")
    tool.post(f"/api/v1/aftersales/{case_id}/receive")
    inspected = tool.post(f"/api/v1/aftersales/{case_id}/inspect", json={"lines": [{"sku": "TEE", "sellable_qty": 1}]})
    assert inspected.status_code == 200 and inspected.get_json()["status"] == "inspected"
    assert tool.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "198.00"}).status_code == 201
    assert _stock(api, "TEE") == (before[0] + 1, before[1] - 1)
    timeline = tool.get(f"/api/v1/aftersales/{case_id}").get_json()["timeline"]
    assert all(step["actor"] for step in timeline)


def test_a_received_return_refunded_without_inspection_does_not_restock(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-26", [("TEE", 1)])
    ship(tool, "O-26")
    before = _stock(api, "TEE")
    case_id = open_case(tool, "O-26", type="return_refund", reason="quality").get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{case_id}/approve")
    tool.post(f"/api/v1/aftersales/{case_id}/receive")
    assert tool.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "99.00"}).status_code == 201
    assert _stock(api, "TEE") == before


def test_the_after_sale_pages_open_for_agents_and_auditors_with_a_real_case(shop, app):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-27", [("TEE", 1)])
    ship(tool, "O-27")
    case_id = open_case(tool, "O-27", type="return_refund", reason="quality").get_json()["case_id"]
    databases.create_users(app)
    for role in ("aftersales", "auditor", "admin"):
        client = AgentClient(app, role)
        for path in ("/aftersales", f"/aftersales/{case_id}", "/orders/O-27", "/fulfilment",
                     f"/fulfilment/packing-list?broadcast_id={broadcast_id}", "/fulfilment/packing-list.csv"):
            response = client.get(path)
            assert response.status_code == 200, (role, path, response.status_code)
        assert case_id in client.get(f"/aftersales/{case_id}").get_data(as_text=True)


def test_a_refund_of_a_line_the_case_does_not_have_names_that_entry(shop):
    api, tool, broadcast_id = shop
    place_paid_order(api, broadcast_id, "O-28", [("TEE", 1), ("CAP", 1)])
    ship(tool, "O-28")
    case_id = open_case(tool, "O-28", type="return_refund", reason="quality",
                        lines=[{"sku": "TEE", "qty": 1}]).get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{case_id}/approve")
    tool.post(f"/api/v1/aftersales/{case_id}/receive")
    refused = tool.post(f"/api/v1/aftersales/{case_id}/refunds",
                        json={"amount": "10.00", "lines": [{"sku": "TEE", "qty": 1}, {"sku": "CAP", "qty": 1}]})
    assert refused.status_code == 422
    assert error_of(refused) == {"code": "unknown_line", "field": "lines[1].sku",
                                 "message": "the case has no line of SKU 'CAP'"}
    assert api.get("/api/v1/orders/O-28").get_json()["refunded"] == "0.00"
