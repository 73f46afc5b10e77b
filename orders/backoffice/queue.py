"""The back-office audit queue: held orders with their findings, oldest first, with the SLA clock, a page at a time.

A flash sale can hold a couple of thousand orders at once, so the queue is read a page at a time with the true
count beside it, and the CSV export reads every held order in chunks rather than all at once.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.privacy import mask_phone
from orders.models import Order, OrderFinding
from orders.review.context import load_policy
from orders.serialize import order_dict_loads, order_to_dict

# The largest page the API answers; the CSV export reads this many orders per chunk.
MAX_PER_PAGE = 200
# What a queue item adds to the order (the API sends these beside the order, masked or not per role).
QUEUE_EXTRAS = ("age_seconds", "sla_seconds", "late", "phone_masked")


@dataclass(frozen=True)
class QueueFilter:
    """Which held orders the queue shows: of one broadcast, with one active finding, waiting at least so long."""

    broadcast_id: int | None = None
    code: str | None = None
    min_age_seconds: int | None = None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue: its orders (as queue items), how many held orders match, and held per broadcast."""

    orders: list[dict]
    total: int
    by_broadcast: dict[int, int]


def _matching(filters: QueueFilter, now: datetime) -> list[sa.ColumnElement[bool]]:
    """Return the conditions of the held orders the filters select."""
    conditions = [Order.status == "held"]
    if filters.broadcast_id is not None:
        conditions.append(Order.broadcast_id == filters.broadcast_id)
    if filters.code is not None:
        conditions.append(Order.id.in_(sa.select(OrderFinding.order_pk).where(
            OrderFinding.code == filters.code, OrderFinding.active.is_(True))))
    if filters.min_age_seconds is not None:
        conditions.append(Order.held_at <= now - timedelta(seconds=filters.min_age_seconds))
    return conditions


def held_queue(session: Session, now: datetime, filters: QueueFilter = QueueFilter(), page: int = 1,
               per_page: int = MAX_PER_PAGE) -> QueuePage:
    """Return one page of held orders oldest first (page 1 is the oldest), the count of all that match, and the
    count of matching held orders per broadcast."""
    conditions = _matching(filters, now)
    counts = dict(session.execute(sa.select(Order.broadcast_id, sa.func.count()).where(*conditions)
                                  .group_by(Order.broadcast_id)).all())
    pks = list(session.scalars(sa.select(Order.id).where(*conditions).order_by(Order.held_at, Order.id)
                               .offset((page - 1) * per_page).limit(per_page)))
    return QueuePage(orders=queue_items(session, now, pks), total=sum(counts.values()), by_broadcast=counts)


def queue_chunks(session: Session, now: datetime, filters: QueueFilter = QueueFilter(),
                 chunk: int = MAX_PER_PAGE) -> Iterator[list[dict]]:
    """Yield every held order the filters select, oldest first, as queue items, chunk orders at a time.

    The order keys are read first (a few thousand integers at most), so an order leaving the queue during the
    export neither shifts nor repeats a row.
    """
    pks = list(session.scalars(sa.select(Order.id).where(*_matching(filters, now)).order_by(Order.held_at, Order.id)))
    for start in range(0, len(pks), chunk):
        yield queue_items(session, now, pks[start:start + chunk])


def queue_items(session: Session, now: datetime, pks: Sequence[int]) -> list[dict]:
    """Return the orders of pks, in that order, each with its active findings, age, whether it is past the SLA and
    the buyer's phone masked."""
    if not pks:
        return []
    loaded = {order.id: order for order in session.scalars(
        sa.select(Order).where(Order.id.in_(pks)).options(*order_dict_loads()))}
    orders = [loaded[pk] for pk in pks if pk in loaded]
    findings: dict[int, list[OrderFinding]] = {}
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
        item.update({"age_seconds": age, "sla_seconds": sla[order.broadcast_id], "late": age > sla[order.broadcast_id],
                     # The row shows the phone masked by the one helper (app/privacy.py); the edit form the full one.
                     "phone_masked": mask_phone(order.buyer_phone)})
        items.append(item)
    return items
