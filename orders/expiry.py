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
from orders.notices.service import queue_notice
from orders.push import queue_order_changes

BATCH = 200
UNPAID = "reservation expired unpaid"
CLAIM_UNPAID = "chat claim not paid within its hold time"
NOT_CONFIRMED = "held past its reservation, not extended"


def expire_due(session: Session, now: datetime) -> list[tuple[Order, bool]]:
    """Return (order, is_new) changes after expiring reserving orders unpaid past reserved_until (not committed).

    Accepted and held orders reserve alike, so both expire alike: a held order keeps its units for the length of
    a payment window unless an auditor extends it (orders/backoffice/actions.py). A held order that was paid
    (held over the amount) has no timer and never expires.

    A chat claim's draft (status claimed) holding units expires alike after its hold time: its units go to the next
    in line (orders/waitlist.py), another draft or a waitlisted order, by time of comment or order.

    The changes include the waitlisted orders that took the released stock.
    """
    due = session.scalars(
        sa.select(Order).where(Order.status.in_(("accepted", "held", "claimed")), Order.reserved_until <= now,
                               Order.paid_amount.is_(None))
        .order_by(Order.reserved_until, Order.id).limit(BATCH).options(selectinload(Order.lines))
        .with_for_update(skip_locked=True)
    ).all()
    changes: list[tuple[Order, bool]] = []
    for order in due:
        if order.status == "accepted":
            outcome = release_order(session, order, "expired", "system", UNPAID, now, notice="expired")
        elif order.status == "claimed":
            outcome = release_order(session, order, "expired", "system", CLAIM_UNPAID, now, notice="expired")
        else:
            # The buyer was not late: nobody confirmed the held order, and the notice says so.
            outcome = release_order(session, order, "expired", "system", NOT_CONFIRMED, now, notice=None)
            queue_notice(session, order, "expired", {"reason": NOT_CONFIRMED, "cause": "not_confirmed"})
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
