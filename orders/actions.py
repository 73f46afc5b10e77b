"""Order actions: each write that ends in a push is one function that changes rows, writes history and queues
the notices and pushes that follow (after Saleor's order/actions.py). A route parses, calls one, commits.

receive_orders (a batch of order events) lives in orders/intake/batch.py and is re-exported here with the
reads the live domain uses (find_orders, broadcast_totals).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.db import quantize_money
from app.signals import payment_refund_due
from orders import history, inventory
from orders.audit import PaymentEvent, check_payment
from orders.fulfilment.deadline import assign_ship_by
from orders.intake.batch import NewOrder, receive_orders  # noqa: F401  (the events API's entry point)
from orders.models import Order, OrderFinding, OrderPayment
from orders.notices.service import queue_notice
from orders.promotions import service as promotions
from orders.review.step import review_order
from orders.push import broadcast_totals, queue_order_changes, queue_stock  # noqa: F401  (live.snapshot reads totals)
from orders.serialize import order_dict_loads
from orders.waitlist import promote_waitlisted

# Orders in these statuses are closed: their stock and promotions went back.
CLOSED_STATUSES = ("rejected", "cancelled", "expired")


class OrderRejected(Exception):
    """An order event or action that cannot be applied; carries the HTTP status, code and field."""

    def __init__(self, code: str, field: str | None, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.field, self.message, self.status = code, field, message, status


@dataclass
class OrderOutcome:
    """What a service did: the order, whether it is new, SKUs whose stock moved, other orders it changed."""

    order: Order
    created: bool
    stock_skus: list[str] = field(default_factory=list)
    also_changed: list[Order] = field(default_factory=list)


def find_order(session: Session, order_id: str, for_update: bool = False) -> Order | None:
    """Return the order with this platform order id, lines loaded (row-locked on PostgreSQL when for_update)."""
    query = sa.select(Order).where(Order.order_id == order_id).options(selectinload(Order.lines))
    if for_update:
        # PostgreSQL serialises concurrent status changes of one order here; SQLite already runs writers one by one.
        query = query.with_for_update()
    return session.scalar(query)


def find_orders(session: Session, order_ids: list[str]) -> dict[str, Order]:
    """Return the orders with these platform order ids, lines loaded, keyed by order id (unknown ids left out)."""
    if not order_ids:
        return {}
    found = session.scalars(sa.select(Order).where(Order.order_id.in_(sorted(set(order_ids))))
                            .options(selectinload(Order.lines)))
    return {order.order_id: order for order in found}


def require_order(session: Session, order_id: str, broadcast_id: int | None = None) -> Order:
    """Return the order (locked for update), or raise OrderRejected when unknown or of another broadcast."""
    order = find_order(session, order_id, for_update=True)
    if order is None:
        raise OrderRejected("unknown_order", "order_id", f"no order {order_id!r} has been received", status=404)
    if broadcast_id is not None and order.broadcast_id != broadcast_id:
        raise OrderRejected("wrong_broadcast", "order_id", f"order {order_id!r} belongs to another broadcast", status=409)
    return order


def quantities(order: Order) -> dict[str, int]:
    """Return the units per SKU of an order."""
    return inventory.requested_by_sku([(line.sku, line.qty) for line in order.lines])


def record_payment(session: Session, broadcast_id: int, data: dict, payment_id: str, at: datetime,
                   now: datetime) -> OrderOutcome:
    """Return the outcome of a platform payment report: paid turns reserved units into sold ones."""
    order = require_order(session, data["order_id"], broadcast_id)
    previous = [PaymentEvent(p.payment_id, p.status, p.amount, p.at) for p in session.scalars(
        sa.select(OrderPayment).where(OrderPayment.order_pk == order.id).order_by(OrderPayment.id))]
    amount = quantize_money(data["amount"])
    check = check_payment(order.status, previous, PaymentEvent(payment_id, data["status"], amount, at))
    if check.replay:
        return OrderOutcome(order=order, created=False)
    session.add(OrderPayment(order_pk=order.id, payment_id=payment_id, status=data["status"], amount=amount,
                             method=data["method"], refund_due=check.refund, at=at))
    for finding in check.findings:
        session.add(OrderFinding(order_pk=order.id, code=finding.code, severity=finding.severity, field=finding.field,
                                 message=dict(finding.message), data={k: str(v) for k, v in finding.data.items()}))
    if check.refund:
        refund_due(session, order, payment_id, amount, now)
    to_status = check.next_status
    if data["status"] == "paid" and order.paid_amount is None:
        order.paid_amount = amount
        order.paid_at = at
        assign_ship_by(session, order)  # the ship-by deadline runs from payment (orders/fulfilment/deadline.py)
        if order.status == "held":
            # Paid while held: the buyer has done their part, so the held reservation no longer expires.
            order.reserved_until = None
    moved: list[str] = []
    if to_status == "paid" and amount != order.total:
        # The platform charged something else than the audit priced: a person must look before it ships.
        session.add(OrderFinding(order_pk=order.id, code="price_mismatch", severity="block", field="amount",
                                 message={"en": f"Paid {amount}, but the order total is {order.total}.",
                                          "zh-CN": f"实付 {amount} 元，与订单金额 {order.total} 元不符。"},
                                 data={"paid": str(amount), "total": str(order.total)}))
        to_status = "held"
        order.held_at, order.reserved_until = now, None
    elif to_status == "paid":
        inventory.sell(session, quantities(order))
        order.stock_reserved, order.reserved_until = False, None
        moved = sorted(quantities(order))
    history.payment_recorded(session, order, data["status"], str(amount), data["method"], to_status=to_status)
    if data["status"] == "failed":
        queue_notice(session, order, "payment_failed", {"amount": str(amount)}, dedupe=payment_id)
    if order.status == "held" and order.paid_amount is not None and _held_as_duplicate(session, order):
        # duplicate_order holds two orders of the same items unless both are paid: this payment may have made them
        # two confirmed purchases, so the audit looks again (an accepted order the buyer paid completes its sale).
        moved = sorted(set(moved) | set(review_order(session, order, now, reason="paid: audited again").stock_skus))
    return OrderOutcome(order=order, created=False, stock_skus=moved)


def refund_due(session: Session, order: Order, payment_id: str, amount: Decimal, now: datetime) -> None:
    """Flag the order as owing the buyer a payment back and open that payment's refund case.

    The one way a payment becomes money to return: a duplicate payment, one for a closed order, and the payments of
    an order the back office closed after the buyer paid (release_order) all end here; orders.aftersales listens
    and opens a refund_only case (reason payment_on_closed_order when the order is closed, duplicate_payment else).
    """
    order.refund_due = True
    payment_refund_due.send(session, order=order, payment_id=payment_id, amount=amount,
                            closed_order=order.status in CLOSED_STATUSES, now=now)


def _refund_payments(session: Session, order: Order, now: datetime) -> None:
    """Flag every paid payment of a just-closed order that is not yet owed back, and open its refund case."""
    payments = session.scalars(sa.select(OrderPayment).where(
        OrderPayment.order_pk == order.id, OrderPayment.status == "paid", OrderPayment.refund_due.is_(False))
        .order_by(OrderPayment.id)).all()
    for payment in payments:
        payment.refund_due = True
        refund_due(session, order, payment.payment_id, payment.amount, now)


def _held_as_duplicate(session: Session, order: Order) -> bool:
    """Return True when order is held by an active duplicate_order finding."""
    return session.scalar(sa.select(sa.exists().where(
        OrderFinding.order_pk == order.id, OrderFinding.code == "duplicate_order", OrderFinding.active.is_(True))))


def release_order(session: Session, order: Order, to_status: str, actor: str, reason: str | None,
                  now: datetime, notice: str | None, refund_paid: bool = True) -> OrderOutcome:
    """Return the outcome of closing an order (cancelled, rejected, expired): stock and promotions go back.

    An order the buyer already paid (held or in line over a payment) owes that money back: with refund_paid, each
    payment gets its refund case as a payment arriving after the close would (refund_due). A platform's cancel
    passes False: the platform refunds its buyer with the cancel.
    """
    moved: list[str] = []
    if order.stock_reserved:
        inventory.release(session, quantities(order))
        moved = sorted(quantities(order))
    elif order.status in ("paid", "packing"):  # sold, not yet shipped (packing: orders/fulfilment)
        inventory.restore_sold(session, quantities(order))
        moved = sorted(quantities(order))
    order.stock_reserved, order.reserved_until, order.waitlisted_at, order.held_at = False, None, None, None
    order.claimed_by = order.claimed_at = None
    promotions.release(session, order.id)
    history.status_changed(session, order, to_status, actor=actor, reason=reason)
    if refund_paid and order.paid_amount is not None:
        _refund_payments(session, order, now)
    if notice:
        queue_notice(session, order, notice, {"reason": reason or ""})
    promoted = promote_waitlisted(session, set(moved), now) if moved else []
    return OrderOutcome(order=order, created=False, stock_skus=sorted(set(moved) | {s for o in promoted for s in quantities(o)}),
                        also_changed=promoted)


def cancel_order(session: Session, broadcast_id: int, order_id: str, reason: str | None, now: datetime,
                 actor: str = "platform", refund_paid: bool = False) -> OrderOutcome:
    """Return the outcome of cancelling an order; its reserved or sold units go back to available.

    refund_paid: open a refund case for each payment of a paid order (release_order). False by default: a cancel the
    platform reports comes with the platform's own refund, and ours would pay the buyer twice.
    """
    order = require_order(session, order_id, broadcast_id)
    if order.status in CLOSED_STATUSES:
        history.note_added(session, order, actor, f"cancel ignored: order is already {order.status}")
        return OrderOutcome(order=order, created=False)
    return release_order(session, order, "cancelled", actor, reason, now, notice="cancelled", refund_paid=refund_paid)


def queue_pushes(session: Session, outcome: OrderOutcome) -> OrderOutcome:
    """Return outcome after queueing order.updated for its orders, then stock and totals of their broadcasts."""
    changes = [(outcome.order, outcome.created)] + [(other, False) for other in outcome.also_changed]
    queue_order_changes(session, changes, set(outcome.stock_skus))
    return outcome


def list_orders(session: Session, broadcast_id: int | None, status: str | None, page: int, per_page: int) -> tuple[list[Order], int]:
    """Return one page of orders, newest first, and the total count for the filters."""
    query = sa.select(Order)
    if broadcast_id is not None:
        query = query.where(Order.broadcast_id == broadcast_id)
    if status is not None:
        query = query.where(Order.status == status)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Order.id.desc()).offset((page - 1) * per_page).limit(per_page).options(*order_dict_loads())
    ).all()
    return list(rows), int(total or 0)
