"""The review step between "received" and the push: run the audit, price, reserve, decide, tell the buyer.

review_order applies an audit outcome to one stored order; the back office calls it again after an edit, and
the waitlist when stock comes back. New orders from the events API are reviewed in batches by orders/intake/batch.py
with the same decision (orders/review/verdict.py) and the same values (orders/review/values.py).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders import history, inventory
from orders.audit import AuditResult, Finding
from orders.models import Order, OrderFinding
from orders.notices.service import queue_notice
from orders.promotions import service as promotions
from orders.review import values
from orders.review.context import StoredOrderInputs, draft_of
from orders.review.verdict import audit_and_reserve


@dataclass
class ReviewOutcome:
    """The status the audit moved an order to (accepted also when a paid order then completed its sale) and the
    SKUs whose stock changed on the way."""

    status: str
    stock_skus: list[str] = field(default_factory=list)
    waiting_for: frozenset[str] = frozenset()  # the SKUs in whose line it now stands (those it is short of)


def review_order(session: Session, order: Order, now: datetime, actor: str = history.SYSTEM,
                 reason: str | None = None, held: Collection[str] = ()) -> ReviewOutcome:
    """Return the outcome of auditing order and moving it to accepted, held, waitlisted or rejected (an accepted
    order the buyer already paid completes its sale: order.status is then paid, the outcome's status accepted).

    An order that holds a reservation gives it back and takes it again in this transaction (its stock and
    counters are locked meanwhile, so no later buyer gets them): it is audited afresh, as if new, but keeps its
    place; held orders keep their running reservation timer. One that holds no units of a SKU takes none of its
    free units while orders ahead of it wait in that SKU's line (strict FIFO, orders/waitlist.py): an order in
    line stays behind the earlier ones, any other (fixed by an edit, paid) joins the end. held: the SKUs whose
    units the caller gave back just before (a chat draft completed by its order): they keep their place too.
    """
    moved = set(give_back(session, order))
    running = order.reserved_until if order.status == "held" else None
    inputs = StoredOrderInputs(session, order, now)
    overridden = _overridden_codes(session, order)
    verdict = audit_and_reserve(session, inputs, draft_of(order), order.id, False, overridden, now,
                                queued=_lines_ahead(session, order, moved | set(held), now))
    order.stock_reserved = verdict.reserved_now
    status, result = verdict.status, verdict.result
    _store_findings(session, order, result.findings, overridden, now)
    _apply_pricing(order, result)
    if verdict.reserved_now:
        moved |= set(result.requested)
    timers = values.status_timers(status, now, inputs.policy.reservation_minutes, order.waitlisted_at,
                                  order.held_at, reserved=verdict.reserved_now, in_line=verdict.in_line,
                                  reserved_until=running)
    _move_to(session, order, status, timers, actor, reason, result, now)
    if status == "accepted" and order.paid_amount is not None:
        moved |= set(_complete_sale(session, order, actor, reason))
    return ReviewOutcome(status=status, stock_skus=sorted(moved), waiting_for=verdict.line_skus)


def _lines_ahead(session: Session, order: Order, held: set[str], now: datetime) -> set[str]:
    """Return the SKUs of order that it did not hold units of and whose line has orders ahead of it."""
    skus = {line.sku for line in order.lines} - held
    return inventory.skus_in_line(session, skus, order.waitlisted_at or now, behind=order.id)


def _complete_sale(session: Session, order: Order, actor: str, reason: str | None) -> list[str]:
    """Return the SKUs sold when an order the buyer paid while it waited (held, or in line for stock) is accepted.

    Its reserved units become sold and it is paid, as a payment makes an accepted order; left accepted, the sweeper
    would expire an order the buyer paid for (it did, when a paid order in line was promoted as stock came back).
    """
    units = inventory.requested_by_sku([(line.sku, line.qty) for line in order.lines])
    inventory.sell(session, units)
    order.stock_reserved, order.held_at, order.reserved_until = False, None, None
    history.status_changed(session, order, "paid", actor=actor, reason=reason)
    return sorted(units)


def give_back(session: Session, order: Order) -> list[str]:
    """Return the SKUs whose units the order gave back: its reserved stock and promotion counters are released.

    The caller re-reserves in the same transaction (a review, an edit of the lines) or closes the order.
    """
    if not order.stock_reserved:
        return []
    units = inventory.requested_by_sku([(line.sku, line.qty) for line in order.lines])
    inventory.release(session, units)
    promotions.release(session, order.id)
    order.stock_reserved = False
    return sorted(units)


def _overridden_codes(session: Session, order: Order) -> set[str]:
    """Return the finding codes an auditor overrode for this order (they no longer count)."""
    if order.id is None:
        return set()
    return set(session.scalars(sa.select(OrderFinding.code).where(
        OrderFinding.order_pk == order.id, OrderFinding.overridden_at.is_not(None))))


def _store_findings(session: Session, order: Order, findings, overridden: set[str], now: datetime) -> None:
    """Replace the order's active findings with this audit's (old ones stay, inactive, for the record)."""
    session.execute(sa.update(OrderFinding).where(OrderFinding.order_pk == order.id, OrderFinding.active.is_(True))
                    .values(active=False))
    for finding in findings:
        row = OrderFinding(order_pk=order.id, active=True, created_at=now, **values.finding_values(finding))
        if finding.code in overridden:
            previous = session.scalar(sa.select(OrderFinding).where(
                OrderFinding.order_pk == order.id, OrderFinding.code == finding.code,
                OrderFinding.overridden_at.is_not(None)).order_by(OrderFinding.id.desc()).limit(1))
            row.overridden_by, row.override_reason = previous.overridden_by, previous.override_reason
            row.overridden_at = previous.overridden_at
        session.add(row)


def _apply_pricing(order: Order, result: AuditResult) -> None:
    """Store the audit's prices on the order and its lines, and why each promotion applied or not."""
    for priced in result.pricing.lines:
        line = order.lines[priced.index]
        for name, value in values.priced_line_values(priced).items():
            setattr(line, name, value)
    amounts = values.order_amounts((line.list_price, line.unit_price, line.qty, line.line_total)
                                   for line in order.lines)
    order.subtotal, order.total, order.discount = amounts["subtotal"], amounts["total"], amounts["discount"]
    order.pricing = values.pricing_record(result.pricing)


def _move_to(session: Session, order: Order, status: str, timers: dict, actor: str, reason: str | None,
             result: AuditResult, now: datetime) -> None:
    """Change the order's status with a history row, timers and the buyer notices that go with it."""
    order.reserved_until, order.waitlisted_at, order.held_at = (
        timers["reserved_until"], timers["waitlisted_at"], timers["held_at"])
    codes = [f.code for f in result.findings]
    if status != order.status:
        history.status_changed(session, order, status, actor=actor,
                               reason=reason or values.status_reason(result.findings),
                               data={"findings": codes} if codes else None)
    _notify(session, order, status, result.findings, now)


def _notify(session: Session, order: Order, status: str, findings: tuple[Finding, ...], now: datetime) -> None:
    """Queue the buyer notices of a review outcome, dated when the review ran."""
    for notice in values.review_notices(status, order.total, order.pricing, findings):
        queue_notice(session, order, notice.kind, notice.context, dedupe=notice.dedupe, now=now)
