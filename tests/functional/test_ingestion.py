"""The events API: acceptance, duplicates, rejections and order effects, on SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.extensions import db
from live.models import EventLog
from orders.models import Order
from tests.support.api import now_iso, now_ms, order_event


def _in_china(moment: datetime) -> str:
    """Return moment in ISO-8601 at +08:00, as a Chinese platform sends it."""
    return moment.astimezone(timezone(timedelta(hours=8))).isoformat()


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_order_event_is_stored_reviewed_and_reserves_stock(any_api):
    any_api.product("A1", stock=5)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    response = any_api.events(broadcast_id, [order_event("A1", 2, order_id="O-1")])
    assert response.status_code == 200
    result = response.get_json()["results"][0]
    assert result["status"] == "accepted"
    assert result["order"]["order_id"] == "O-1"
    assert result["order"]["status"] == "accepted"
    assert result["order"]["total"] == "198.00"
    product = any_api.get("/api/v1/products/A1").get_json()
    assert (product["stock"], product["reserved"]) == (3, 2)


def test_same_event_sent_twice_in_a_row_makes_one_order(any_api, any_app):
    any_api.product("A1")
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1, order_id="O-dup", event_id="evt-dup")
    first = any_api.events(broadcast_id, [event]).get_json()["results"][0]
    second = any_api.events(broadcast_id, [event]).get_json()["results"][0]
    assert (first["status"], second["status"]) == ("accepted", "duplicate")
    assert second["order"]["order_id"] == "O-dup"
    assert _count(any_app, Order) == 1
    assert _count(any_app, EventLog) == 1


def test_same_event_twice_in_one_batch_is_answered_duplicate_the_second_time(any_api, any_app):
    any_api.product("A1")
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1, event_id="evt-twice")
    results = any_api.events(broadcast_id, [event, event]).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "duplicate"]
    assert _count(any_app, Order) == 1


def test_redelivered_order_under_a_new_event_id_is_a_duplicate(any_api, any_app):
    any_api.product("A1")
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    any_api.events(broadcast_id, [order_event("A1", 1, order_id="O-7", event_id="e-1")])
    again = any_api.events(broadcast_id, [order_event("A1", 1, order_id="O-7", event_id="e-2")]).get_json()
    assert again["results"][0]["status"] == "duplicate"
    assert _count(any_app, Order) == 1
    assert any_api.get("/api/v1/products/A1").get_json()["reserved"] == 1


def test_simultaneous_redelivery_gives_exactly_one_order(any_api, any_app):
    any_api.product("A1", stock=100)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1, order_id="O-race", event_id="evt-race")
    barrier = threading.Barrier(8)
    statuses: list[str] = []

    def deliver():
        client = any_app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/broadcasts/{broadcast_id}/events", json={"events": [event]},
                               headers={"Authorization": f"Bearer {any_api.token}"})
        statuses.append(response.get_json()["results"][0]["status"])

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == ["accepted"] + ["duplicate"] * 7
    assert _count(any_app, Order) == 1
    assert any_api.get("/api/v1/products/A1").get_json()["reserved"] == 1


def test_a_rejected_event_names_its_field_and_does_not_stop_the_others(any_api, any_app):
    any_api.product("A1")
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    bad = order_event("A1", 1)
    bad["items"][0]["qty"] = "two"
    results = any_api.events(broadcast_id, [bad, order_event("A1", 1)]).get_json()["results"]
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["field"] == "items[0].qty"
    assert results[1]["status"] == "accepted"
    assert _count(any_app, Order) == 1


def test_event_times_need_a_zone_or_epoch_milliseconds(api):
    broadcast_id = api.live_broadcast()
    events = [
        {"id": "j1", "type": "viewer_join", "ts": _in_china(datetime.now(timezone.utc)), "viewer_id": "v1"},
        {"id": "j2", "type": "viewer_join", "ts": now_ms(), "viewer_id": "v2"},
        {"id": "j3", "type": "viewer_join", "ts": _in_china(datetime.now(timezone.utc))[:19], "viewer_id": "v3"},
    ]
    results = api.events(broadcast_id, events).get_json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted", "rejected"]
    assert results[2]["error"] == {"code": "invalid_ts", "field": "ts", "message": results[2]["error"]["message"]}


def test_unknown_event_type_is_rejected_naming_type(api):
    broadcast_id = api.live_broadcast()
    result = api.events(broadcast_id, [{"id": "x", "type": "teleport", "ts": now_ms()}]).get_json()["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["field"] == "type"


def test_malformed_bodies_answer_400_and_write_nothing(api, app):
    broadcast_id = api.live_broadcast()
    too_many = [{"id": f"e{i}", "type": "viewer_join", "ts": now_ms(), "viewer_id": "v"} for i in range(1001)]
    for body in ({"evts": []}, {"events": []}, {"events": "x"}, {"events": too_many}):
        response = api.post(f"/api/v1/broadcasts/{broadcast_id}/events", json=body)
        assert response.status_code == 400
        assert response.get_json()["error"]["field"] == "events"
    for raw in ("{not json", "[1, 2]", "null"):
        response = api.post(f"/api/v1/broadcasts/{broadcast_id}/events", data=raw, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"]["field"] == "body"
    assert _count(app, EventLog) == 0


def test_two_lines_of_one_sku_count_together_and_change_nothing_when_short(api):
    api.product("A1", stock=100)
    broadcast_id = api.live_broadcast(skus=("A1",))
    event = order_event("A1", 60)
    event["items"].append({"sku": "A1", "qty": 60, "unit_price": "99.00"})
    result = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert result["order"]["status"] != "accepted"
    product = api.get("/api/v1/products/A1").get_json()
    assert (product["stock"], product["reserved"]) == (100, 0)


def test_order_for_an_unknown_sku_is_held_not_lost(api):
    broadcast_id = api.live_broadcast()
    result = api.events(broadcast_id, [order_event("NOPE", 1)]).get_json()["results"][0]
    assert result["status"] == "accepted"
    assert result["order"]["status"] == "held"


def test_payment_sells_reserved_units_and_cancel_puts_them_back(any_api):
    any_api.product("A1", stock=10)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    any_api.events(broadcast_id, [order_event("A1", 3, order_id="P-1"), order_event("A1", 2, order_id="P-2")])
    results = any_api.events(broadcast_id, [
        {"id": "pay-1", "type": "payment", "ts": now_ms(), "order_id": "P-1", "status": "paid", "amount": "297.00", "method": "wechat"},
        {"id": "can-2", "type": "order_cancel", "ts": now_ms(), "order_id": "P-2", "reason": "changed mind"},
    ]).get_json()["results"]
    assert [r["order"]["status"] for r in results] == ["paid", "cancelled"]
    product = any_api.get("/api/v1/products/A1").get_json()
    assert (product["stock"], product["reserved"], product["sold"]) == (7, 0, 3)


def test_payment_for_an_unknown_order_is_rejected_and_not_logged(api, app):
    broadcast_id = api.live_broadcast()
    result = api.events(broadcast_id, [{"id": "pay-x", "type": "payment", "ts": now_ms(), "order_id": "missing",
                                        "status": "paid", "amount": "1.00"}]).get_json()["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["field"] == "order_id"
    assert _count(app, EventLog) == 0


def test_order_history_records_receipt_and_review(api):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    api.events(broadcast_id, [order_event("A1", 1, order_id="H-1")])
    order = api.get("/api/v1/orders/H-1").get_json()
    assert [(h["action"], h["to_status"]) for h in order["history"]] == [("received", "received"), ("status_changed", "accepted")]
    assert order["findings"] == []


def test_requests_without_a_valid_token_are_refused(client):
    assert client.get("/api/v1/orders").status_code == 401
    response = client.get("/api/v1/orders", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.get_json()["error"]["field"] == "Authorization"


def test_a_privacy_protected_order_is_not_held_for_the_contact_the_platform_keeps(any_api, any_app):
    any_api.product("A1", stock=5)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    masked = {"id": "b-77", "contact_masked": True,
              "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区"}}
    plain = {"id": "b-78", "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区"}}
    results = any_api.events(broadcast_id, [order_event("A1", 1, order_id="PP-1", buyer=masked),
                                            order_event("A1", 1, order_id="PP-2", buyer=plain)]).get_json()["results"]
    protected, ordinary = results[0]["order"], results[1]["order"]
    assert protected["status"] == "accepted" and protected["buyer"]["contact_masked"] is True
    assert [(f["code"], f["severity"]) for f in protected["findings"]] == [("contact_masked", "info")]
    assert ordinary["status"] == "held" and ordinary["buyer"]["contact_masked"] is False
    assert {"buyer_name_missing", "phone_missing", "address_missing"} <= {f["code"] for f in ordinary["findings"]}
    # The region is still needed to ship: a masked order without its city is held for it.
    no_city = {"id": "b-79", "contact_masked": True, "address": {"province": "浙江省", "district": "西湖区"}}
    held = any_api.events(broadcast_id, [order_event("A1", 1, order_id="PP-3", buyer=no_city)]).get_json()
    assert [f["field"] for f in held["results"][0]["order"]["findings"] if f["code"] == "address_missing"] == [
        "buyer.address.city"]
    with any_app.app_context():  # stored, so a later review (an edit, a payment) sees it too
        assert db.session.scalar(sa.select(Order.contact_masked).where(Order.order_id == "PP-1")) is True
    payment = {"id": "pay-PP-1", "type": "payment", "ts": now_iso(), "order_id": "PP-1", "status": "paid",
               "amount": "99.00", "method": "alipay"}
    paid = any_api.events(broadcast_id, [payment]).get_json()["results"][0]["order"]
    assert paid["status"] == "paid" and [f["code"] for f in paid["findings"]] == ["contact_masked"]


def test_contact_masked_must_be_true_or_false(any_api, any_app):
    any_api.product("A1", stock=5)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    buyer = {"id": "b-80", "contact_masked": "yes"}
    result = any_api.events(broadcast_id, [order_event("A1", 1, order_id="PP-9", buyer=buyer)]).get_json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["field"] == "buyer.contact_masked"
    with any_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
