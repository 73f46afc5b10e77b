"""A draft's place in line: reserve now, take the unit back from a later comment's draft, or wait.

First come, first served by the comment's time, not by arrival: a claim that arrives after a later comment's draft
took the last unit takes that draft's unit back (the later draft waits in line at its comment time, its history says
why, and its buyer gets a "claim_bumped" notice, once per bump: its dedupe key names the earlier comment). Waiting
drafts share the FIFO line of waitlisted orders (orders/waitlist.py, by waitlisted_at = the comment's time): a
draft whose comment came after orders already in line for its SKU waits behind them, free units or not.
Stock moves only through orders.inventory.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders import history, inventory
from orders.models import Order, OrderLine
from orders.notices.service import PendingNotice, queue_notice, queue_notices

BUMPED = "an earlier comment claimed the unit"
# Drafts looked at when taking a unit back; a claim needing more is put in line.
_CANDIDATES = 50


def units(order: Order) -> dict[str, int]:
    """Return the units per SKU of an order."""
    return inventory.requested_by_sku([(line.sku, line.qty) for line in order.lines])


def hold(order: Order, now: datetime, hold_minutes: int) -> None:
    """Mark a draft as holding its units for hold_minutes (its units are reserved)."""
    order.stock_reserved, order.waitlisted_at = True, None
    order.reserved_until = now + timedelta(minutes=hold_minutes)


def wait(order: Order) -> None:
    """Put a draft in line at its comment's time (placed_at)."""
    order.stock_reserved, order.reserved_until, order.waitlisted_at = False, None, order.placed_at


def take_place(session: Session, order: Order, now: datetime, hold_minutes: int,
               notices: list[PendingNotice] | None = None) -> list[Order]:
    """Reserve the draft's units (taking them back from later comments' drafts if need be) or put it in line.

    Returns the other drafts that lost their unit to it. A draft whose SKU's line holds orders placed in it at
    or before its comment's time stands behind them: it waits, free units or not (strict FIFO). The bumped
    drafts' notices are appended to notices when given (a caller writing a run's notices at once, in order),
    else queued now.
    """
    wanted = units(order)
    if inventory.skus_in_line(session, wanted, order.placed_at):
        wait(order)
        return []
    if inventory.reserve(session, wanted):
        hold(order, now, hold_minutes)
        return []
    told: list[PendingNotice] = []
    bumped = _take_back(session, order, wanted, now, told)
    if notices is None:
        queue_notices(session, told, now)
    else:
        notices.extend(told)
    if bumped and inventory.reserve(session, wanted):
        hold(order, now, hold_minutes)
    else:
        wait(order)
    return bumped


def _take_back(session: Session, order: Order, wanted: dict[str, int], now: datetime,
               told: list[PendingNotice]) -> list[Order]:
    """Return the later comments' drafts put back in line, latest first, until the draft's units are free; each
    one's notice to its buyer is appended to told.

    Only a one-SKU draft takes units back, and only when enough later drafts hold that SKU to cover it.
    """
    if len(wanted) != 1:
        return []
    [(sku, qty)] = wanted.items()
    later = session.scalars(
        sa.select(Order).where(Order.broadcast_id == order.broadcast_id, Order.status == "claimed",
                               Order.stock_reserved.is_(True), Order.placed_at > order.placed_at,
                               Order.id.in_(sa.select(OrderLine.order_pk).where(OrderLine.sku == sku)))
        .order_by(Order.placed_at.desc(), Order.id.desc()).limit(_CANDIDATES)
        .options(selectinload(Order.lines)).with_for_update()).all()
    level = inventory.levels(session, [sku]).get(sku)
    free = level.available if level else 0
    if free + sum(units(draft).get(sku, 0) for draft in later) < qty:
        return []
    bumped = []
    for draft in later:
        if free >= qty:
            break
        released = units(draft)
        inventory.release(session, released)
        free += released.get(sku, 0)
        wait(draft)
        draft.updated_at = now
        history.note_added(session, draft, history.SYSTEM, BUMPED, {"by_comment": order.comment_id, "units": released})
        # A comment's claim is taken once, so one notice per (draft, earlier comment): a later bump of the same
        # draft by another comment is told again.
        told.append(PendingNotice(draft.id, draft.order_id, draft.buyer_id, "claim_bumped",
                                  {"sku": draft.lines[0].sku, "qty": draft.lines[0].qty},
                                  dedupe=f"bumped:{order.comment_id}"))
        bumped.append(draft)
    return bumped


def promote_draft(session: Session, order: Order, now: datetime, hold_minutes: int) -> bool:
    """Return True after a waiting draft took its units (it holds them for hold_minutes), False if they are short."""
    if not inventory.reserve(session, units(order)):
        return False
    hold(order, now, hold_minutes)
    order.updated_at = now
    history.note_added(session, order, history.SYSTEM, "stock came back")
    queue_notice(session, order, "claimed", claimed_context(order, hold_minutes), now=now,
                 dedupe=f"promoted:{now.isoformat()}")  # each promotion is told: a draft may be bumped again
    return True


def claimed_context(order: Order, hold_minutes: int) -> dict:
    """Return the context of a draft's "claimed" notice: what it holds, for how long, or that it waits."""
    line = order.lines[0]
    return {"sku": line.sku, "qty": line.qty, "minutes": hold_minutes, "total": str(order.total),
            "waitlisted": not order.stock_reserved}
