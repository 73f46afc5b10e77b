"""Buyer notices on SQLite and PostgreSQL: queueing each event once, what each order event queues, what the
order page lists."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.expiry import sweep
from orders.models import Order
from orders.notices.channels import LogChannel
from orders.notices.models import BuyerNotice
from orders.notices.service import deliver_due, notices_for_order, queue_notice
from tests.support.api import now_iso, order_event
from tests.support.notices import T0, make_order, notice


def test_queued_notice_is_pending_bilingual_and_due_now(ctx):
    order = make_order(ctx)
    row = queue_notice(ctx, order, "waitlisted", {"skus": ["TEA"]}, now=T0)
    ctx.commit()
    row = notice(ctx, row.id)
    assert (row.status, row.attempts, row.next_attempt_at, row.channel) == ("pending", 0, T0, None)
    assert row.message["zh-CN"].startswith("您的订单 O-1 已进入候补")
    assert row.payload["message"] == row.message
    assert (row.payload["kind"], row.payload["order_id"], row.payload["buyer_id"]) == ("waitlisted", "O-1", "buyer-O-1")
    assert row.payload["data"] == {"order_id": "O-1", "skus": ["TEA"]}


@pytest.mark.slow
def test_same_event_is_queued_once_and_a_new_dedupe_key_queues_again(ctx):
    order = make_order(ctx)
    assert queue_notice(ctx, order, "payment_failed", {"amount": Decimal(9)}, dedupe="evt-1") is not None
    assert queue_notice(ctx, order, "payment_failed", {"amount": Decimal(9)}, dedupe="evt-1") is None
    assert queue_notice(ctx, order, "payment_failed", {"amount": Decimal(9)}, dedupe="evt-2") is not None
    assert queue_notice(ctx, order, "payment_failed", dedupe="x" * 300) is not None
    assert queue_notice(ctx, order, "payment_failed", dedupe="x" * 300) is None
    ctx.commit()
    assert ctx.scalar(sa.select(sa.func.count()).select_from(BuyerNotice)) == 3


def test_unknown_kind_is_refused_before_anything_is_stored(ctx):
    order = make_order(ctx)
    with pytest.raises(ValueError):
        queue_notice(ctx, order, "shipped")
    assert ctx.scalar(sa.select(sa.func.count()).select_from(BuyerNotice)) == 0


def test_concurrent_queueing_of_one_event_stores_one_notice(any_app, ctx):
    order_pk = make_order(ctx).id
    ctx.commit()  # reading the id began a transaction; on SQLite that holds the write lock
    barrier, results = threading.Barrier(6), []

    def queue():
        with any_app.app_context():
            order = db.session.get(Order, order_pk)
            db.session.commit()  # waiting at the barrier inside a transaction would hold SQLite's lock
            barrier.wait(timeout=30)
            results.append(queue_notice(db.session, order, "expired") is not None)
            db.session.commit()

    threads = [threading.Thread(target=queue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True]
    assert ctx.scalar(sa.select(sa.func.count()).select_from(BuyerNotice)) == 1


def test_notices_for_order_lists_what_the_order_page_shows(ctx):
    order = make_order(ctx)
    queue_notice(ctx, order, "received", {"total": order.total}, now=T0)
    queue_notice(ctx, order, "expired", now=T0 + timedelta(minutes=1))
    ctx.commit()
    deliver_due(ctx, LogChannel(), T0)
    listed = notices_for_order(ctx, order.id)
    assert [(n["kind"], n["status"], n["attempts"]) for n in listed] == [("received", "sent", 1), ("expired", "pending", 0)]
    assert listed[0]["message"]["en"].startswith("We have received your order O-1 (¥1,234.50)")
    assert (listed[0]["created_at"], listed[0]["sent_at"], listed[0]["last_error"]) == (T0.isoformat(), T0.isoformat(), None)
    assert listed[1]["next_attempt_at"] == (T0 + timedelta(minutes=1)).isoformat()


def _events(any_api, broadcast_id: int, *events: dict) -> list[dict]:
    response = any_api.events(broadcast_id, list(events))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def _notices(any_api, order_id: str) -> list[dict]:
    return any_api.get(f"/api/v1/orders/{order_id}").get_json()["notices"]


def _review_again(app, order_id: str, **buyer) -> str:
    """Return the status after correcting buyer fields and reviewing the stored order again, as the back office does."""
    from app.db import utcnow
    from orders.actions import find_order
    from orders.review.step import review_order

    with app.app_context():
        order = find_order(db.session, order_id, for_update=True)
        for name, value in buyer.items():
            setattr(order, name, value)
        status = review_order(db.session, order, utcnow(), actor="auditor-1").status
        db.session.commit()
        return status


def test_needs_info_asks_only_for_what_the_buyer_can_supply_and_only_once(any_app, any_api):
    any_api.product("A1", stock=10)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    event = order_event("A1", 1, order_id="ASK-1", coupon_codes=["NOPE"])
    event["buyer"]["phone"] = None
    event["items"].append({"sku": "X", "qty": 1, "unit_price": "5.00"})
    [result] = _events(any_api, broadcast_id, event)
    found = {f["code"]: f for f in result["order"]["findings"]}
    assert result["order"]["status"] == "held" and {"phone_missing", "sku_unknown", "coupon_refused"} <= set(found)
    [row] = _notices(any_api, "ASK-1")
    assert row["kind"] == "needs_info"
    assert found["phone_missing"]["message"]["zh-CN"] in row["message"]["zh-CN"]
    assert found["sku_unknown"]["message"]["en"] not in row["message"]["en"]
    with any_app.app_context():
        asked = db.session.scalar(sa.select(BuyerNotice.payload).where(BuyerNotice.kind == "needs_info"))
    assert [f["code"] for f in asked["data"]["findings"]] == ["phone_missing"]
    assert _review_again(any_app, "ASK-1", buyer_name="张三丰") == "held"  # the same asks: not asked again
    assert _review_again(any_app, "ASK-1", buyer_phone="13812345678") == "held"  # nothing left to ask
    assert [n["kind"] for n in _notices(any_api, "ASK-1")] == ["needs_info"]


def test_each_order_event_queues_its_notice_once_even_when_delivered_again(any_app, any_api):
    any_api.product("A1", stock=3)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    assert any_api.post("/api/v1/promotions", json={"code": "NEW5", "kind": "coupon", "coupon_type": "fixed",
                                                    "value": "5"}).status_code == 201
    received = order_event("A1", 1, order_id="N-OK", coupon_codes=["NEW5"])
    waiting = order_event("A1", 3, order_id="N-WAIT")
    no_buyer = order_event("A1", 1, order_id="N-REJECT")
    no_buyer["buyer"]["id"] = None
    expiring = order_event("A1", 1, order_id="N-EXPIRE")
    cancel = {"id": "cancel-1", "type": "order_cancel", "ts": now_iso(), "order_id": "N-OK", "reason": "changed mind"}
    # N-EXPIRE before N-WAIT: once N-WAIT waits in line, a later order of A1 queues behind it (strict FIFO).
    _events(any_api, broadcast_id, received, expiring, waiting, no_buyer, received)  # the receipt redelivered
    assert [n["kind"] for n in _notices(any_api, "N-OK")] == ["received", "promotion_applied"]
    assert [n["kind"] for n in _notices(any_api, "N-WAIT")] == ["waitlisted"]
    assert [n["kind"] for n in _notices(any_api, "N-REJECT")] == ["rejected"]
    assert _review_again(any_app, "N-WAIT") == "waitlisted"  # still short of the same SKU: not told again

    def payment(event_id: str) -> dict:
        return {"id": event_id, "type": "payment", "ts": now_iso(), "order_id": "N-EXPIRE", "status": "failed",
                "amount": "99.00", "method": "alipay"}

    _events(any_api, broadcast_id, payment("pay-1"), payment("pay-1"), payment("pay-2"))
    failed = [n for n in _notices(any_api, "N-EXPIRE") if n["kind"] == "payment_failed"]
    assert len(failed) == 2 and failed[0]["message"]["en"].startswith("The payment of ¥99.00")
    _events(any_api, broadcast_id, cancel, dict(cancel, id="cancel-2"))  # 2 units back: N-WAIT still waits for 3
    with any_app.app_context():
        due = db.session.scalar(sa.select(Order.reserved_until).where(Order.order_id == "N-EXPIRE"))
        assert sweep(db.session, due) == 1  # N-EXPIRE's unit makes 3: N-WAIT is promoted (and received)
        assert sweep(db.session, due) == 0
    kinds = Counter()
    for order_id in ("N-OK", "N-WAIT", "N-REJECT", "N-EXPIRE"):
        kinds.update(n["kind"] for n in _notices(any_api, order_id))
    assert kinds == {"waitlisted": 1, "payment_failed": 2, "received": 3, "promoted": 1, "expired": 1,
                     "rejected": 1, "cancelled": 1, "promotion_applied": 1}
