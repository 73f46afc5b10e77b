"""The refund ledger's figures of an order, as every screen and the API show them: paid, refunded, pending, still
refundable. One definition, so the case page, the case JSON and the refund limits never disagree.

Paid is the sum of the order's paid payments (a duplicate payment counts: it is money to give back); an order
without payment rows falls back to its paid_amount. Refunded is Order.refunded_amount (the succeeded refunds), which
the conditional UPDATE of refunds.add_refunded keeps within paid.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import quantize_money
from orders.aftersales.ledger import refundable
from orders.aftersales.models import Refund
from orders.models import Order, OrderPayment

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Ledger:
    """An order's refund figures: paid, refunded (succeeded), pending (held by refunds awaiting payout), available."""

    paid: Decimal
    refunded: Decimal
    pending: Decimal

    @property
    def available(self) -> Decimal:
        """Return what may still be refunded: paid − refunded − pending, never below zero."""
        return refundable(self.paid, self.refunded, self.pending)

    def to_dict(self) -> dict:
        """Return the figures as the case page's ledger reads them."""
        return {"paid": self.paid, "refunded": self.refunded, "pending": self.pending, "available": self.available}


def paid_totals(session: Session, orders: list[Order]) -> dict[int, Decimal]:
    """Return what the buyer paid for each order (by its primary key): its paid payments, in one statement."""
    pks = [order.id for order in orders]
    found = dict(session.execute(sa.select(OrderPayment.order_pk, sa.func.sum(OrderPayment.amount)).where(
        OrderPayment.order_pk.in_(pks), OrderPayment.status == "paid").group_by(OrderPayment.order_pk)).all()) \
        if pks else {}
    return {order.id: quantize_money(found.get(order.id) if found.get(order.id) is not None
                                     else order.paid_amount or 0) for order in orders}


def pending_totals(session: Session, order_pks: list[int]) -> dict[int, Decimal]:
    """Return the totals (goods + freight) of each order's refunds awaiting their payout, in one statement."""
    if not order_pks:
        return {}
    # Each column summed on its own: the sum of a Money column reads back as money, a sum of two as raw cents.
    rows = session.execute(sa.select(Refund.order_pk, sa.func.sum(Refund.amount), sa.func.sum(Refund.freight)).where(
        Refund.order_pk.in_(order_pks), Refund.status == "pending").group_by(Refund.order_pk)).all()
    found = {pk: quantize_money((goods or 0) + (freight or 0)) for pk, goods, freight in rows}
    return {pk: found.get(pk, ZERO) for pk in order_pks}


def ledgers(session: Session, orders: list[Order]) -> dict[int, Ledger]:
    """Return the ledger figures of several orders (by primary key) in two statements."""
    paid = paid_totals(session, orders)
    pending = pending_totals(session, [order.id for order in orders])
    return {order.id: Ledger(paid[order.id], quantize_money(order.refunded_amount or 0), pending[order.id])
            for order in orders}


def ledger_of(session: Session, order: Order) -> Ledger:
    """Return one order's ledger figures."""
    return ledgers(session, [order])[order.id]
