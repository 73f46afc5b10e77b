"""Finding one complaint, and reading it whole: the complaint, its timeline, its breaches, what may be done next."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.care.complaints.models import Complaint, ComplaintBreach, ComplaintEvent
from orders.care.complaints.rules import allowed_actions
from orders.care.complaints.serialize import complaint_to_dict, event_to_dict


def find_complaint(session: Session, complaint_id: str, for_update: bool = False) -> Complaint | None:
    """Return the complaint with this id (row-locked on PostgreSQL when for_update), or None."""
    query = sa.select(Complaint).where(Complaint.complaint_id == complaint_id)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def complaint_detail(session: Session, complaint: Complaint) -> dict:
    """Return the complaint with "events" (its timeline, oldest first), "breaches" and "allowed_actions"."""
    session.flush()
    events = session.scalars(sa.select(ComplaintEvent).where(ComplaintEvent.complaint_pk == complaint.id)
                             .order_by(ComplaintEvent.at, ComplaintEvent.id)).all()
    breaches = session.scalars(sa.select(ComplaintBreach).where(ComplaintBreach.complaint_pk == complaint.id)
                               .order_by(ComplaintBreach.id)).all()
    return complaint_to_dict(complaint) | {
        "allowed_actions": allowed_actions(complaint.status),
        "events": [event_to_dict(event) for event in events],
        "breaches": [{"target": b.target, "round": b.round, "due_at": b.due_at.isoformat(),
                      "recorded_at": b.recorded_at.isoformat(), "recorded_by": b.recorded_by} for b in breaches],
    }
