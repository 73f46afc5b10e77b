"""After-sales actions: each step of a case is one function (after Saleor's order/actions.py).

Each locks the case (then its order), checks the claim, the version the caller read and the flow
(orders/aftersales/flow.py), writes the case, its CaseEvent and the order's history (records.record_step),
queues the buyer notice and the pushes. The route commits. Opening cases: intake.py; refunds: refunds.py;
platform mirrors: mirror.py; timers: sweeper.py.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from orders import inventory
from orders.actions import OrderRejected
from orders.aftersales import intake
from orders.aftersales.common import (CLAIM_TIMEOUT, Actor, CaseOutcome, begin, check_claim, load_policy, lock_order,
                                      payer_of_freight, require_case)
from orders.aftersales.exchange import products_of, replacement_problem
from orders.aftersales.flow import RETURN_TYPES, STOCK_REPLACEMENT_TYPES
from orders.aftersales.models import RESPONSIBILITIES, AftersaleCase
from orders.aftersales.records import notify_buyer, queue_case_pushes, record_step
from orders.aftersales.refunds import refund_due_after, refuse_while_payout_pending
from orders.aftersales.restock import restock_returned
from orders.aftersales.timers import TimerPolicy
from orders.fulfilment.carriers import CarrierError, check_tracking_no, find_carrier
from orders.models import Order

Lines = list[tuple[str, int]]


def open_case(session: Session, order: Order | str, *, case_type: str, reason: str, actor: Actor | str,
              now: datetime, note: str | None = None, lines: Lines | None = None, amount: Decimal | None = None,
              freight: Decimal | None = None, policy: TimerPolicy | None = None) -> AftersaleCase:
    """Return a new case opened for an order (an Order or its id): the entry point of other domains.

    Complaints' "refund via after-sales" calls it; raises OrderRejected (status, code, field) as intake.open_case.
    """
    who = actor if isinstance(actor, Actor) else Actor(None, actor)
    order_id = order if isinstance(order, str) else order.order_id
    return intake.open_case(session, order_id, who, now, policy or load_policy(), case_type=case_type, reason=reason,
                            lines=lines, amount=amount, freight=freight, note=note).case


def _done(session: Session, outcome: CaseOutcome) -> CaseOutcome:
    queue_case_pushes(session, outcome.case, outcome.order, outcome.stock_skus, outcome.also_changed)
    return outcome


def approve(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy, reason: str | None = None,
            responsibility: str | None = None, version: int | None = None, timer_key: str | None = None) -> CaseOutcome:
    """Return the outcome of approving a request (a return case then waits for the buyer's parcel)."""
    case, order, to_status = begin(session, case_id, actor, "approve", now, version)
    if responsibility is not None:
        if responsibility not in RESPONSIBILITIES:
            raise OrderRejected("invalid_choice", "responsibility",
                                f"responsibility must be one of {', '.join(RESPONSIBILITIES)}")
        case.responsibility, case.freight_payer = responsibility, payer_of_freight(responsibility)
    record_step(session, case, order, "approve", actor.name, now, policy, to_status=to_status, reason=reason,
                data={"responsibility": case.responsibility, "auto": timer_key is not None}, timer_key=timer_key)
    days = policy.return_ship.days if case.type in RETURN_TYPES else None
    notify_buyer(session, case, order, "aftersale_approved", {"return_days": days} if days else {})
    return _done(session, CaseOutcome(case, order))


def reject(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy, reason: str,
           version: int | None = None) -> CaseOutcome:
    """Return the outcome of rejecting a request with a reason the buyer reads (they may appeal once)."""
    case, order, to_status = begin(session, case_id, actor, "reject", now, version)
    case.rejection_reason = reason
    record_step(session, case, order, "reject", actor.name, now, policy, to_status=to_status, reason=reason)
    refund_due_after(session, case, order)  # a refused payment refund is no longer due (until an appeal)
    notify_buyer(session, case, order, "aftersale_rejected", {"reason": reason, "may_appeal": not case.appeal_used})
    return _done(session, CaseOutcome(case, order))


def appeal(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy, reason: str,
           version: int | None = None) -> CaseOutcome:
    """Return the outcome of the buyer's one appeal of a rejection: the case is requested again."""
    case, order, to_status = begin(session, case_id, actor, "appeal", now, version)
    case.appeal_used = True
    record_step(session, case, order, "appeal", actor.name, now, policy, to_status=to_status, reason=reason)
    refund_due_after(session, case, order)
    notify_buyer(session, case, order, "aftersale_opened")
    return _done(session, CaseOutcome(case, order))


def cancel(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy,
           reason: str | None = None, version: int | None = None) -> CaseOutcome:
    """Return the outcome of the buyer withdrawing a case (before any goods came back); 409 refund_pending, naming the
    refund, while a refund of the case waits for its payout (its payout is recorded first)."""
    case, order, to_status = begin(session, case_id, actor, "cancel", now, version)
    refuse_while_payout_pending(session, case, "cancel")
    record_step(session, case, order, "cancel", actor.name, now, policy, to_status=to_status, reason=reason)
    refund_due_after(session, case, order)
    notify_buyer(session, case, order, "aftersale_closed", {"cause": "cancelled"})
    return _done(session, CaseOutcome(case, order))


def ship_return(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy, carrier: str,
                tracking: str, version: int | None = None) -> CaseOutcome:
    """Return the outcome of recording the buyer's return parcel (carrier and tracking number)."""
    case, order, to_status = begin(session, case_id, actor, "ship_return", now, version)
    case.return_carrier, case.return_tracking = carrier, tracking
    record_step(session, case, order, "ship_return", actor.name, now, policy, to_status=to_status,
                data={"carrier": carrier, "tracking": tracking})
    return _done(session, CaseOutcome(case, order))


def _by_line(case: AftersaleCase, lines: Lines | None, default, limit, what: str, key: str = "qty") -> dict[int, int]:
    """Return {line index: units} for lines given as (sku, qty), each within limit(line).

    None: default(line) for every line of the case. key: the request's name for the units (errors name it).
    """
    index = {line.sku: i for i, line in enumerate(case.lines)}
    if lines is None:
        return {i: default(line) for i, line in enumerate(case.lines)}
    chosen: dict[int, int] = {}
    for position, (sku, qty) in enumerate(lines):
        if sku not in index:
            raise OrderRejected("unknown_line", f"lines[{position}].sku", f"the case has no line of SKU {sku!r}", 422)
        line = case.lines[index[sku]]
        if qty > limit(line):
            raise OrderRejected("too_many_units", f"lines[{position}].{key}",
                                f"{sku}: at most {limit(line)} units can be {what}", 422)
        chosen[index[sku]] = qty
    return chosen


def receive(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy,
            lines: Lines | None = None, reason: str | None = None, version: int | None = None,
            timer_key: str | None = None) -> CaseOutcome:
    """Return the outcome of confirming the returned parcel: units received per line (None: every unit asked).

    A receipt confirmed by the timer (exchange, repair) records every unit as received but none as sellable:
    only a person's inspection can put units back on sale.
    """
    case, order, to_status = begin(session, case_id, actor, "receive", now, version)
    received = _by_line(case, lines, lambda line: line.qty - line.received_qty,
                        lambda line: line.qty - line.received_qty, "received")
    for i, qty in received.items():
        case.lines[i].received_qty += qty
    record_step(session, case, order, "receive", actor.name, now, policy, to_status=to_status, reason=reason,
                data={"received": {case.lines[i].sku: qty for i, qty in received.items()}}, timer_key=timer_key)
    notify_buyer(session, case, order, "aftersale_received")
    return _done(session, CaseOutcome(case, order))


def inspect(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy,
            lines: Lines | None = None, reason: str | None = None, version: int | None = None) -> CaseOutcome:
    """Return the outcome of inspecting what came back: sellable units per line (None: every unit received)."""
    case, order, to_status = begin(session, case_id, actor, "inspect", now, version)
    sellable = _by_line(case, lines, lambda line: line.received_qty, lambda line: line.received_qty,
                        "sellable (received)", key="sellable_qty")
    for i, qty in sellable.items():
        case.lines[i].sellable_qty = qty
    record_step(session, case, order, "inspect", actor.name, now, policy, to_status=to_status, reason=reason,
                data={"sellable": {line.sku: line.sellable_qty for line in case.lines}})
    return _done(session, CaseOutcome(case, order))


def checked_parcel(session: Session, carrier: str, tracking: str) -> tuple[str, str]:
    """Return (carrier code, tracking number) of a parcel the seller sends, checked as any shipment is.

    The carrier is one of orders/fulfilment's table (an alias such as J&T gives its code) and the number fits its
    pattern, normalised; 422 unknown_carrier naming carrier, 422 invalid_tracking_no naming tracking otherwise.
    (The buyer's return parcel is not checked: buyers send with any carrier, docs/aftersales.md.)
    """
    known = find_carrier(session, carrier.strip().upper())
    if known is None:
        raise OrderRejected("unknown_carrier", "carrier", f"no carrier {carrier!r}", status=422)
    try:
        return known.code, check_tracking_no(known, tracking)
    except CarrierError as error:
        raise OrderRejected(error.code, "tracking", error.message, status=422) from None


def ship_replacement(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy, carrier: str,
                     tracking: str, lines: Lines | None = None, version: int | None = None) -> CaseOutcome:
    """Return the outcome of shipping the replacement, missing item or repaired item to the buyer.

    The parcel's carrier and tracking number are checked as any shipment's (checked_parcel, 422 naming the field).
    An exchange or reship takes its units from stock (lines: the SKUs sent; None: the case's SKUs and units);
    409 out_of_stock when they are not there. An exchange sends only variants of the returned lines' products
    (another size or colour, or the same SKU: 400 naming the line otherwise) and puts the sellable returned
    units back.
    """
    case, order, to_status = begin(session, case_id, actor, "ship_replacement", now, version)
    carrier, tracking = checked_parcel(session, carrier, tracking)
    outcome = CaseOutcome(case, order)
    sent = {line.sku: line.qty for line in case.lines} if lines is None else dict(lines)
    if case.type == "exchange" and lines is not None:
        returned = [(line.sku, line.qty) for line in case.lines]
        problem = replacement_problem(returned, lines, products_of(session, set(sent) | {sku for sku, _ in returned}))
        if problem:
            raise problem
    if case.type in STOCK_REPLACEMENT_TYPES:
        if sum(sent.values()) > sum(line.qty for line in case.lines):
            raise OrderRejected("too_many_units", "lines",
                                "a replacement sends at most as many units as the case is about", 422)
        wanted = inventory.requested_by_sku(list(sent.items()))
        if not inventory.reserve(session, wanted):
            raise OrderRejected("out_of_stock", "lines", "the replacement units are not in stock", status=409)
        inventory.sell(session, wanted)
        outcome.stock_skus |= set(wanted)
    if case.type == "exchange":
        restocked, promoted = restock_returned(session, case, now, actor.name)
        outcome.stock_skus |= set(restocked)
        outcome.also_changed += promoted
    case.replacement_carrier, case.replacement_tracking = carrier, tracking
    record_step(session, case, order, "ship_replacement", actor.name, now, policy, to_status=to_status,
                data={"carrier": carrier, "tracking": tracking, "sent": sent})
    notify_buyer(session, case, order, "aftersale_replacement_shipped", {"carrier": carrier, "tracking": tracking})
    return _done(session, outcome)


def complete(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy,
             reason: str | None = None, version: int | None = None) -> CaseOutcome:
    """Return the outcome of completing a case whose replacement reached the buyer."""
    case, order, to_status = begin(session, case_id, actor, "complete", now, version)
    record_step(session, case, order, "complete", actor.name, now, policy, to_status=to_status, reason=reason)
    notify_buyer(session, case, order, "aftersale_closed", {"cause": "completed"})
    return _done(session, CaseOutcome(case, order))


def close(session: Session, case_id: str, actor: Actor, now: datetime, policy: TimerPolicy, reason: str,
          timer_key: str | None = None) -> CaseOutcome:
    """Return the outcome of closing a return case whose goods were not sent back in time (the return timer)."""
    case, order, to_status = begin(session, case_id, actor, "close", now)
    record_step(session, case, order, "close", actor.name, now, policy, to_status=to_status, reason=reason,
                timer_key=timer_key)
    notify_buyer(session, case, order, "aftersale_closed", {"cause": "return_not_shipped"})
    return _done(session, CaseOutcome(case, order))


def expire_appeal(session: Session, case_id: str, now: datetime, policy: TimerPolicy, timer_key: str) -> CaseOutcome:
    """Return the outcome of a rejection's appeal window passing unused: the rejection is final (the case ends)."""
    case = require_case(session, case_id)
    order = lock_order(session, case)
    case.appeal_used = True
    record_step(session, case, order, "appeal_expired", "system", now, policy,
                reason="the appeal window passed unused", timer_key=timer_key)
    return _done(session, CaseOutcome(case, order))


def claim(session: Session, case_id: str, actor: Actor, now: datetime) -> CaseOutcome:
    """Return the case after actor claimed it; 409 claimed when another agent holds a fresh claim."""
    case = require_case(session, case_id)
    check_claim(case, actor, now)
    if actor.user_id is None:
        raise OrderRejected("forbidden", "case_id", "cases are claimed by logged-in agents", status=403)
    case.claimed_by, case.claimed_at = actor.user_id, now
    return _done(session, CaseOutcome(case, lock_order(session, case)))


def release(session: Session, case_id: str, actor: Actor) -> CaseOutcome:
    """Return the case after actor gave their claim back (nothing happens when they did not hold it)."""
    case = require_case(session, case_id)
    if case.claimed_by is not None and case.claimed_by == actor.user_id:
        case.claimed_by = case.claimed_at = None
    return _done(session, CaseOutcome(case, lock_order(session, case)))


__all__ = ["CLAIM_TIMEOUT", "open_case", "approve", "reject", "appeal", "cancel", "ship_return", "receive", "inspect",
           "ship_replacement", "complete", "close", "expire_appeal", "claim", "release"]
