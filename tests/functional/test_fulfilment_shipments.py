"""Shipping paid orders (issue 14): one parcel or several, what a shipment may carry, and what the buyer is told.

Each test runs on SQLite and on PostgreSQL (CI=true).
"""
from __future__ import annotations

import pytest

from tests.support import databases
from tests.support.api import now_iso, order_event
from tests.support.fulfilment import SF_NUMBER, AgentClient, place_paid_order, scoped_api


@pytest.fixture
def shop(any_app, any_api):
    """Return (admin-ish ingest API, broadcast id) for a live broadcast selling TEE (10) and CAP (10)."""
    any_api.product("TEE", stock=10, price="99.00")
    any_api.product("CAP", stock=10, price="99.00")
    return any_api, any_api.live_broadcast(skus=("TEE", "CAP"))


@pytest.fixture
def agent(any_app):
    """Return the after-sales agent's JSON client (role aftersales)."""
    databases.create_users(any_app)
    return AgentClient(any_app, "aftersales")


def test_shipping_a_paid_order_answers_201_and_the_order_becomes_shipped(shop, agent):
    api, broadcast_id = shop
    place_paid_order(api, broadcast_id, "ORD-1", [("TEE", 2)])
    response = agent.post("/api/v1/orders/ORD-1/shipments", json={"carrier": "SF", "tracking_no": SF_NUMBER})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "shipped" and body["shipment_id"].startswith("SHP-")
    assert body["lines"] == [{"sku": "TEE", "qty": 2}] and body["eta"] and body["order_status"] == "shipped"
    listed = agent.get("/api/v1/orders/ORD-1/shipments").get_json()
    assert listed["status"] == "shipped" and [s["shipment_id"] for s in listed["shipments"]] == [body["shipment_id"]]
    order = api.get("/api/v1/orders/ORD-1").get_json()
    shipped = [n for n in order["notices"] if n["kind"] == "shipped"]
    assert len(shipped) == 1 and SF_NUMBER in shipped[0]["message"]["en"] and "顺丰速运" in shipped[0]["message"]["zh-CN"]
    assert "Expected arrival" in shipped[0]["message"]["en"]
    assert any(h["action"] == "shipment_created" and h["to_status"] == "shipped" for h in order["history"])


def test_a_partial_shipment_leaves_the_order_partially_shipped_until_the_rest_ships(shop, agent):
    api, broadcast_id = shop
    place_paid_order(api, broadcast_id, "ORD-2", [("TEE", 3), ("CAP", 1)])
    first = agent.post("/api/v1/orders/ORD-2/shipments",
                       json={"carrier": "ZTO", "tracking_no": "773012345678", "lines": [{"sku": "TEE", "qty": 2}]})
    assert first.status_code == 201 and first.get_json()["order_status"] == "partially_shipped"
    too_many = agent.post("/api/v1/orders/ORD-2/shipments",
                          json={"carrier": "ZTO", "tracking_no": "773012345679",
                                "lines": [{"sku": "CAP", "qty": 1}, {"sku": "TEE", "qty": 2}]})
    assert too_many.status_code == 422
    assert too_many.get_json()["error"]["field"] == "lines[1].qty"
    rest = agent.post("/api/v1/orders/ORD-2/shipments", json={"carrier": "ZTO", "tracking_no": "773012345679"})
    assert rest.status_code == 201
    assert sorted(rest.get_json()["lines"], key=lambda line: line["sku"]) == [{"sku": "CAP", "qty": 1},
                                                                             {"sku": "TEE", "qty": 1}]
    assert rest.get_json()["order_status"] == "shipped"
    assert len(agent.get("/api/v1/orders/ORD-2/shipments").get_json()["shipments"]) == 2


@pytest.mark.parametrize("body, status, field", [
    ({"carrier": "SF", "tracking_no": "123"}, 422, "tracking_no"),
    ({"carrier": "SF", "tracking_no": "YT1234567890123"}, 422, "tracking_no"),
    ({"carrier": "NOPE", "tracking_no": SF_NUMBER}, 422, "carrier"),
    ({"carrier": "SF"}, 400, "tracking_no"),
    ({"carrier": "SF", "tracking_no": SF_NUMBER, "lines": [{"sku": "HAT", "qty": 1}]}, 422, "lines[0].sku"),
    ({"carrier": "SF", "tracking_no": SF_NUMBER, "lines": [{"sku": "TEE", "qty": 0}]}, 400, "lines[0].qty"),
    ({"carrier": "SF", "tracking_no": SF_NUMBER, "lines": "all"}, 400, "lines"),
])
def test_a_bad_shipment_names_its_field_and_writes_nothing(shop, agent, body, status, field):
    api, broadcast_id = shop
    place_paid_order(api, broadcast_id, "ORD-3", [("TEE", 1)])
    response = agent.post("/api/v1/orders/ORD-3/shipments", json=body)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert agent.get("/api/v1/orders/ORD-3/shipments").get_json() == {"order_id": "ORD-3", "status": "paid",
                                                                      "shipments": []}


def test_only_paid_or_packed_orders_ship_and_a_number_is_not_used_twice(shop, agent):
    api, broadcast_id = shop
    api.events(broadcast_id, [order_event("TEE", 1, order_id="UNPAID")])
    unpaid = agent.post("/api/v1/orders/UNPAID/shipments", json={"carrier": "SF", "tracking_no": SF_NUMBER})
    assert unpaid.status_code == 409 and unpaid.get_json()["error"]["code"] == "invalid_state"
    assert agent.post("/api/v1/orders/NONE/shipments", json={"carrier": "SF", "tracking_no": SF_NUMBER}).status_code == 404
    place_paid_order(api, broadcast_id, "ORD-4", [("TEE", 2)])
    ok = agent.post("/api/v1/orders/ORD-4/shipments",
                    json={"carrier": "SF", "tracking_no": SF_NUMBER, "lines": [{"sku": "TEE", "qty": 1}]})
    assert ok.status_code == 201
    again = agent.post("/api/v1/orders/ORD-4/shipments",
                       json={"carrier": "SF", "tracking_no": SF_NUMBER, "lines": [{"sku": "TEE", "qty": 1}]})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "shipment_exists"


def test_bulk_packing_packs_paid_orders_and_reports_the_others(shop, agent):
    api, broadcast_id = shop
    place_paid_order(api, broadcast_id, "P-1", [("TEE", 1)])
    place_paid_order(api, broadcast_id, "P-2", [("CAP", 1)])
    result = agent.post("/api/v1/orders/pack", json={"order_ids": ["P-1", "P-2", "P-1", "NOPE"]}).get_json()
    assert result == {"packed": ["P-1", "P-2"], "already_packed": [], "refused": [], "unknown": ["NOPE"]}
    again = agent.post("/api/v1/orders/pack", json={"order_ids": ["P-1"]}).get_json()
    assert again["already_packed"] == ["P-1"]
    order = api.get("/api/v1/orders/P-1").get_json()
    assert order["status"] == "packing" and order["history"][-1]["action"] == "packed"
    assert agent.post("/api/v1/orders/P-1/shipments", json={"carrier": "SF", "tracking_no": SF_NUMBER}).status_code == 201


def test_a_token_with_the_aftersales_scope_ships_and_an_auditor_only_reads(any_app, shop, agent):
    api, broadcast_id = shop
    place_paid_order(api, broadcast_id, "T-1", [("TEE", 1)])
    tool = scoped_api(any_app, "aftersales")
    assert tool.post("/api/v1/orders/T-1/shipments", json={"carrier": "EMS", "tracking_no": "EA123456789CN"}).status_code == 201
    auditor = AgentClient(any_app, "auditor")
    assert auditor.get("/api/v1/orders/T-1/shipments").status_code == 200
    assert auditor.post("/api/v1/orders/pack", json={"order_ids": ["T-1"]}).status_code == 403
    display = scoped_api(any_app, "display", name="wall")
    assert display.post("/api/v1/orders/pack", json={"order_ids": ["T-1"]}).status_code == 403


def test_a_packed_order_cancelled_by_the_platform_gives_its_units_back_and_an_auditor_cannot_reject_it(any_app, shop, agent):
    api, broadcast_id = shop
    place_paid_order(api, broadcast_id, "PK-1", [("TEE", 2)])
    place_paid_order(api, broadcast_id, "PK-2", [("TEE", 1)])
    agent.post("/api/v1/orders/pack", json={"order_ids": ["PK-1", "PK-2"]})
    auditor = AgentClient(any_app, "auditor")
    refused = auditor.post("/api/v1/orders/PK-2/reject", json={"reason": "changed my mind"})
    assert refused.status_code == 409
    before = api.get("/api/v1/products/TEE").get_json()
    cancel = {"id": "cancel-PK-1", "type": "order_cancel", "ts": now_iso(), "order_id": "PK-1"}
    assert api.events(broadcast_id, [cancel]).get_json()["results"][0]["order"]["status"] == "cancelled"
    after = api.get("/api/v1/products/TEE").get_json()
    assert (after["stock"] - before["stock"], before["sold"] - after["sold"]) == (2, 2)
