"""Opening after-sales cases: by the back office (or a complaint) for an order, and by the system for a payment
that must go back (a duplicate payment, a payment on a closed order). Platform cases: mirror.py.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import quantize_money
from orders.actions import OrderRejected, require_order
from orders.aftersales.common import (SYSTEM, Actor, CaseOutcome, excluded_from_no_reason, load_policy, payer_of_freight,
                                      responsibility_of)
from orders.aftersales.flow import REFUND_TYPES, RETURN_TYPES
from orders.aftersales.models import (CASE_REASONS, CASE_TYPES, SYSTEM_REASONS, AftersaleCase, CaseLine,
                                     payment_marker)
from orders.aftersales.records import notify_buyer, queue_case_pushes, record_step
from orders.aftersales.refunds import available
from orders.aftersales.timers import TimerPolicy, no_reason_open
from orders.models import Order, OrderPayment

# Order statuses in which goods have left the warehouse (orders/fulfilment): returns, exchanges and reships need one.
SHIPPED_STATUSES = frozenset({"partially_shipped", "shipped", "delivered", "delivery_failed", "returned_to_sender",
                              "lost"})
# Cases that no longer claim units of the order (so the units may be asked about again).
_VOID_STATUSES = ("cancelled", "closed")


def new_case_id() -> str:
    """Return a fresh case id ("AS-" and ten hex digits)."""
    return "AS-" + secrets.token_hex(5).upper()


def _units_in_cases(session: Session, order_pk: int) -> dict[str, int]:
    """Return {sku: units} the order's live cases (not cancelled, closed or finally rejected) are about."""
    rows = session.execute(
        sa.select(CaseLine.sku, sa.func.sum(CaseLine.qty)).join(AftersaleCase, AftersaleCase.id == CaseLine.case_pk)
        .where(AftersaleCase.order_pk == order_pk, AftersaleCase.status.not_in(_VOID_STATUSES),
               sa.not_(sa.and_(AftersaleCase.status == "rejected", AftersaleCase.appeal_used.is_(True))))
        .group_by(CaseLine.sku)).all()
    return {sku: int(units) for sku, units in rows}


def units_open_to_cases(session: Session, order: Order) -> list[tuple[str, int, int]]:
    """Return (sku, units ordered, units not yet in a live case) per SKU of an order, in the order of its lines.

    Lines of one SKU count together (a platform sends the same item twice as two lines), as a case's lines do.
    """
    ordered: dict[str, int] = {}
    for line in order.lines:
        ordered[line.sku] = ordered.get(line.sku, 0) + line.qty
    taken = _units_in_cases(session, order.id)
    return [(sku, qty, max(qty - taken.get(sku, 0), 0)) for sku, qty in ordered.items()]


def _case_lines(session: Session, order: Order, case_type: str, lines: list[tuple[str, int]] | None) -> list[CaseLine]:
    """Return the case lines asked for (None: every unit not yet in a case, for the types that send goods)."""
    ordered: dict[str, tuple[int, Decimal]] = {}
    for line in order.lines:
        qty, price = ordered.get(line.sku, (0, line.unit_price))
        ordered[line.sku] = (qty + line.qty, price)
    taken = _units_in_cases(session, order.id)
    if lines is None:
        if case_type == "refund_only":
            return []
        lines = [(sku, qty - taken.get(sku, 0)) for sku, (qty, _price) in ordered.items() if qty > taken.get(sku, 0)]
        if not lines:
            raise OrderRejected("nothing_left", "lines", "every unit of the order is in a case already", status=409)
    found: dict[str, CaseLine] = {}
    for position, (sku, qty) in enumerate(lines):
        if sku not in ordered:
            raise OrderRejected("unknown_line", f"lines[{position}].sku", f"the order has no line of SKU {sku!r}", 422)
        if sku in found:
            raise OrderRejected("duplicate_line", f"lines[{position}].sku", f"SKU {sku!r} is named twice", 400)
        left = ordered[sku][0] - taken.get(sku, 0)
        if qty > left:
            raise OrderRejected("too_many_units", f"lines[{position}].qty",
                                f"{sku}: {left} units of the order are not in a case yet", 422)
        found[sku] = CaseLine(sku=sku, qty=qty, unit_price=ordered[sku][1])
    return list(found.values())


def _check_type(order: Order, case_type: str, reason: str, lines: list[CaseLine], policy: TimerPolicy,
                now: datetime) -> None:
    """Raise when the order cannot have this case: unpaid, not shipped for goods, 七天无理由 out of its window."""
    if order.paid_amount is None:
        raise OrderRejected("not_paid", "order_id", "only a paid order can have an after-sales case", status=409)
    if case_type != "refund_only" and order.status not in SHIPPED_STATUSES and order.shipped_at is None:
        raise OrderRejected("not_shipped", "type", f"a {case_type} case needs a shipped order (it is {order.status}); "
                            "refund_only refunds what was not shipped", status=409)
    if reason == "no_reason_7d":
        if case_type not in RETURN_TYPES - {"repair"}:
            raise OrderRejected("invalid_choice", "reason", "七天无理由 is a return or an exchange", status=422)
        if not no_reason_open(order.delivered_at, now, policy):
            raise OrderRejected("no_reason_window_passed", "reason",
                                "七天无理由 runs for 7 days from delivery, and this order is not in that window",
                                status=422)
        excluded = sorted(line.sku for line in lines if line.sku in excluded_from_no_reason())
        if excluded:
            raise OrderRejected("no_reason_excluded", "lines", f"sold without 七天无理由: {', '.join(excluded)}",
                                status=422)


def open_case(session: Session, order_id: str, actor: Actor, now: datetime, policy: TimerPolicy, *, case_type: str,
              reason: str, lines: list[tuple[str, int]] | None = None, amount: Decimal | None = None,
              freight: Decimal | None = None, note: str | None = None) -> CaseOutcome:
    """Return the outcome of opening a case for an order (status requested, the 48 h respond timer running)."""
    if case_type not in CASE_TYPES:
        raise OrderRejected("invalid_choice", "type", f"type must be one of {', '.join(CASE_TYPES)}")
    if reason not in CASE_REASONS or (reason in SYSTEM_REASONS and not actor.system):
        choices = [r for r in CASE_REASONS if r not in SYSTEM_REASONS]
        raise OrderRejected("invalid_choice", "reason", f"reason must be one of {', '.join(choices)}")
    if amount is not None and case_type not in REFUND_TYPES:
        raise OrderRejected("invalid_field", "amount", f"a {case_type} case refunds nothing: leave amount out")
    order = require_order(session, order_id)
    case_lines = _case_lines(session, order, case_type, lines)
    _check_type(order, case_type, reason, case_lines, policy, now)
    if case_type in REFUND_TYPES:
        left = available(session, order)
        value = sum((quantize_money(line.qty * line.unit_price) for line in case_lines), Decimal("0"))
        amount = quantize_money(amount if amount is not None else (value if case_lines else left))
        if amount <= 0 or amount > left:
            raise OrderRejected("amount_exceeds_refundable", "amount",
                                f"{amount} is not between 0.01 and the {left} paid and not yet refunded", status=422)
    responsibility = responsibility_of(reason)
    case = AftersaleCase(case_id=new_case_id(), order_pk=order.id, broadcast_id=order.broadcast_id, type=case_type,
                         reason=reason, responsibility=responsibility, freight_payer=payer_of_freight(responsibility),
                         status="requested", requested_amount=amount, freight_amount=freight or Decimal("0"),
                         note=note, requested_by=actor.name[:80], created_at=now, updated_at=now, lines=case_lines,
                         version=0)
    session.add(case)
    session.flush()
    record_step(session, case, order, "open", actor.name, now, policy, reason=note,
                data={"type": case_type, "reason": reason, "amount": None if amount is None else str(amount)},
                opening=True)
    notify_buyer(session, case, order, "aftersale_opened")
    queue_case_pushes(session, case, order)
    return CaseOutcome(case, order, created=True)


def open_payment_refund(session: Session, order: Order, payment_id: str, amount: Decimal, closed_order: bool,
                        now: datetime, policy: TimerPolicy) -> AftersaleCase | None:
    """Return the refund_only case opened for a payment that must go back (None when it has one already).

    Called by orders.actions.record_payment when it sets refund_due, inside its transaction; the case moves on by
    its timers like any other (auto-approved after 48 h, auto-refunded 7 days later) unless a person acts first.
    """
    marker = payment_marker(payment_id)
    if session.scalar(sa.select(AftersaleCase.id).where(AftersaleCase.order_pk == order.id,
                                                        AftersaleCase.note == marker)):
        return None
    reason = "payment_on_closed_order" if closed_order else "duplicate_payment"
    case = AftersaleCase(case_id=new_case_id(), order_pk=order.id, broadcast_id=order.broadcast_id, type="refund_only",
                         reason=reason, responsibility="seller", freight_payer="seller", status="requested",
                         requested_amount=quantize_money(amount), note=marker, requested_by="system", created_at=now,
                         updated_at=now, version=0)
    session.add(case)
    session.flush()
    record_step(session, case, order, "open", SYSTEM.name, now, policy, reason=reason,
                data={"type": "refund_only", "reason": reason, "amount": str(quantize_money(amount)),
                      "payment_id": payment_id}, opening=True)
    queue_case_pushes(session, case, order)
    return case


def refund_case_for_payment(session: Session, order: Order, payment_id: str, amount: Decimal, closed_order: bool,
                            now: datetime) -> None:
    """Open the refund case of a payment that must go back (listens to app.signals.payment_refund_due)."""
    open_payment_refund(session, order, payment_id, amount, closed_order, now, load_policy())


def open_refund_due_cases(session: Session, now: datetime, policy: TimerPolicy) -> int:
    """Return how many refund cases were opened for payments flagged refund_due before after-sales existed."""
    opened = 0
    rows = session.execute(sa.select(OrderPayment.payment_id, OrderPayment.amount, OrderPayment.order_pk)
                           .where(OrderPayment.refund_due.is_(True)).order_by(OrderPayment.id)).all()
    for payment_id, amount, order_pk in rows:
        order = session.scalar(sa.select(Order).where(Order.id == order_pk).with_for_update())
        closed = order.status in ("rejected", "cancelled", "expired")
        if open_payment_refund(session, order, payment_id, amount, closed, now, policy) is not None:
            opened += 1
    return opened
