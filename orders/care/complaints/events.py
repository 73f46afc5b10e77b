"""A platform's complaint event (type ``complaint`` of the events API) registered as a complaint, once per
platform complaint id; called by live.ingest inside the event's savepoint."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orders.actions import OrderRejected
from orders.care.complaints.intake import ComplaintRefused, NewComplaint, register_complaint
from orders.care.complaints.rules import platform_category

ACTOR = "platform"


def complaint_event(session: Session, broadcast_id: int, data: dict, ts: datetime, now: datetime) -> dict:
    """Register the complaint of a parsed event and return the fields added to the event's result:
    {"complaint": {"complaint_id", "status", "created"}} (created False when the platform sent it before)."""
    raw_category = data.get("category")
    new = NewComplaint(text=data["text"], channel="platform", category=platform_category(raw_category),
                       buyer_id=data["buyer_id"], order_id=data.get("order_id"), broadcast_id=broadcast_id,
                       received_at=ts, platform_complaint_id=data["complaint_id"],
                       platform_category=raw_category[:64] if raw_category else None, strict_order=False)
    try:
        complaint, created = register_complaint(session, new, ACTOR, now)
    except ComplaintRefused as refused:  # the event is answered as rejected, naming the field
        raise OrderRejected(refused.code, refused.field, refused.message, refused.status) from None
    return {"complaint": {"complaint_id": complaint.complaint_id, "status": complaint.status, "created": created}}
