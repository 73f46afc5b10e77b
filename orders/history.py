"""Order events: one small function per kind, each appending an OrderHistory row (after Saleor's order/events.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orders.models import Order, OrderHistory

SYSTEM = "system"
EDIT = "edit"


def _record(session: Session, order: Order, action: str, actor: str, to_status: str | None = None,
            reason: str | None = None, data: dict | None = None) -> OrderHistory:
    """Return a new history row for order, changing its status to to_status when given."""
    row = OrderHistory(order_pk=order.id, action=action, from_status=order.status, to_status=to_status or order.status,
                       actor=actor, reason=reason, data=data)
    if to_status is not None:
        order.status = to_status
    session.add(row)
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


def order_edited(session: Session, order: Order, actor: str, reason: str, changes: list[dict]) -> OrderHistory:
    """Record a correction of order (action ``edit``): each change is {"field", "before", "after"} (values masked per
    role when shown). Edits made before this action existed were recorded as ``note`` rows with the same data."""
    return _record(session, order, EDIT, actor, reason=reason,
                   data={"fields": [change["field"] for change in changes], "changes": changes})


def aftersale_changed(session: Session, order: Order, actor: str, reason: str | None, data: dict) -> OrderHistory:
    """Record a step of one of order's after-sales cases (action ``aftersale``; data names the case, the step, the
    statuses it moved between and the refund); the order's own status does not change."""
    return _record(session, order, "aftersale", actor, reason=reason, data=data)


def fulfilment_step(session: Session, order: Order, action: str, actor: str, to_status: str | None = None,
                    reason: str | None = None, data: dict | None = None) -> OrderHistory:
    """Record a step of fulfilment (orders/fulfilment): ``packed``, ``shipment_created``, ``tracking_updated``,
    ``logistics_exception``, ``logistics_resolved``, ``tracking_stale``; to_status when the order's status moves."""
    return _record(session, order, action, actor, to_status=to_status, reason=reason, data=data)


# New orders arrive in batches (orders/intake/batch.py): their rows are returned, and written with one INSERT per batch.

def received_row(order_pk: int, source_event_id: str, at: datetime) -> dict:
    """Return the history row recording that a new order arrived from a platform event."""
    return {"order_pk": order_pk, "action": "received", "from_status": None, "to_status": "received", "actor": SYSTEM,
            "reason": None, "data": {"event_id": source_event_id}, "at": at}


def status_changed_row(order_pk: int, from_status: str, to_status: str, reason: str | None, data: dict | None,
                       at: datetime, actor: str = SYSTEM) -> dict:
    """Return the history row of a status change of a new order made by actor."""
    return {"order_pk": order_pk, "action": "status_changed", "from_status": from_status, "to_status": to_status,
            "actor": actor, "reason": reason, "data": data, "at": at}
