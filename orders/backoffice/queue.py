"""The back-office audit queue: held orders with their findings, oldest first, with the SLA clock."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders.models import Order, OrderFinding
from orders.review.context import load_policy
from orders.serialize import order_to_dict


def held_queue(session: Session, now: datetime, broadcast_id: int | None = None, code: str | None = None,
               min_age_seconds: int | None = None, limit: int = 200) -> list[dict]:
    """Return held orders oldest first, each with its active findings, age and whether it is past the SLA."""
    query = sa.select(Order).where(Order.status == "held")
    if broadcast_id is not None:
        query = query.where(Order.broadcast_id == broadcast_id)
    if code is not None:
        query = query.where(Order.id.in_(sa.select(OrderFinding.order_pk).where(
            OrderFinding.code == code, OrderFinding.active.is_(True))))
    if min_age_seconds is not None:
        query = query.where(Order.held_at <= now - timedelta(seconds=min_age_seconds))
    orders = session.scalars(query.order_by(Order.held_at, Order.id).limit(limit).options(selectinload(Order.lines))).all()
    findings: dict[int, list[OrderFinding]] = {}
    if orders:
        for row in session.scalars(sa.select(OrderFinding).where(
                OrderFinding.order_pk.in_([o.id for o in orders]), OrderFinding.active.is_(True)).order_by(OrderFinding.id)):
            findings.setdefault(row.order_pk, []).append(row)
    sla: dict[int, int] = {}
    items = []
    for order in orders:
        if order.broadcast_id not in sla:
            sla[order.broadcast_id] = load_policy(session, order.broadcast_id).sla_seconds
        age = int((now - (order.held_at or order.received_at)).total_seconds())
        item = order_to_dict(order, findings=findings.get(order.id, []))
        item.update({"age_seconds": age, "sla_seconds": sla[order.broadcast_id], "late": age > sla[order.broadcast_id]})
        items.append(item)
    return items
