"""Building customers in tests: paid orders of one buyer through the events API, refunds, recalculation."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.customers.recalculate import recalculate
from orders.models import Order
from tests.support.api import order_event


def place(api, broadcast_id: int, order_id: str, buyer_id: str, qty: int = 1, paid: bool = True, **buyer) -> None:
    """Post an order of buyer_id (qty × A1 at ¥99, contact 张三 13812345678 unless overridden) and, when paid, its payment."""
    event = order_event("A1", qty, order_id=order_id)
    event["buyer"].update({"id": buyer_id, "name": "张三", "phone": "13812345678"} | buyer)
    assert api.events(broadcast_id, [event]).status_code == 200
    if paid:
        payment = {"id": f"pay-{order_id}", "type": "payment", "ts": event["ts"], "order_id": order_id,
                   "payment_id": f"P-{order_id}", "status": "paid", "amount": f"{99 * qty}.00"}
        result = api.events(broadcast_id, [payment]).get_json()["results"][0]
        assert result["status"] == "accepted", result


def refund(app, order_id: str, amount: str) -> None:
    """Record that amount of the order was refunded (what the after-sales refund ledger keeps in refunded_amount)."""
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.order_id == order_id).values(refunded_amount=Decimal(amount)))
        db.session.commit()


def recalc(app, now: datetime | None = None, **only) -> dict:
    """Run the recalculation (at now) in the app and commit; return its counts."""
    with app.app_context():
        result = recalculate(db.session, now or utcnow(), actor="test", **only)
        db.session.commit()
        return result.as_dict()
