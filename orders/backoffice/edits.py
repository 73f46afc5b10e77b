"""Auditors' corrections of an order: buyer fields, and the SKU (or variant) and quantity of its lines.

A correction is re-audited at once. When the lines change, the order's reservation is given back and the new
lines are reserved in the same transaction, all or nothing: if the fixed lines are not in stock, the edit is
refused and the order keeps the units it had (an order that had none keeps its place in line instead).
History keeps each changed field with its value before and after (masked per role when shown, app/privacy.py).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders import history
from orders.actions import OrderOutcome, OrderRejected, queue_pushes
from orders.models import Order, OrderFinding
from orders.review.context import catalog_items
from orders.review.step import ReviewOutcome, give_back, review_order

BUYER_FIELDS = {
    "name": "buyer_name", "phone": "buyer_phone", "address.province": "address_province",
    "address.city": "address_city", "address.district": "address_district", "address.detail": "address_detail",
}
# Lines are fixed while an order waits for a person or for stock; once accepted the buyer pays for what is listed.
ITEM_EDIT_STATUSES = ("held", "waitlisted")


def edit_owned(session: Session, order: Order, username: str, changes: dict[str, str | None],
               items: dict[int, dict[str, Any]], reason: str | None, now: datetime) -> OrderOutcome:
    """Return the outcome of correcting an order the auditor has claimed, re-audited when it is still undecided.

    changes: new buyer values keyed as BUYER_FIELDS; items: per line index, a new "sku" and/or "qty".
    """
    if order.status == "paid":
        raise OrderRejected("invalid_state", "status", "a paid order's buyer data is corrected on the platform", status=409)
    records = _buyer_records(order, changes)
    had_units = order.stock_reserved
    _refuse_unknown_lines(order, items)
    items = {index: edit for index, edit in items.items() if edit}
    if items:
        _check_items(session, order, items)
        give_back(session, order)
        records += _apply_items(order, items)
    for key, value in changes.items():
        setattr(order, BUYER_FIELDS[key], value)
    history.order_edited(session, order, username, reason or "order corrected", records)
    if order.status not in ("held", "waitlisted", "received") or not reaudits(session, order):
        return queue_pushes(session, OrderOutcome(order=order, created=False))
    outcome = review_again(session, order, now, username, "re-audited after an edit")
    if items and had_units and not order.stock_reserved and order.status in ("held", "waitlisted"):
        _refuse_short(session, order)
    return queue_pushes(session, OrderOutcome(order=order, created=False, stock_skus=outcome.stock_skus))


def reaudits(session: Session, order: Order) -> bool:
    """Return True when a fix of order is audited again, False when only a person's approval moves it on.

    A paid order is audited like an unpaid one (its findings cleared, it leaves the hold to paid, or waitlisted
    without stock, as a payment of an accepted order does), unless it is held over the amount the platform charged
    (orders.actions.record_payment): the audit's price tolerance must not let that amount through unseen.
    """
    if order.paid_amount is None:
        return True
    return not session.scalar(sa.select(sa.exists().where(
        OrderFinding.order_pk == order.id, OrderFinding.active.is_(True), OrderFinding.code == "price_mismatch",
        OrderFinding.field == "amount", OrderFinding.overridden_at.is_(None))))


def review_again(session: Session, order: Order, now: datetime, actor: str, reason: str) -> ReviewOutcome:
    """Return the outcome of auditing a fixed order again (orders.review.step.review_order).

    A paid order still held keeps no reservation timer (the buyer has paid; nothing may expire it), as when its
    payment arrived; one whose findings all cleared has left the hold to paid, or waitlisted without stock.
    """
    outcome = review_order(session, order, now, actor=actor, reason=reason)
    if order.status == "held" and order.paid_amount is not None:
        order.reserved_until = None
    return outcome


def _buyer_records(order: Order, changes: dict[str, str | None]) -> list[dict]:
    """Return the before/after record of each buyer field the edit really changes."""
    records = []
    for key in sorted(changes):
        before = getattr(order, BUYER_FIELDS[key])
        if before != changes[key]:
            records.append({"field": f"buyer.{key}", "before": before, "after": changes[key]})
    return records


def _refuse_unknown_lines(order: Order, items: dict[int, dict[str, Any]]) -> None:
    """Raise 400 naming the first line edit past the order's lines, an empty one ({}) included."""
    for index in sorted(items):
        if index >= len(order.lines):
            raise OrderRejected("unknown_line", f"items[{index}]", f"the order has {len(order.lines)} line(s)")


def _check_items(session: Session, order: Order, items: dict[int, dict[str, Any]]) -> None:
    """Raise OrderRejected unless every line edit names an existing line and a SKU sold under its own stock."""
    if order.status not in ITEM_EDIT_STATUSES:
        raise OrderRejected("invalid_state", "status", f"the items of a {order.status} order cannot be changed", status=409)
    if order.paid_amount is not None:
        raise OrderRejected("invalid_state", "status", "the buyer paid for these items: cancel and refund instead", status=409)
    new_skus = {index: edit["sku"] for index, edit in items.items() if "sku" in edit}
    known = catalog_items(session, order.broadcast_id, new_skus.values())
    for index, sku in sorted(new_skus.items()):
        item = known.get(sku)
        if item is None:
            raise OrderRejected("unknown_sku", f"items[{index}].sku", f"no product or variant has the SKU {sku!r}")
        if item.has_variants:
            raise OrderRejected("variant_required", f"items[{index}].sku",
                                f"{sku} is sold by variant: choose the variant's SKU")


def _apply_items(order: Order, items: dict[int, dict[str, Any]]) -> list[dict]:
    """Return the before/after records of the line edits after applying them (and the order's unit count)."""
    records = []
    for index in sorted(items):
        line = order.lines[index]
        for key in ("sku", "qty"):
            if key in items[index] and getattr(line, key) != items[index][key]:
                records.append({"field": f"items[{index}].{key}", "before": getattr(line, key), "after": items[index][key]})
                setattr(line, key, items[index][key])
    order.units = sum(line.qty for line in order.lines)
    return records


def _refuse_short(session: Session, order: Order) -> None:
    """Raise 409 naming the first short line: the fixed items are not in stock, so the edit is undone."""
    short = session.scalars(sa.select(OrderFinding).where(
        OrderFinding.order_pk == order.id, OrderFinding.active.is_(True), OrderFinding.code == "stock_short")
        .order_by(OrderFinding.id).limit(1)).first()
    field = short.field if short is not None and short.field else "items"
    message = short.message["en"] if short is not None else "the fixed items are not in stock"
    raise OrderRejected("stock_short", field, f"{message} The order keeps the units it had.", status=409)
