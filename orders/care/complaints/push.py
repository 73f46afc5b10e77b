"""Complaint pushes, sent after commit to the personal rooms of the people who work the queue (app.realtime).

``complaint.changed`` ({"complaint_id", "status", "escalated"}, no buyer text) reaches everyone who may read the
queue, whose page then offers to refresh; ``complaint.escalated`` reaches admins when a target is breached.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from app.auth.models import User
from app.auth.sessions import user_room
from orders.care.complaints.models import Complaint

READER_ROLES = ("aftersales", "admin", "auditor", "host")


def _user_ids(session: Session, roles: tuple[str, ...]) -> list[int]:
    return list(session.scalars(sa.select(User.id).where(User.role.in_(roles), User.disabled_at.is_(None))))


def queue_complaint_changed(session: Session, complaint: Complaint) -> None:
    """Queue complaint.changed to every active user who reads the complaint queue."""
    payload = {"complaint_id": complaint.complaint_id, "status": complaint.status, "escalated": complaint.escalated}
    for user_id in _user_ids(session, READER_ROLES):
        realtime.queue_to_room(session, user_room(user_id), "complaint.changed", payload)


def queue_escalation(session: Session, complaint: Complaint, target: str) -> None:
    """Queue complaint.escalated (which target was missed, and when it was due) to every active admin."""
    due = complaint.first_response_due_at if target == "first_response" else complaint.resolution_due_at
    payload = {"complaint_id": complaint.complaint_id, "target": target, "severity": complaint.severity,
               "category": complaint.category, "due_at": due.isoformat()}
    for user_id in _user_ids(session, ("admin",)):
        realtime.queue_to_room(session, user_room(user_id), "complaint.escalated", payload)
