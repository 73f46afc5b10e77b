"""Back-office actions on orders: claim, approve, reject, hold, extend, override findings (edits: edits.py).

Every action needs the order's claim (taken on the fly when nobody holds it), so two auditors never act on
the same order, and every action is an OrderHistory row with the actor and the reason. The decisions
(approve, reject, hold, edit, override) queue the pushes of the orders they changed; the route commits.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders import history, inventory
from orders.actions import (CLOSED_STATUSES, OrderOutcome, OrderRejected, quantities, queue_pushes, release_order,
    require_order)
from orders.audit.decide import needs_fix
from orders.backoffice.edits import BUYER_FIELDS, edit_owned  # noqa: F401  (BUYER_FIELDS: the edit route's keys)
from orders.backoffice.edits import reaudits, review_again
from orders.fulfilment.rules import FULFILMENT_STATUSES
from orders.models import Order, OrderFinding
from orders.review.context import load_policy
from orders.review.step import review_order

# A claim nobody used for this long may be taken by another auditor.
CLAIM_TIMEOUT = timedelta(minutes=10)


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
    """Return the outcome of approving a held order: its blocking findings are overridden and it is reviewed again.

    A held order kept its reservation (or its place in line), so approving never moves it behind later buyers.
    An order whose lines cannot hold stock (parent SKU of a variant, unknown SKU, bad quantity) is refused: the
    auditor fixes its items first (PATCH), or it would wait on stock that never comes.
    """
    order = _own(session, order_id, user_id, username, now)
    if order.status != "held":
        raise OrderRejected("invalid_state", "status", f"only held orders can be approved (this one is {order.status})", status=409)
    blocking = session.scalars(sa.select(OrderFinding).where(
        OrderFinding.order_pk == order.id, OrderFinding.active.is_(True), OrderFinding.severity == "block",
        OrderFinding.overridden_at.is_(None))).all()
    _refuse_unfixed(blocking)
    for finding in blocking:
        finding.overridden_by, finding.override_reason, finding.overridden_at = username, reason, now
    if order.stock_reserved and order.paid_amount is not None:
        return queue_pushes(session, _complete_sale(session, order, username, reason))
    outcome = review_order(session, order, now, actor=username, reason=reason)
    if order.status == "held":
        # The review found something new to hold for: no status row is written, so the approval and what it
        # overrode are kept as notes, as a single override is.
        for finding in blocking:
            history.note_added(session, order, username, reason, data={"overridden": finding.code})
    if order.status == "accepted" and order.paid_amount is not None:
        # Paid while held: once accepted the sale completes, or the sweeper would expire a paid order.
        return queue_pushes(session, _complete_sale(session, order, username, reason))
    _unclaim(order)
    return queue_pushes(session, OrderOutcome(order=order, created=False, stock_skus=outcome.stock_skus))


def _complete_sale(session: Session, order: Order, username: str, reason: str) -> OrderOutcome:
    """Return the outcome of turning a paid order's reserved units into sold ones (the person accepted the amount)."""
    inventory.sell(session, quantities(order))
    order.stock_reserved, order.held_at, order.reserved_until = False, None, None
    history.status_changed(session, order, "paid", actor=username, reason=reason)
    _unclaim(order)
    return OrderOutcome(order=order, created=False, stock_skus=sorted(quantities(order)))


def _refuse_unfixed(findings) -> None:
    """Raise 409 naming the first finding that only a fix of the order's lines clears."""
    unfixed = needs_fix(findings)
    if unfixed:
        first = unfixed[0]
        raise OrderRejected("needs_fix", first.field or "items",
                            f"{first.code}: fix the order's items (SKU or quantity) before approving it", status=409)


def extend(session: Session, order_id: str, user_id: int, username: str, reason: str, minutes: int | None,
           now: datetime) -> OrderOutcome:
    """Return the outcome of extending a held order's reservation to minutes from now (default: the policy's), or
    keeping it when it already runs longer.

    A held order reserves its units like an accepted one and expires unpaid like one, unless an auditor extends it.
    """
    order = _own(session, order_id, user_id, username, now)
    if order.status != "held" or not order.stock_reserved or order.reserved_until is None:
        raise OrderRejected("invalid_state", "status", "only a held order that reserves stock has a reservation to extend",
                            status=409)
    before = order.reserved_until
    minutes = minutes or load_policy(session, order.broadcast_id).reservation_minutes
    # Never earlier than it was: the queue's Extend (policy minutes) must not cut short a longer extension.
    order.reserved_until = max(before, now + timedelta(minutes=minutes))
    history.note_added(session, order, username, reason, data={"changes": [
        {"field": "reserved_until", "before": before.isoformat(), "after": order.reserved_until.isoformat()}]})
    return queue_pushes(session, OrderOutcome(order=order, created=False))


def reject(session: Session, order_id: str, user_id: int, username: str, reason: str, now: datetime) -> OrderOutcome:
    """Return the outcome of rejecting an order: stock and promotions go back, the buyer is told."""
    order = _own(session, order_id, user_id, username, now)
    if order.status == "paid" or order.status in FULFILMENT_STATUSES:  # packed or shipped: after-sales, not audit
        raise OrderRejected("invalid_state", "status", "a paid order is cancelled and refunded, not rejected", status=409)
    return queue_pushes(session, release_order(session, order, "rejected", username, reason, now, notice="rejected"))


def hold(session: Session, order_id: str, user_id: int, username: str, reason: str, now: datetime) -> OrderOutcome:
    """Return the outcome of holding an order for a closer look: its reservation (and timer) or its place in line is kept."""
    order = _own(session, order_id, user_id, username, now)
    if order.status not in ("accepted", "waitlisted", "received"):
        raise OrderRejected("invalid_state", "status", f"a {order.status} order cannot be held", status=409)
    order.held_at = now
    if not order.stock_reserved:
        order.reserved_until = None
    history.status_changed(session, order, "held", actor=username, reason=reason)
    return queue_pushes(session, OrderOutcome(order=order, created=False))


def edit_order(session: Session, order_id: str, user_id: int, username: str, changes: dict[str, str | None],
               items: dict[int, dict], reason: str | None, now: datetime) -> OrderOutcome:
    """Return the outcome of correcting buyer fields and line SKUs/quantities, audited again (orders/backoffice/edits.py)."""
    order = _own(session, order_id, user_id, username, now)
    outcome = edit_owned(session, order, username, changes, items, reason, now)
    _unclaim(order)
    return outcome


def edit_buyer(session: Session, order_id: str, user_id: int, username: str, changes: dict[str, str | None],
               reason: str | None, now: datetime) -> OrderOutcome:
    """Return the outcome of correcting buyer fields (keys of BUYER_FIELDS) and auditing the order again."""
    return edit_order(session, order_id, user_id, username, changes, {}, reason, now)


def override_finding(session: Session, order_id: str, user_id: int, username: str, code: str, reason: str,
                     now: datetime) -> OrderOutcome:
    """Return the outcome of overriding one active finding; a held order with nothing left blocking is reviewed again."""
    order = _own(session, order_id, user_id, username, now)
    rows = session.scalars(sa.select(OrderFinding).where(
        OrderFinding.order_pk == order.id, OrderFinding.active.is_(True), OrderFinding.code == code)).all()
    if not rows:
        raise OrderRejected("unknown_finding", "code", f"the order has no active finding {code!r}", status=404)
    _refuse_unfixed(rows)
    for row in rows:
        row.overridden_by, row.override_reason, row.overridden_at = username, reason, now
    history.note_added(session, order, username, reason, data={"overridden": code})
    # Only an audit hold is reviewed again (a paid one too, as edits.reaudits says): a hold an auditor chose, or one
    # over the amount the platform charged, has nothing to clear.
    if order.status == "held" and reaudits(session, order) and any(row.severity == "block" for row in rows):
        outcome = review_again(session, order, now, username, f"{code} overridden")
        _unclaim(order)  # as approve does: an order that left the queue is nobody's any more
        return queue_pushes(session, OrderOutcome(order=order, created=False, stock_skus=outcome.stock_skus))
    return queue_pushes(session, OrderOutcome(order=order, created=False))


def _unclaim(order: Order) -> None:
    if order.status != "held":
        order.claimed_by = order.claimed_at = None
