"""The audit queue reads a page of held orders in a fixed number of statements, however many orders it lists
(SQLite and PostgreSQL): order_to_dict's relations (lines, after-sales cases, shipments, chat claim) are loaded
for the whole page, not once per order."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.backoffice.queue import queue_items
from orders.models import Order
from tests.support.api import order_event


def _held_and_paid(any_app, any_api, broadcast_id: int, count: int, tag: str) -> list[int]:
    """Return the keys of count held orders (no phone) that the buyers paid and that answer a chat comment."""
    events = []
    for n in range(count):
        event = order_event("A1", 1, order_id=f"{tag}-{n}")
        event["buyer"]["phone"] = None
        event["comment_id"] = f"c-{tag}-{n}"
        events.append(event)
    results = any_api.events(broadcast_id, events).get_json()["results"]
    assert {r["order"]["status"] for r in results} == {"held"}, results[0]
    with any_app.app_context():
        orders = db.session.scalars(sa.select(Order).where(Order.order_id.like(f"{tag}-%"))).all()
        for order in orders:
            order.paid_amount = Decimal("99.00")
        db.session.commit()
        return sorted(order.id for order in orders)


def _statements(any_app, pks: list[int]) -> int:
    counted = []

    def count(*_args) -> None:
        counted.append(1)

    with any_app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            items = queue_items(db.session, utcnow(), pks)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        assert [item["order_id"] for item in items] and all(item["claim"] is None for item in items)
        db.session.rollback()
    return len(counted)


def test_a_page_of_paid_held_orders_costs_the_same_statements_for_3_orders_as_for_30(any_app, any_api):
    any_api.product("A1", stock=100)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    few = _held_and_paid(any_app, any_api, broadcast_id, 3, "FEW")
    many = _held_and_paid(any_app, any_api, broadcast_id, 30, "MANY")
    assert _statements(any_app, many) == _statements(any_app, few)
