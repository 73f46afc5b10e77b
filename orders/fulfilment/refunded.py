"""What after-sales did to an order's goods not yet shipped, as fulfilment reads it (docs/fulfilment.md, "Refunded
before shipping").

- Units refunded before they shipped, by a `refund_only` case: they leave what is to pack and ship. The action that
  takes them off (actions.refunded_before_shipping) records each time as an order history row `refunded_unshipped`
  with the units; those rows are what is read here, so what was taken off and what was put back on stock agree.
- A refund asked for and not decided yet (a `refund_only` case requested or approved, opened by a person, a
  complaint or a platform; not a payment's own case, which gives back money paid twice) of an order nothing of which
  has shipped: the order's shipping is on hold until the case is refunded, rejected or cancelled. Once a parcel is
  out, such a case is about goods the buyer has (a broken unit kept) as often as not: the rest ships.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.aftersales.models import SYSTEM_REASONS, AftersaleCase
from orders.models import Order, OrderHistory

REFUNDED_UNSHIPPED = "refunded_unshipped"
# The statuses of a refund_only case whose refund is asked for and not yet decided: shipping waits for them.
HOLDING_STATUSES = ("requested", "approved")
# An order with a parcel out: an open refund_only case holds nothing of it (see above).
PARTLY_OR_ALL_SHIPPED = ("partially_shipped", "shipped", "delivered", "delivery_failed", "returned_to_sender", "lost")


@dataclass
class RefundState:
    """An order's goods as after-sales left them: units refunded before shipping (and by which cases), whether a
    refund in full closed the order before anything shipped, and the open refund_only cases holding its shipping."""

    withdrawn: dict[str, int] = field(default_factory=dict)
    case_ids: list[str] = field(default_factory=list)
    closed: bool = False
    held_by: list[str] = field(default_factory=list)

    @property
    def closing_case(self) -> str | None:
        """Return the case whose refund closed the order (None when no refund closed it)."""
        return self.case_ids[-1] if self.closed and self.case_ids else None


def refund_states(session: Session, orders: list[Order], holds: bool = True) -> dict[int, RefundState]:
    """Return the refund state of each order (by primary key), in two statements however many orders (one without
    the holds)."""
    pks = [order.id for order in orders]
    states = {pk: RefundState() for pk in pks}
    if not pks:
        return states
    rows = session.execute(sa.select(OrderHistory.order_pk, OrderHistory.data).where(
        OrderHistory.order_pk.in_(pks), OrderHistory.action == REFUNDED_UNSHIPPED).order_by(OrderHistory.id))
    for order_pk, data in rows:
        state, data = states[order_pk], data or {}
        for sku, units in (data.get("units") or {}).items():
            state.withdrawn[sku] = state.withdrawn.get(sku, 0) + int(units)
        if data.get("case_id") and data["case_id"] not in state.case_ids:
            state.case_ids.append(data["case_id"])
        state.closed = state.closed or bool(data.get("closed"))
    if not holds:
        return states
    unshipped = [order.id for order in orders if order.status not in PARTLY_OR_ALL_SHIPPED]
    for order_pk, case_id in session.execute(sa.select(AftersaleCase.order_pk, AftersaleCase.case_id).where(
            AftersaleCase.order_pk.in_(unshipped), AftersaleCase.type == "refund_only",
            AftersaleCase.status.in_(HOLDING_STATUSES), AftersaleCase.reason.not_in(SYSTEM_REASONS))
            .order_by(AftersaleCase.id)):
        states[order_pk].held_by.append(case_id)
    return states


def refund_state(session: Session, order: Order) -> RefundState:
    """Return one order's refund state."""
    return refund_states(session, [order])[order.id]


def withdrawn_by_order(session: Session, orders: list[Order]) -> dict[int, dict[str, int]]:
    """Return, per order (by primary key), the units refunded before they shipped (one statement)."""
    return {pk: state.withdrawn for pk, state in refund_states(session, orders, holds=False).items()}
