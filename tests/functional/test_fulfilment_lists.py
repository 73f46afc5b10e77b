"""The fulfilment lists (issue 14): ship-by deadlines, overdue orders and the late-dispatch rate, the packing list
by SKU (JSON and formula-safe CSV), and parcels whose tracking went quiet.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.fulfilment.models import Shipment
from orders.fulfilment.stale import sweep
from orders.models import Order
from tests.support import databases
from tests.support.fulfilment import SF_NUMBER, AgentClient, place_paid_order


@pytest.fixture
def shop(app, api):
    """Return (events API, broadcast id, agent client) for a broadcast selling TEE and =CMD (a hostile SKU name)."""
    api.product("TEE", stock=50, price="99.00")
    api.post("/api/v1/products", json={"sku": "CAP", "name": "=HYPERLINK(\"http://x\")", "price": "99.00", "stock": 50})
    broadcast_id = api.live_broadcast(skus=("TEE", "CAP"))
    databases.create_users(app)
    return api, broadcast_id, AgentClient(app, "aftersales")


def _age(app, order_id: str, **columns) -> None:
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.order_id == order_id).values(**columns))
        db.session.commit()


def test_a_paid_order_must_ship_within_48_hours_and_late_ones_are_listed(app, shop):
    api, broadcast_id, agent = shop
    paid = place_paid_order(api, broadcast_id, "LATE", [("TEE", 1)])
    place_paid_order(api, broadcast_id, "ON-TIME", [("TEE", 1)])
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.order_id == "ON-TIME"))
        assert order.ship_by_at - order.paid_at == timedelta(hours=48)
    assert paid["status"] == "paid"
    _age(app, "LATE", paid_at=utcnow() - timedelta(hours=50), ship_by_at=None)  # paid before deadlines existed
    overdue = agent.get(f"/api/v1/fulfilment/overdue?broadcast_id={broadcast_id}").get_json()
    assert [o["order_id"] for o in overdue["orders"]] == ["LATE"]
    assert overdue["counts"] == {"to_pack": 2, "packed": 0, "partly_shipped": 0, "overdue": 1}
    for order_id, number in (("LATE", SF_NUMBER), ("ON-TIME", "SF1234567890124")):
        assert agent.post(f"/api/v1/orders/{order_id}/shipments", json={"carrier": "SF", "tracking_no": number}).status_code == 201
    rates = agent.get("/api/v1/fulfilment/overdue").get_json()["late_dispatch"]
    assert [(r["broadcast_id"], r["shipped"], r["late"], r["rate"]) for r in rates] == [(broadcast_id, 2, 1, 0.5)]


def test_a_broadcast_may_use_business_days(app, shop):
    api, broadcast_id, agent = shop
    saved = agent.put(f"/api/v1/broadcasts/{broadcast_id}/ship-by-policy", json={"mode": "business_days", "amount": 2})
    assert saved.status_code == 200 and saved.get_json()["mode"] == "business_days"
    bad = agent.put(f"/api/v1/broadcasts/{broadcast_id}/ship-by-policy", json={"mode": "hours", "amount": 0})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "amount"
    place_paid_order(api, broadcast_id, "TT-1", [("TEE", 1)])
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.order_id == "TT-1"))
        assert order.ship_by_at - order.paid_at >= timedelta(days=2)


def test_the_packing_list_groups_units_left_by_sku_with_totals(app, shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "PL-1", [("TEE", 2), ("CAP", 1)])
    place_paid_order(api, broadcast_id, "PL-2", [("TEE", 3)])
    agent.post("/api/v1/orders/PL-2/shipments",
               json={"carrier": "SF", "tracking_no": SF_NUMBER, "lines": [{"sku": "TEE", "qty": 1}]})
    listed = agent.get(f"/api/v1/fulfilment/packing-list?broadcast_id={broadcast_id}").get_json()
    assert [(r["sku"], r["units"], r["orders"]) for r in listed["rows"]] == [("TEE", 4, 2), ("CAP", 1, 1)]
    assert (listed["total_units"], listed["total_orders"]) == (5, 2)
    response = agent.get(f"/api/v1/fulfilment/packing-list.csv?broadcast_id={broadcast_id}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["sku", "name", "units", "orders", "order_ids"]
    assert rows[2][:3] == ["CAP", "'=HYPERLINK(\"http://x\")", "1"]  # a name a spreadsheet would run is escaped
    assert rows[-1][:4] == ["TOTAL", "", "5", "2"]
    assert agent.get("/api/v1/fulfilment/packing-list?status=shipped").status_code == 400
    assert agent.get("/api/v1/fulfilment/packing-list?broadcast_id=999").status_code == 404


def test_a_parcel_quiet_for_three_days_is_flagged_once_and_listed(app, shop):
    api, broadcast_id, agent = shop
    place_paid_order(api, broadcast_id, "QUIET", [("TEE", 1)])
    shipment_id = agent.post("/api/v1/orders/QUIET/shipments",
                             json={"carrier": "SF", "tracking_no": SF_NUMBER}).get_json()["shipment_id"]
    with app.app_context():
        assert sweep(db.session, utcnow()) == 0
        db.session.execute(sa.update(Shipment).values(shipped_at=utcnow() - timedelta(days=4)))
        db.session.commit()
        assert sweep(db.session, utcnow()) == 1
        assert sweep(db.session, utcnow()) == 0
    issues = agent.get("/api/v1/fulfilment/tracking-issues").get_json()["shipments"]
    assert [(s["shipment_id"], bool(s["stale_since"])) for s in issues] == [(shipment_id, True)]
    order = api.get("/api/v1/orders/QUIET").get_json()
    assert [h["action"] for h in order["history"]].count("tracking_stale") == 1
