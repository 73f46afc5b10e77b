"""Promoting waitlisted orders, first in first out, when stock comes back."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders import inventory
from orders.claims.line import promote_draft
from orders.claims.policy import load_claim_policy
from orders.models import Order
from orders.notices.service import queue_notice
from orders.review.step import review_order

BATCH = 200


def promote_waitlisted(session: Session, skus: set[str], now: datetime) -> list[Order]:
    """Return the orders in the line of any of skus that were reviewed again, oldest first.

    The line holds waitlisted orders and held ones that found no stock (held and waitlisted at once): a held
    order at the head takes its units and stays held for the auditor, so an approval later never finds them gone.
    Chat claims' drafts waiting for stock (orders/claims) stand in the same line at their comment's time. An
    order stands only in the lines of the SKUs it is short of (inventory.in_line_of): one that waits for A does
    not stop the line, or the sales, of the B in the same basket.
    Strict FIFO: the first order that still does not fit stops the run, so a later, smaller order never
    jumps the queue of a SKU. Newcomers keep it too: a new order or draft asking for a SKU with orders in line
    takes none of its free units but joins the line behind them (inventory.skus_in_line; orders/intake,
    orders/review/verdict.py, orders/claims/line.py).
    """
    if not skus:
        return []
    waiting = session.scalars(
        sa.select(Order).where(*inventory.IN_LINE, inventory.in_line_of(sorted(skus)))
        .order_by(Order.waitlisted_at, Order.id).limit(BATCH).options(selectinload(Order.lines))
        .with_for_update()
    ).all()
    changed: list[Order] = []
    for order in waiting:
        if order.status == "claimed":
            if not promote_draft(session, order, now, load_claim_policy(session, order.broadcast_id).hold_minutes):
                break
            changed.append(order)
            continue
        outcome = review_order(session, order, now, reason="stock came back")
        if order.waitlisted_at is not None:
            break
        changed.append(order)
        if outcome.status == "accepted":
            queue_notice(session, order, "promoted", {"total": str(order.total)})
    return changed
