"""Promoting waitlisted orders, first in first out, when stock comes back."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders import inventory
from orders.claims.line import promote_draft
from orders.claims.policy import load_claim_policy
from orders.models import Order, OrderFinding
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
    Strict FIFO per SKU: an order that still does not fit stops the line of each SKU it still waits for, so a
    later, smaller order never jumps the queue of that SKU; the lines of the other SKUs go on (one stuck line
    never strands the free units of another). Newcomers keep it too: a new order or draft asking for a SKU with
    orders in line takes none of its free units but joins the line behind them (inventory.skus_in_line;
    orders/intake, orders/review/verdict.py, orders/claims/line.py).
    """
    if not skus:
        return []
    waiting = session.scalars(
        sa.select(Order).where(*inventory.IN_LINE, inventory.in_line_of(sorted(skus)))
        .order_by(Order.waitlisted_at, Order.id).limit(BATCH).options(selectinload(Order.lines))
        .with_for_update()
    ).all()
    lines = _lines_of(session, waiting)
    stopped: set[str] = set()  # the SKUs whose line waits behind an order that still does not fit
    changed: list[Order] = []
    for order in waiting:
        if skus <= stopped:
            break
        if lines[order.id] & stopped:  # behind a stopped line: it keeps its place in each of its lines
            stopped |= lines[order.id]
            continue
        if order.status == "claimed":
            if not promote_draft(session, order, now, load_claim_policy(session, order.broadcast_id).hold_minutes):
                stopped |= lines[order.id]
                continue
            changed.append(order)
            continue
        outcome = review_order(session, order, now, reason="stock came back")
        if order.waitlisted_at is not None:
            stopped |= outcome.waiting_for
            continue
        changed.append(order)
        if outcome.status == "accepted":
            queue_notice(session, order, "promoted", {"total": str(order.total)})
    return changed


def _lines_of(session: Session, orders) -> dict[int, set[str]]:
    """Return, per order in line, the SKUs in whose line it stands: those it is short of; a draft's, its own."""
    lines = {order.id: ({line.sku for line in order.lines} if order.status == "claimed" else set())
             for order in orders}
    audited = [order.id for order in orders if order.status != "claimed"]
    if audited:
        for order_pk, data in session.execute(sa.select(OrderFinding.order_pk, OrderFinding.data).where(
                OrderFinding.order_pk.in_(audited), OrderFinding.code == "stock_short", OrderFinding.active.is_(True))):
            if data and data.get("sku"):
                lines[order_pk].add(data["sku"])
    return lines
