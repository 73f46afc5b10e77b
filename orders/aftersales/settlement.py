"""What a refund that succeeded changes beyond the ledger (refunds.py calls after_refund in the same transaction).

- A refund of a `refund_only` case opened by a person, a complaint, a platform or for which the refund timer paid
  (not a payment's own case: that gives back money paid twice, and the goods stay owed) gives back goods the order
  had not shipped: fulfilment takes them off what is to pack and ship (orders/fulfilment/actions.py
  refunded_before_shipping) — the units it paid back in full, or everything left once the order's refund_only
  refunds reach what the purchase paid ("in full").
- A refund of a payment's own case (`duplicate_payment`, `payment_on_closed_order`) retires the order's finding
  that asked for it ("Paid twice — refund the second payment"): the instruction has been carried out.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import quantize_money
from orders.aftersales.models import SYSTEM_REASONS, AftersaleCase, Refund, payment_marker
from orders.fulfilment.actions import refunded_before_shipping
from orders.fulfilment.rules import GoodsRefund
from orders.models import Order, OrderFinding

ZERO = Decimal("0.00")


def goods_given_back(session: Session, order: Order) -> Decimal:
    """Return the totals of the order's succeeded refunds of refund_only cases that are not a payment's own case."""
    # Each column summed on its own: the sum of a Money column reads back as money, a sum of two as raw cents.
    goods, freight = session.execute(sa.select(sa.func.sum(Refund.amount), sa.func.sum(Refund.freight))
                                     .join(AftersaleCase, AftersaleCase.id == Refund.case_pk)
                                     .where(Refund.order_pk == order.id, Refund.status == "succeeded",
                                            AftersaleCase.type == "refund_only",
                                            AftersaleCase.reason.not_in(SYSTEM_REASONS))).one()
    return quantize_money((goods or 0) + (freight or 0))


def goods_refund(session: Session, case: AftersaleCase, order: Order, refund: Refund) -> GoodsRefund | None:
    """Return what a succeeded refund gave back of the order's goods, as fulfilment reads it (None when the refund
    is not a refund_only one of the goods: a return's refund, or a payment's own case)."""
    if case.type != "refund_only" or case.reason in SYSTEM_REASONS:
        return None
    in_full = order.paid_amount is not None and goods_given_back(session, order) >= quantize_money(order.paid_amount)
    return GoodsRefund(case.case_id, refund.refund_id, in_full)


def retire_payment_finding(session: Session, case: AftersaleCase, order: Order) -> int:
    """Return how many findings asking to refund the case's payment were set inactive (0 for other cases)."""
    if case.reason not in SYSTEM_REASONS:
        return 0
    rows = session.scalars(sa.select(OrderFinding).where(
        OrderFinding.order_pk == order.id, OrderFinding.code == case.reason, OrderFinding.active.is_(True))).all()
    mine = [row for row in rows if payment_marker(str((row.data or {}).get("payment_id"))) == case.note]
    for row in mine:
        row.active = False
    return len(mine)


def after_refund(session: Session, case: AftersaleCase, order: Order, refund: Refund, actor: str,
                 now: datetime) -> tuple[list[str], list[Order]]:
    """Return (SKUs put back on stock, waitlisted orders that took them) after refund succeeded: goods refunded
    before they shipped leave fulfilment, a payment's finding retires."""
    retire_payment_finding(session, case, order)
    goods = goods_refund(session, case, order, refund)
    if goods is None:
        return [], []
    return refunded_before_shipping(session, order, goods, actor, now)
