"""A complaint's timeline: the one writer of complaint_events rows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orders.care.complaints.models import Complaint, ComplaintEvent

KINDS = ("registered", "acknowledged", "investigating", "analysis", "triaged", "assigned", "resolved", "closed",
         "reopened", "breached", "escalated", "aftersales_case", "feedback_sent")


def record(session: Session, complaint: Complaint, kind: str, actor: str, at: datetime, *,
           from_status: str | None = None, to_status: str | None = None, note: str | None = None,
           data: dict | None = None) -> ComplaintEvent:
    """Append one step to the complaint's timeline (not committed) and return it."""
    if kind not in KINDS:
        raise ValueError(f"unknown complaint event kind {kind}")
    if complaint.id is None:
        session.flush()
    event = ComplaintEvent(complaint_pk=complaint.id, kind=kind, actor=actor[:64], from_status=from_status,
                           to_status=to_status, note=note, data=data, at=at)
    session.add(event)
    return event
