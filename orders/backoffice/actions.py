"""Back-office actions on orders: claim, approve, reject, hold, edit buyer fields, override findings.

Every action needs the order's claim (taken on the fly when nobody holds it), so two auditors never act on
the same order, and every action is an OrderHistory row with the actor and the reason. The decisions
(approve, reject, hold, edit, override) queue the pushes of the orders they changed; the route commits.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders import history, inventory
from orders.actions import (
    CLOSED_STATUSES,
    OrderOutcome,
    OrderRejected,
    quantities,
    queue_pushes,
    release_order,
    require_order,
)
from orders.models import Order, OrderFinding
from orders.review.step import review_order

# A claim nobody used for this long may be taken by another auditor.
CLAIM_TIMEOUT = timedelta(minutes=10)
BUYER_FIELDS = {
    "name": "buyer_name", "phone": "buyer_phone", "address.province": "address_province",
    "address.city": "address_city", "address.district": "address_district", "address.detail": "address_detail",
}


def claim(session: Session, order_id: str, user_id: int, username: str, now: datetime) -> Order:
    """Return the order after user claimed it; raise 409 when another auditor holds a fresh claim."""
    order = require_order(session, order_id)
    result = session.execute(
        sa.update(Order).where(Order.id == order.id, sa.or_(
            Order.claimed_by.is_(None), Order.claimed_by == user_id, Order.claimed_at < now - CLAIM_TIMEOUT))
        .values(claimed_by=user_id, claimed_at=now).execution_options(synchronize_session="fetch"))
    if result.rowcount != 1:
        raise OrderRejected("claimed", "order_id", "another auditor is working on this order", status=409)
    if order.claimed_by != user_id:
        session.refresh(order)
    history.note_added(session, order, username, "claimed")
    return order


def release_claim(session: Session, order_id: str, user_id: int, username: str) -> Order:
    """Return the order after user gave their claim back (nothing happens when they did not hold it)."""
    order = require_order(session, order_id)
    if order.claimed_by == user_id:
        order.claimed_by = order.claimed_at = None
        history.note_added(session, order, username, "claim released")
    return order


def _own(session: Session, order_id: str, user_id: int, username: str, now: datetime) -> Order:
    order = claim(session, order_id, user_id, username, now)
    if order.status in CLOSED_STATUSES:
        raise OrderRejected("invalid_state", "status", f"the order is {order.status}", status=409)
    return order


def approve(session: Session, order_id: str, user_id: int, username: str, reason: str, now: datetime) -> OrderOutcome:
    """Return the outcome of approving a held order: its blocking findings are overridden and it is reviewed again."""
    order = _own(session, order_id, user_id, username, now)
    if order.status != "held":
        raise OrderRejected("invalid_state", "status", f"only held orders can be approved (this one is {order.status})", status=409)
    for finding in session.scalars(sa.select(OrderFinding).where(
            OrderFinding.order_pk == order.id, OrderFinding.active.is_(True), OrderFinding.severity == "block",
            OrderFinding.overridden_at.is_(None))):
        finding.overridden_by, finding.override_reason, finding.overridden_at = username, reason, now
    if order.stock_reserved and order.paid_amount is not None:
        # Held at payment time (amount query): the person accepted the amount, so the sale completes.
        inventory.sell(session, quantities(order))
        order.stock_reserved, order.held_at = False, None
        history.status_changed(session, order, "paid", actor=username, reason=reason)
        return queue_pushes(session, OrderOutcome(order=order, created=False, stock_skus=sorted(quantities(order))))
    outcome = review_order(session, order, now, actor=username, reason=reason)
    _unclaim(order)
    return queue_pushes(session, OrderOutcome(order=order, created=False, stock_skus=outcome.stock_skus))


def reject(session: Session, order_id: str, user_id: int, username: str, reason: str, now: datetime) -> OrderOutcome:
    """Return the outcome of rejecting an order: stock and promotions go back, the buyer is told."""
    order = _own(session, order_id, user_id, username, now)
    if order.status == "paid":
        raise OrderRejected("invalid_state", "status", "a paid order is cancelled and refunded, not rejected", status=409)
    return queue_pushes(session, release_order(session, order, "rejected", username, reason, now, notice="rejected"))


def hold(session: Session, order_id: str, user_id: int, username: str, reason: str, now: datetime) -> OrderOutcome:
    """Return the outcome of holding an order for a closer look; a reservation it has is kept."""
    order = _own(session, order_id, user_id, username, now)
    if order.status not in ("accepted", "waitlisted", "received"):
        raise OrderRejected("invalid_state", "status", f"a {order.status} order cannot be held", status=409)
    order.reserved_until, order.waitlisted_at, order.held_at = None, None, now
    history.status_changed(session, order, "held", actor=username, reason=reason)
    return queue_pushes(session, OrderOutcome(order=order, created=False))


def edit_buyer(session: Session, order_id: str, user_id: int, username: str, changes: dict[str, str | None],
               reason: str | None, now: datetime) -> OrderOutcome:
    """Return the outcome of correcting buyer fields (keys of BUYER_FIELDS) and auditing the order again."""
    order = _own(session, order_id, user_id, username, now)
    if order.status == "paid":
        raise OrderRejected("invalid_state", "status", "a paid order's buyer data is corrected on the platform", status=409)
    for key, value in changes.items():
        setattr(order, BUYER_FIELDS[key], value)
    history.note_added(session, order, username, reason or "buyer data corrected", data={"fields": sorted(changes)})
    if order.status in ("held", "waitlisted", "received"):
        outcome = review_order(session, order, now, actor=username, reason="re-audited after an edit")
        return queue_pushes(session, OrderOutcome(order=order, created=False, stock_skus=outcome.stock_skus))
    return queue_pushes(session, OrderOutcome(order=order, created=False))


def override_finding(session: Session, order_id: str, user_id: int, username: str, code: str, reason: str,
                     now: datetime) -> OrderOutcome:
    """Return the outcome of overriding one active finding; a held order with nothing left blocking is reviewed again."""
    order = _own(session, order_id, user_id, username, now)
    rows = session.scalars(sa.select(OrderFinding).where(
        OrderFinding.order_pk == order.id, OrderFinding.active.is_(True), OrderFinding.code == code)).all()
    if not rows:
        raise OrderRejected("unknown_finding", "code", f"the order has no active finding {code!r}", status=404)
    for row in rows:
        row.overridden_by, row.override_reason, row.overridden_at = username, reason, now
    history.note_added(session, order, username, reason, data={"overridden": code})
    if order.status == "held" and not order.stock_reserved:
        outcome = review_order(session, order, now, actor=username, reason=f"{code} overridden")
        return queue_pushes(session, OrderOutcome(order=order, created=False, stock_skus=outcome.stock_skus))
    return queue_pushes(session, OrderOutcome(order=order, created=False))


def _unclaim(order: Order) -> None:
    if order.status != "held":
        order.claimed_by = order.claimed_at = None
