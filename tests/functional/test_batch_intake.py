"""Orders taken in a batch at a time: the same outcome as one by one, duplicates and counters within a batch."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.extensions import db
from tests.support import databases
from tests.support.api import ApiClient, order_event

START = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=30)
# Columns that hold the time of the request rather than of the events.
REQUEST_TIMES = {"received_at", "updated_at", "at", "created_at", "next_attempt_at", "reserved_until", "held_at",
                 "waitlisted_at", "payload"}


def _shop(api: ApiClient) -> int:
    """Return a live broadcast with a short flash sale, a coupon and limited stock."""
    api.product("TEA", stock=4, price="80.00")
    api.product("MUG", stock=50, price="50.00")
    broadcast_id = api.live_broadcast(skus=("TEA", "MUG"))
    for body in ({"code": "FLASH", "kind": "flash", "broadcast_id": broadcast_id, "skus": ["MUG"], "price": "29.90",
                  "remaining": 3, "per_buyer": 2, "starts_at": START.isoformat(),
                  "ends_at": (START + timedelta(hours=2)).isoformat()},
                 {"code": "SAVE10", "kind": "coupon", "coupon_type": "fixed", "value": "10", "uses_left": 2}):
        assert api.post("/api/v1/promotions", json=body).status_code == 201
    return broadcast_id


def _events() -> list[dict]:
    """Return orders that depend on each other: stock and counters run out, a buyer repeats, redeliveries."""
    events = []
    for n, (sku, qty, buyer) in enumerate([("TEA", 2, "a"), ("MUG", 2, "b"), ("TEA", 1, "c"), ("MUG", 2, "c"),
                                           ("TEA", 2, "d"), ("MUG", 1, "b"), ("MUG", 1, "a"), ("TEA", 1, "a"),
                                           ("TEA", 1, "c"), ("TEA", 1, "e")]):
        event = order_event(sku, qty, order_id=f"B-{n}", event_id=f"e-{n}", unit_price=None,
                            ts=(START + timedelta(seconds=5 * n)).isoformat(), coupon_codes=["save10"] if n % 2 else [])
        event["buyer"]["id"] = f"buyer-{buyer}"
        if n == 4:
            event["buyer"]["phone"] = None
        events.append(event)
    return events + [events[1], dict(events[2], id="e-2-again")]


def _stored(app) -> dict:
    """Return every order-related table, without ids and request times."""
    tables = ("orders", "order_lines", "order_history", "order_findings", "buyer_notices", "promotion_uses",
              "promotions", "stock_levels")
    with app.app_context():
        return {table: [{k: v for k, v in row.items() if k not in REQUEST_TIMES and k != "id"}
                        for row in db.session.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).mappings()]
                for table in tables}


def test_a_batch_stores_what_the_same_orders_sent_one_by_one_store(sqlite_template, tmp_path):
    outcomes = []
    for name, batched in (("batch", True), ("one_by_one", False)):
        shutil.copy(sqlite_template, tmp_path / f"{name}.sqlite3")
        app = databases.make_app(f"sqlite:///{tmp_path / name}.sqlite3")
        api = ApiClient(app.test_client(), databases.create_token(app, name))
        broadcast_id = _shop(api)
        batches = [_events()] if batched else [[event] for event in _events()]
        results = [r for batch in batches for r in api.events(broadcast_id, batch).get_json()["results"]]
        outcomes.append(([(r["status"], r["order"]["status"]) for r in results], _stored(app)))
        databases.dispose(app)
    assert outcomes[0] == outcomes[1]
    statuses = [status for status, _order in outcomes[0][0]]
    assert statuses == ["accepted"] * 10 + ["duplicate"] * 2
    # B-4 (TEA x2, no phone) is held and in line for the 1 TEA left: B-7 and the later TEA orders queue behind it.
    assert [order for _status, order in outcomes[0][0]][7:10] == ["waitlisted", "held", "waitlisted"]


def test_an_order_sent_under_several_event_ids_in_one_batch_is_stored_once(any_api, any_app):
    any_api.product("A1", stock=10)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1, order_id="O-once")
    results = any_api.events(broadcast_id, [event, dict(event, id="other-1"), dict(event, id="other-2")]).get_json()
    assert [r["status"] for r in results["results"]] == ["accepted", "duplicate", "duplicate"]
    assert all(r["order"]["order_id"] == "O-once" for r in results["results"])
    with any_app.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM orders")) == 1
        assert db.session.scalar(sa.text("SELECT count(*) FROM event_log")) == 1
        assert db.session.scalar(sa.text("SELECT reserved FROM stock_levels WHERE sku = 'A1'")) == 1


def test_a_flash_sale_runs_out_within_one_batch_and_later_orders_pay_the_list_price(any_api):
    any_api.product("MUG", stock=50, price="50.00")
    broadcast_id = any_api.live_broadcast(skus=("MUG",))
    any_api.post("/api/v1/promotions", json={
        "code": "FLASH", "kind": "flash", "broadcast_id": broadcast_id, "skus": ["MUG"], "price": "29.90",
        "remaining": 2, "starts_at": START.isoformat(), "ends_at": (START + timedelta(hours=2)).isoformat()})
    results = any_api.events(broadcast_id, [order_event("MUG", 1, unit_price=None) for _ in range(3)]).get_json()
    assert [r["order"]["total"] for r in results["results"]] == ["29.90", "29.90", "50.00"]
    assert any_api.get("/api/v1/promotions/FLASH").get_json()["remaining"] == 0
