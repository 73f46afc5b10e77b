"""Retention of buyer contact data in orders: past the retention, name, phone and street address become a tombstone.

An order untouched (``updated_at``) for longer than the retention (PII_RETENTION_DAYS, default 180) loses its
buyer's name, phone and street address, and so do the before/after values of its edit history. The buyer id,
items, amounts, statuses and the province/city/district stay (masked roles see those anyway), so every total,
metric and customer record still adds up. Running it again changes nothing: tombstoned orders no longer match.
The event log's copies are live's part (live/privacy.py), which calls this module chunk by chunk.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.models import Order, OrderHistory

TOMBSTONE = "[removed]"
CHUNK = 500
CONTACT_COLUMNS = ("buyer_name", "buyer_phone", "address_detail")
# Fields of order_history "changes" (orders.history.order_edited) that held the same contact data.
CONTACT_FIELDS = frozenset({"buyer.name", "buyer.phone", "buyer.address.detail"})


def retention_cutoff(now: datetime, days: int) -> datetime:
    """Return the instant before which an order's last change makes its contact data due for removal."""
    return now - timedelta(days=days)


def _identifying():
    """Return the condition of an order that still holds some contact data."""
    columns = [getattr(Order, name) for name in CONTACT_COLUMNS]
    return sa.or_(*[column.is_not(None) & (column != TOMBSTONE) for column in columns])


def due_chunks(session: Session, cutoff: datetime, size: int = CHUNK) -> Iterator[list[tuple[int, str, int]]]:
    """Yield (pk, order_id, broadcast_id) of orders due for removal, a chunk at a time in id order."""
    after = 0
    while True:
        rows = session.execute(
            sa.select(Order.id, Order.order_id, Order.broadcast_id)
            .where(Order.id > after, Order.updated_at < cutoff, _identifying()).order_by(Order.id).limit(size)).all()
        if not rows:
            return
        yield [tuple(row) for row in rows]
        after = rows[-1][0]


def tombstone_orders(session: Session, pks: list[int]) -> int:
    """Replace the contact data of the orders with the tombstone (their last change time kept); return how many."""
    values = {name: sa.case((getattr(Order, name).is_(None), None), else_=sa.literal(TOMBSTONE))
              for name in CONTACT_COLUMNS}
    statement = (sa.update(Order).where(Order.id.in_(pks))
                 .values(**values, buyer_phone_normalized=None, buyer_phone_last4=None, updated_at=Order.updated_at)
                 .execution_options(synchronize_session=False))
    return session.execute(statement).rowcount or 0


def tombstone_change(change: dict) -> dict:
    """Return one recorded edit with its before/after replaced by the tombstone when it is contact data (pure)."""
    if change.get("field") not in CONTACT_FIELDS:
        return change
    return dict(change, before=None if change.get("before") is None else TOMBSTONE,
                after=None if change.get("after") is None else TOMBSTONE)


def tombstone_history(session: Session, pks: list[int], write: bool = True) -> int:
    """Replace the contact values recorded in the orders' edit history; return how many rows changed (or would)."""
    rows = session.execute(sa.select(OrderHistory.id, OrderHistory.data)
                           .where(OrderHistory.order_pk.in_(pks), OrderHistory.data.is_not(None))).all()
    changed = 0
    for history_id, data in rows:
        changes = (data or {}).get("changes") if isinstance(data, dict) else None
        if not changes:
            continue
        cleaned = [tombstone_change(change) for change in changes]
        if cleaned != changes and write:
            session.execute(sa.update(OrderHistory).where(OrderHistory.id == history_id)
                            .values(data=dict(data, changes=cleaned)).execution_options(synchronize_session=False))
        changed += cleaned != changes
    return changed
