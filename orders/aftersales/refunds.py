"""Refunds: the ledger's writes. A refund is made pending, then succeeds (Order.refunded_amount grows) or fails.

What was paid is the sum of the order's paid payments; a pending refund holds its total against it. Limits are
checked under the order's row lock (orders/aftersales/ledger.py), and the succeeded total is added with one
conditional UPDATE (refunded_amount + total <= paid) whose row count is checked, so two refunds racing can never
give back more than was paid, on SQLite and PostgreSQL alike.

A refund made by a person through the API succeeds at once by default (the money was paid out by the shop's
payment back office); `"status": "pending"` records one whose payout is confirmed later (succeed / fail). While it
waits, the case takes no second refund and no cancel (flow.WAITS_FOR_PAYOUT), and its payout can always be recorded.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import quantize_money
from orders.actions import OrderRejected
from orders.aftersales.common import Actor, CaseOutcome, begin, check_claim, lock_order, require_case, transition
from orders.aftersales.figures import ledger_of, paid_totals, pending_totals
from orders.aftersales.flow import WAITS_FOR_PAYOUT, IllegalTransition, next_status
from orders.aftersales.ledger import LineValue, check_refund, covered_value, spread
from orders.aftersales.models import SYSTEM_REASONS, AftersaleCase, Refund, payment_marker
from orders.aftersales.records import notify_buyer, queue_case_pushes, record_step
from orders.aftersales.restock import restock_returned, units_to_restock
from orders.aftersales.settlement import after_refund
from orders.aftersales.timers import TimerPolicy
from orders.models import Order, OrderPayment

_O, _P = Order.__table__, OrderPayment.__table__
# What the buyer paid: every paid payment (a duplicate too); an order with no payment rows falls back to paid_amount.
_PAID = sa.select(sa.func.sum(_P.c.amount)).where(_P.c.order_pk == _O.c.id, _P.c.status == "paid").scalar_subquery()


def paid_total(session: Session, order: Order) -> Decimal:
    """Return what the buyer paid for order (all paid payments, duplicates included): figures.paid_totals."""
    return paid_totals(session, [order])[order.id]


def pending_total(session: Session, order_pk: int) -> Decimal:
    """Return the totals (goods + freight) of an order's pending refunds."""
    return pending_totals(session, [order_pk])[order_pk]


def available(session: Session, order: Order) -> Decimal:
    """Return what may still be refunded of order: paid − succeeded refunds − pending ones."""
    return ledger_of(session, order).available


def line_values(session: Session, case: AftersaleCase) -> list[LineValue]:
    """Return the case's lines with the goods amount its pending and succeeded refunds already took for each."""
    taken: dict[str, Decimal] = {}
    for refund in session.scalars(sa.select(Refund).where(Refund.case_pk == case.id, Refund.status != "failed")):
        for line in refund.lines or []:
            taken[line["sku"]] = taken.get(line["sku"], Decimal("0")) + Decimal(line["amount"])
    return [LineValue(line.sku, line.qty, line.unit_price, quantize_money(taken.get(line.sku, 0)))
            for line in case.lines]


def _new_id() -> str:
    return "RF-" + secrets.token_hex(5).upper()


def pending_refund(session: Session, case: AftersaleCase) -> Refund | None:
    """Return the case's refund awaiting its payout, or None."""
    return session.scalar(sa.select(Refund).where(Refund.case_pk == case.id, Refund.status == "pending").limit(1))


def refuse_while_payout_pending(session: Session, case: AftersaleCase, action: str) -> None:
    """Raise 409 refund_pending, naming the refund, when action may not be taken while a refund of the case waits
    for its payout (flow.WAITS_FOR_PAYOUT: another refund, a cancel); the payout is recorded first."""
    waiting = pending_refund(session, case) if action in WAITS_FOR_PAYOUT else None
    if waiting is not None:
        then = "before another refund" if action == "refund" else f"before the case can {action}"
        raise OrderRejected("refund_pending", "case_id",
                            f"refund {waiting.refund_id} of this case is waiting for its payout: record it (payout done "
                            f"or payout failed) {then}", status=409)


def create_refund(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy,
                  amount: Decimal, freight: Decimal = Decimal("0"), lines: list[tuple[str, int]] | None = None,
                  settle: bool = True, version: int | None = None, timer_key: str | None = None) -> CaseOutcome:
    """Return the outcome of refunding amount (goods) + freight for a case: 422 naming the field past a limit.

    settle=True: the refund succeeds at once and the case is refunded; False: it waits pending for its payout.
    """
    case, order, _to_status = begin(session, case_id, actor, "refund", now, version)
    amount, freight = quantize_money(amount), quantize_money(freight or 0)
    refuse_while_payout_pending(session, case, "refund")
    values = line_values(session, case)
    wanted = None if lines is None else {sku: qty for sku, qty in lines}
    errors = check_refund(amount, freight, values, wanted, available(session, order), case.freight_payer == "seller")
    if errors:
        first = errors[0]
        status = 400 if first.code == "invalid_amount" else 422
        if first.code == "unknown_line":  # name the entry at fault, as every other lines error does
            known = {value.sku for value in values}
            position, sku = next((i, sku) for i, (sku, _qty) in enumerate(lines) if sku not in known)
            raise OrderRejected(first.code, f"lines[{position}].sku", f"the case has no line of SKU {sku!r}", status)
        raise OrderRejected(first.code, first.field, first.message, status=status)
    refund = Refund(refund_id=_new_id(), case_pk=case.id, order_pk=order.id, amount=quantize_money(amount),
                    freight=quantize_money(freight), status="pending", created_by=actor.name[:80], created_at=now,
                    lines=spread(amount, values, wanted) if values else [])
    session.add(refund)
    session.flush()
    if settle:
        return _succeed(session, case, order, refund, actor, now, policy, timer_key)
    record_step(session, case, order, "refund_requested", actor.name, now, policy,
                data={"refund_id": refund.refund_id, "total": str(refund.total)})
    case.deadline_at = case.deadline_kind = case.deadline_source = None  # the payout is awaited, not the timer
    queue_case_pushes(session, case, order)
    return CaseOutcome(case, order, refund=refund)


def add_refunded(session: Session, order: Order, total: Decimal) -> None:
    """Add total to the order's refunded amount only if it stays within what was paid; raise 422 otherwise."""
    result = session.execute(
        sa.update(_O).where(_O.c.id == order.id,
                            _O.c.refunded_amount + total <= sa.func.coalesce(_PAID, _O.c.paid_amount, 0))
        .values(refunded_amount=_O.c.refunded_amount + total))
    if result.rowcount != 1:
        raise OrderRejected("amount_exceeds_refundable", "amount", f"{total} is more than paid and not yet refunded",
                            status=422)
    session.refresh(order, ["refunded_amount"])


# The statuses in which a payment's own case no longer owes it: given back, or a person decided it stays with us
# (rejected: the buyer's one appeal asks again and owes it again; cancelled: withdrawn).
SETTLED_STATUSES = ("refunded", "rejected", "cancelled")


def still_owes_a_payment(session: Session, order: Order) -> bool:
    """Return whether a payment of order that must go back (refund_due) has no settled case of its own yet.

    Order.refund_due reads "a refund is due" on the order, the customer record and the API; it is set again here,
    in the transaction of each step that settles or reopens such a case (refund_due_after), and is false once
    every such payment is given back or its refund refused or withdrawn. A payment keeps its own flag: it says
    the money had to go back (and stops a later close of the order from flagging it again).
    """
    owed = session.scalars(sa.select(OrderPayment.payment_id).where(
        OrderPayment.order_pk == order.id, OrderPayment.refund_due.is_(True))).all()
    settled = set(session.scalars(sa.select(AftersaleCase.note).where(
        AftersaleCase.order_pk == order.id, AftersaleCase.reason.in_(SYSTEM_REASONS),
        AftersaleCase.status.in_(SETTLED_STATUSES))))
    return any(payment_marker(payment_id) not in settled for payment_id in owed)


def refund_due_after(session: Session, case: AftersaleCase, order: Order) -> None:
    """Set order.refund_due anew after a step of case when it is a payment's case (a system reason); else no-op."""
    if case.reason in SYSTEM_REASONS:
        order.refund_due = still_owes_a_payment(session, order)


def _succeed(session: Session, case: AftersaleCase, order: Order, refund: Refund, actor: Actor, now: datetime,
             policy: TimerPolicy, timer_key: str | None = None, moves: bool = True) -> CaseOutcome:
    """Return the outcome of a refund succeeding: ledger, case refunded, sellable returns back on stock, and what
    follows outside the ledger (settlement.after_refund: goods refunded before shipping, a payment's finding).

    moves=False: the payout of a case that can no longer take the refund step (it ended, or a platform moved it on
    while the refund was pending) is recorded as `refund_succeeded`, the case keeping its status.
    """
    add_refunded(session, order, refund.total)
    refund.status, refund.settled_at = "succeeded", now
    outcome = CaseOutcome(case, order, refund=refund)
    due = units_to_restock(case)
    restocked, promoted = restock_returned(session, case, now, actor.name)
    outcome.stock_skus |= set(restocked)
    outcome.also_changed += promoted
    data = {"refund_id": refund.refund_id, "amount": str(refund.amount), "freight": str(refund.freight),
            "total": str(refund.total), "restocked": {sku: due[sku] for sku in restocked}}
    if due and not restocked:
        data["restock_failed"] = sorted(due)
    record_step(session, case, order, "refund" if moves else "refund_succeeded", actor.name, now, policy,
                to_status=transition(case, "refund") if moves else None, data=data, timer_key=timer_key)
    skus, promoted_too = after_refund(session, case, order, refund, actor.name, now)
    outcome.stock_skus |= set(skus)
    outcome.also_changed += promoted_too
    refund_due_after(session, case, order)
    notify_buyer(session, case, order, "aftersale_refunded", {"amount": str(refund.total)})
    queue_case_pushes(session, case, order, outcome.stock_skus, outcome.also_changed)
    return outcome


def _pending(session: Session, refund_id: str, actor: Actor, now: datetime) -> tuple[AftersaleCase, Order, Refund]:
    """Return the case, order and pending refund of refund_id, locked; 404 unknown, 409 when already settled."""
    case_id = session.scalar(sa.select(AftersaleCase.case_id).join(Refund, Refund.case_pk == AftersaleCase.id)
                             .where(Refund.refund_id == refund_id))
    if case_id is None:
        raise OrderRejected("unknown_refund", "refund_id", f"no refund {refund_id!r}", status=404)
    case = require_case(session, case_id)
    check_claim(case, actor, now)
    order = lock_order(session, case)
    refund = session.scalar(sa.select(Refund).where(Refund.refund_id == refund_id).with_for_update()
                            .execution_options(populate_existing=True))
    if refund.status != "pending":
        raise OrderRejected("refund_settled", "refund_id", f"the refund has already {refund.status}", status=409)
    return case, order, refund


def succeed_refund(session: Session, refund_id: str, actor: Actor, now: datetime, policy: TimerPolicy) -> CaseOutcome:
    """Return the outcome of a pending refund's payout confirmed: it succeeds and its case is refunded.

    A payout that happened is always recorded: on a case that can no longer be refunded (cancelled before cancel
    waited for payouts, or moved on by its platform) the money is booked and the case keeps its status.
    """
    case, order, refund = _pending(session, refund_id, actor, now)
    try:
        next_status(case, "refund")
    except IllegalTransition:
        return _succeed(session, case, order, refund, actor, now, policy, moves=False)
    return _succeed(session, case, order, refund, actor, now, policy)


def fail_refund(session: Session, refund_id: str, actor: Actor, now: datetime, policy: TimerPolicy,
                reason: str | None) -> CaseOutcome:
    """Return the outcome of a pending refund's payout failing: its hold is released and the case waits again."""
    case, order, refund = _pending(session, refund_id, actor, now)
    refund.status, refund.settled_at, refund.failure_reason = "failed", now, reason
    record_step(session, case, order, "refund_failed", actor.name, now, policy, reason=reason,
                data={"refund_id": refund.refund_id, "total": str(refund.total)})
    queue_case_pushes(session, case, order)
    return CaseOutcome(case, order, refund=refund)


def auto_refund(session: Session, case_id: str, now: datetime, policy: TimerPolicy, timer_key: str,
                actor: Actor) -> CaseOutcome:
    """Return the outcome of a refund timer: the case's remaining amount (capped by what may still be refunded).

    Refused (the sweeper records timer_failed and leaves the case to a person) while a refund of the case awaits
    its payout, or when nothing is left to give back (other refunds took what was paid).
    """
    case = require_case(session, case_id)
    order = lock_order(session, case)
    refuse_while_payout_pending(session, case, "refund")
    values = line_values(session, case)
    goods = covered_value(values, None) if values else (case.requested_amount or Decimal("0"))
    if case.requested_amount is not None:
        goods = min(goods, case.requested_amount)
    freight = case.freight_amount if case.freight_payer == "seller" else Decimal("0")
    left = available(session, order)
    goods = min(goods, left)
    freight = min(freight, left - goods)
    if goods + freight <= 0:
        raise OrderRejected("nothing_to_refund", "amount", "nothing paid is left to refund for this case", status=409)
    return create_refund(session, case_id, actor, now, policy, goods, freight, timer_key=timer_key)
