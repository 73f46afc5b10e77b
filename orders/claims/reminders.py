"""催付: reminding buyers who claimed or ordered and have not paid, one notice per order per minute at most."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders import history
from orders.models import Order
from orders.notices.models import BuyerNotice
from orders.notices.service import queue_notice

MAX_REMINDERS = 200  # orders in one request
REMINDER_GAP = timedelta(minutes=1)  # a second reminder of one order within this is skipped


def remind_unpaid(session: Session, broadcast_id: int, order_ids: Sequence[str], actor: str,
                  now: datetime) -> dict:
    """Return {"queued": [order ids], "skipped": [{"order_id", "reason"}]} after queueing payment reminders.

    An order is reminded when it belongs to the broadcast, is accepted or a draft holding units, and is unpaid;
    a second reminder within a minute of the last is skipped (a double click sends one).
    """
    # An id no column can hold (NUL, a lone surrogate) names no order: it is skipped, never sent to the database.
    storable = sorted({order_id for order_id in order_ids if "\x00" not in order_id and _encodable(order_id)})
    found = {order.order_id: order for order in session.scalars(sa.select(Order).where(
        Order.broadcast_id == broadcast_id, Order.order_id.in_(storable)))} if storable else {}
    queued, skipped = [], []
    # The minute's dedupe key keeps two clicks at once to one notice; this catches a click each side of a minute.
    reminded = set(session.scalars(sa.select(BuyerNotice.order_pk).where(
        BuyerNotice.order_pk.in_([order.id for order in found.values()]), BuyerNotice.kind == "payment_reminder",
        BuyerNotice.created_at > now - REMINDER_GAP))) if found else set()
    for order_id in dict.fromkeys(order_ids):
        order = found.get(order_id)
        reason = _not_due(order)
        if reason is None and order.id in reminded:
            reason = "already_reminded"
        if reason is None:
            notice = queue_notice(session, order, "payment_reminder", {"total": str(order.total)},
                                  dedupe=now.strftime("%Y-%m-%dT%H:%M"), now=now)
            if notice is None:
                reason = "already_reminded"
            else:
                history.note_added(session, order, actor, "payment reminder sent")
                queued.append(order_id)
        if reason is not None:
            skipped.append({"order_id": order_id, "reason": reason})
    return {"queued": queued, "skipped": skipped}


def _encodable(text: str) -> bool:
    """Return True when text has a UTF-8 form."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_due(order: Order | None) -> str | None:
    """Return why an order gets no reminder, or None when it does."""
    if order is None:
        return "unknown_order"
    if order.paid_amount is not None or order.status not in ("accepted", "claimed"):
        return "not_unpaid"
    if order.status == "claimed" and not order.stock_reserved:
        return "waiting_for_stock"
    return None
