"""The reservation sweeper: unpaid accepted orders, and held ones no auditor extended, give their stock back past their time."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session, selectinload

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.extensions import db
from orders.actions import quantities, release_order
from orders.models import Order
from orders.push import queue_order_changes

BATCH = 200


def expire_due(session: Session, now: datetime) -> list[tuple[Order, bool]]:
    """Return (order, is_new) changes after expiring reserving orders unpaid past reserved_until (not committed).

    Accepted and held orders reserve alike, so both expire alike: a held order keeps its units for the length of
    a payment window unless an auditor extends it (orders/backoffice/actions.py). A held order that was paid
    (held over the amount) has no timer and never expires.

    The changes include the waitlisted orders that took the released stock.
    """
    due = session.scalars(
        sa.select(Order).where(Order.status.in_(("accepted", "held")), Order.reserved_until <= now,
                               Order.paid_amount.is_(None))
        .order_by(Order.reserved_until, Order.id).limit(BATCH).options(selectinload(Order.lines))
        .with_for_update(skip_locked=True)
    ).all()
    changes: list[tuple[Order, bool]] = []
    for order in due:
        reason = "reservation expired unpaid" if order.status == "accepted" else "held past its reservation, not extended"
        outcome = release_order(session, order, "expired", "system", reason, now, notice="expired")
        changes.append((order, False))
        changes.extend((other, False) for other in outcome.also_changed)
    return changes


def sweep(session: Session, now: datetime) -> int:
    """Return how many orders one sweep expired, after committing it with its pushes."""
    def work() -> int:
        changes = expire_due(session, now)
        if changes:
            skus = {sku for order, _ in changes for sku in quantities(order)}
            queue_order_changes(session, changes, skus)
        realtime.commit(session)
        return sum(1 for order, _ in changes if order.status == "expired")

    return run_with_retry(work)


def sweep_job(app: Flask) -> None:
    """Background job: expire due reservations (runs every few seconds in the server)."""
    while sweep(db.session, utcnow()) >= BATCH:
        pass
