"""What a complaint puts on its order's history: one OrderHistory row per step, the order's status unchanged.

Kept here, beside the complaint actions, because only they write these kinds (complaint_opened, _acknowledged,
_investigating, _resolved, _closed, _reopened, _breached); the row is the same shape orders/history.py writes.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from orders.models import Order, OrderHistory

KINDS = ("complaint_opened", "complaint_acknowledged", "complaint_investigating", "complaint_resolved",
         "complaint_closed", "complaint_reopened", "complaint_breached")


def complaint_step(session: Session, order: Order, kind: str, actor: str, complaint_id: str,
                   reason: str | None = None, data: dict | None = None) -> OrderHistory:
    """Append the history row of a complaint step on order (its status stays as it is) and return it."""
    if kind not in KINDS:
        raise ValueError(f"unknown complaint history kind {kind}")
    row = OrderHistory(order_pk=order.id, action=kind, from_status=order.status, to_status=order.status,
                       actor=actor[:64], reason=reason, data={"complaint_id": complaint_id, **(data or {})})
    session.add(row)
    return row
