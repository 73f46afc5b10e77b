"""Order events: one small function per kind, each appending an OrderHistory row (after Saleor's order/events.py)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from orders.models import Order, OrderHistory

SYSTEM = "system"


def _record(session: Session, order: Order, action: str, actor: str, to_status: str | None = None,
            reason: str | None = None, data: dict | None = None) -> OrderHistory:
    """Return a new history row for order, changing its status to to_status when given."""
    row = OrderHistory(order_pk=order.id, action=action, from_status=order.status, to_status=to_status or order.status,
                       actor=actor, reason=reason, data=data)
    if to_status is not None:
        order.status = to_status
    session.add(row)
    return row


def order_received(session: Session, order: Order, source_event_id: str) -> OrderHistory:
    """Record that an order arrived from a platform event."""
    row = _record(session, order, "received", SYSTEM, data={"event_id": source_event_id})
    row.from_status = None
    return row


def status_changed(session: Session, order: Order, to_status: str, actor: str = SYSTEM,
                   reason: str | None = None, data: dict | None = None) -> OrderHistory:
    """Record a status change of order made by actor."""
    return _record(session, order, "status_changed", actor, to_status=to_status, reason=reason, data=data)


def payment_recorded(session: Session, order: Order, status: str, amount: str, method: str | None,
                     to_status: str | None = None) -> OrderHistory:
    """Record a payment attempt (paid or failed) reported by the platform."""
    return _record(session, order, f"payment_{status}", SYSTEM, to_status=to_status,
                   data={"amount": amount, "method": method})


def note_added(session: Session, order: Order, actor: str, reason: str, data: dict | None = None) -> OrderHistory:
    """Record a remark about order that does not change its status."""
    return _record(session, order, "note", actor, reason=reason, data=data)
