"""Defects a probe of after-sales, fulfilment and customer care found (issues 14 and 15), each pinned by a test
that failed before its fix. Each API test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from orders.aftersales.flow import IllegalTransition, allowed_actions, next_status
from orders.fulfilment.carriers import BUILTIN, CarrierError, check_new_carrier
from tests.support.aftersales import agent_of, open_shop, place_paid_order, ship
from tests.support.auth import login


@pytest.fixture
def shop(any_app, any_api):
    """Return (ingest API, broadcast id, after-sales agent) with TEE and CAP at 10 units each."""
    broadcast_id = open_shop(any_app, any_api)
    return any_api, broadcast_id, agent_of(any_app)


class _Case:
    """What the flow reads of a case."""

    def __init__(self, case_type: str, status: str, appeal_used: bool):
        self.type, self.status, self.appeal_used = case_type, status, appeal_used


def test_a_final_rejection_offers_no_step_and_refuses_a_cancel():
    final = _Case("return_refund", "rejected", appeal_used=True)
    assert allowed_actions(final) == []
    with pytest.raises(IllegalTransition, match="ended"):
        next_status(final, "cancel")
    with pytest.raises(IllegalTransition, match="already appealed"):
        next_status(final, "appeal")
    assert next_status(_Case("return_refund", "rejected", appeal_used=False), "cancel") == "cancelled"


def test_a_case_whose_rejection_is_final_cannot_be_cancelled_through_the_api(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 1)])
    ship(agent, "ORD-1")
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"}
                         ).get_json()["case_id"]
    base = f"/api/v1/aftersales/{case_id}"
    agent.post(f"{base}/reject", json={"reason": "no defect on the photos"})
    agent.post(f"{base}/appeal", json={"reason": "look again"})
    final = agent.post(f"{base}/reject", json={"reason": "still none"}).get_json()
    assert final["ended"] and final["actions"] == []
    response = agent.post(f"{base}/cancel", json={})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "illegal_transition"
    after = agent.get(base).get_json()
    assert after["status"] == "rejected" and after["version"] == final["version"]


@pytest.mark.parametrize("pattern", ["(A+)+B", "(\\d+)*X", "(A|A)+B", "(?:[A-Z]\\d*)+", "(A{2,})+"])
def test_a_carrier_pattern_that_can_backtrack_for_ever_is_refused(pattern):
    with pytest.raises(CarrierError) as refused:
        check_new_carrier({"code": "EV", "name_en": "Evil", "tracking_pattern": pattern})
    assert refused.value.code == "invalid_pattern" and refused.value.field == "tracking_pattern"


def test_the_built_in_patterns_and_plain_ones_are_still_taken():
    for carrier in BUILTIN.values():
        if carrier.tracking_pattern:
            check_new_carrier({"code": "X" + carrier.code, "tracking_pattern": carrier.tracking_pattern})
    for pattern in ("DPK\\d{12}", "(DB|DP)\\d{10,12}", "[A-Z]{2}\\d{9}CN|\\d{13}", "JD[0-9A-Z]{11,16}"):
        assert check_new_carrier({"code": "DB", "tracking_pattern": pattern})["tracking_pattern"] == pattern


def test_an_admin_cannot_add_a_carrier_whose_pattern_would_stall_the_server(any_app):
    admin = agent_of(any_app, "admin")
    response = admin.post("/api/v1/carriers", json={"code": "EVA", "name_en": "Evil", "tracking_pattern": "(A+)+B"})
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["field"] == "tracking_pattern"
    assert "EVA" not in [c["code"] for c in admin.get("/api/v1/carriers").get_json()["carriers"]]


def test_an_inspection_error_names_the_sellable_qty_the_request_sent(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 2)])
    ship(agent, "ORD-1")
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales", json={"type": "return_refund", "reason": "quality"}
                         ).get_json()["case_id"]
    base = f"/api/v1/aftersales/{case_id}"
    for step, body in (("approve", {}), ("receive", {"lines": [{"sku": "TEE", "qty": 1}]})):
        assert agent.post(f"{base}/{step}", json=body).status_code == 200, step
    response = agent.post(f"{base}/inspect", json={"lines": [{"sku": "TEE", "sellable_qty": 2}]})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "lines[0].sellable_qty"
    received = agent.post(f"{base}/receive", json={"lines": [{"sku": "TEE", "qty": 5}]})
    assert received.status_code == 409  # received already: the flow answers first


def test_a_refund_naming_more_units_than_the_case_holds_is_refused_and_writes_nothing(shop):
    """Before, 2 units of a SKU the case holds once were silently cut to 1 and the refund answered 201."""
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 2), ("CAP", 1)])
    ship(agent, "ORD-1")
    case_id = agent.post("/api/v1/orders/ORD-1/aftersales", json={
        "type": "return_refund", "reason": "quality", "lines": [{"sku": "TEE", "qty": 1}, {"sku": "CAP", "qty": 1}]}
                         ).get_json()["case_id"]
    base = f"/api/v1/aftersales/{case_id}"
    for step, body in (("approve", {}), ("receive", {})):
        assert agent.post(f"{base}/{step}", json=body).status_code == 200, step
    before = agent.get(base).get_json()
    too_many = agent.post(f"{base}/refunds", json={"amount": "5.00", "lines": [{"sku": "CAP", "qty": 1},
                                                                              {"sku": "TEE", "qty": 2}]})
    assert too_many.status_code == 422, too_many.get_json()
    error = too_many.get_json()["error"]
    assert (error["code"], error["field"]) == ("too_many_units", "lines[1].qty")
    assert "holds 1 unit" in error["message"] and "TEE" in error["message"]
    unknown = agent.post(f"{base}/refunds", json={"amount": "5.00", "lines": [{"sku": "HAT", "qty": 1}]})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["field"] == "lines[0].sku"
    after = agent.get(base).get_json()
    assert after["refunds"] == [] and after["version"] == before["version"] and after["status"] == "received"
    assert api.get("/api/v1/orders/ORD-1").get_json()["refunded"] == "0.00"
    refunded = agent.post(f"{base}/refunds", json={"amount": "5.00", "lines": [{"sku": "TEE", "qty": 1}]})
    assert refunded.status_code == 201 and refunded.get_json()["lines"] == [{"sku": "TEE", "qty": 1, "amount": "5.00"}]


@pytest.mark.parametrize("method, path", [("PUT", "/api/v1/complaints/sla-policy"), ("PUT", "/api/v1/customer-tiers"),
                                          ("POST", "/api/v1/customers/B-1/erase")])
def test_an_agent_refused_an_admin_change_is_told_who_may_make_it(app, method, path):
    agent = agent_of(app)
    response = agent.put(path, json={}) if method == "PUT" else agent.post(path, json={"confirm": "B-1"})
    assert response.status_code == 403
    assert response.get_json()["error"]["message"].endswith("roles: admin")


def test_the_customer_page_links_the_order_look_up_only_where_the_link_opens(app, api):
    """Every role that opens a customer page may look orders up now (after-sales agents too): each one's link
    opens; before, an after-sales agent was shown a link that answered 403."""
    broadcast_id = open_shop(app, api)
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 1)])
    buyer_id = api.get("/api/v1/orders/ORD-1").get_json()["buyer"]["id"]
    agent_of(app)
    look_up = f'href="/orders?q={buyer_id}"'
    for role in ("aftersales", "auditor", "host", "admin"):
        client = login(app, role)
        page = client.get(f"/customers/{buyer_id}")
        assert page.status_code == 200 and look_up in page.get_data(as_text=True), role
        assert client.get(f"/orders?q={buyer_id}").status_code == 200, role


def test_a_delivery_reported_late_still_sends_a_survey_link_that_opens_and_a_task_not_yet_overdue(shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 1)])
    shipment = ship(agent, "ORD-1")
    scanned = (datetime.now(timezone.utc) - timedelta(days=40)).isoformat()
    delivered = agent.post(f"/api/v1/shipments/{shipment['shipment_id']}/tracking",
                           json={"checkpoints": [{"at": scanned, "status": "delivered", "description": "签收"}]})
    assert delivered.status_code == 200 and delivered.get_json()["order_status"] == "delivered"
    buyer_id = api.get("/api/v1/orders/ORD-1").get_json()["buyer"]["id"]
    record = agent.get(f"/api/v1/customers/{buyer_id}").get_json()
    [survey] = record["surveys"]
    assert survey["state"] == "open", survey
    assert datetime.fromisoformat(survey["expires_at"]) > datetime.now(timezone.utc) + timedelta(days=29)
    assert [task["overdue"] for task in record["followups"]] == [False]
