"""Triage of a complaint by an agent: its severity (the SLA targets follow), its category, its assignee."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.models import User
from orders.care.complaints import timeline
from orders.care.complaints.codes import CATEGORIES, OPEN_STATUSES, SEVERITIES
from orders.care.complaints.intake import ComplaintRefused
from orders.care.complaints.models import Complaint
from orders.care.complaints.push import queue_complaint_changed
from orders.care.sla.policy import SlaSettings

ASSIGNABLE_ROLES = ("aftersales", "admin")


def triage(session: Session, complaint: Complaint, actor: str, now: datetime, settings: SlaSettings, *,
           severity: str | None = None, category: str | None = None, assignee: str | None = None,
           unassign: bool = False) -> Complaint:
    """Change what is given of an open complaint; a new severity moves the due times of the targets not yet met
    or breached (counted from when the complaint came, or was reopened). Not committed."""
    if complaint.status not in OPEN_STATUSES:
        raise ComplaintRefused(409, "invalid_status", f"a {complaint.status} complaint is reopened before it is "
                                                      "triaged again", "status")
    changes: dict = {}
    if severity is not None and severity != complaint.severity:
        if severity not in SEVERITIES:
            raise ComplaintRefused(400, "invalid_choice", f"severity must be one of {', '.join(SEVERITIES)}",
                                   "severity")
        changes["severity"] = [complaint.severity, severity]
        complaint.severity = severity
        if complaint.acknowledged_at is None and complaint.first_response_breached_at is None:
            complaint.first_response_due_at = settings.due_at(severity, "first_response", complaint.received_at)
        if complaint.resolution_breached_at is None:
            complaint.resolution_due_at = settings.due_at(severity, "resolution",
                                                          complaint.reopened_at or complaint.received_at)
    if category is not None and category != complaint.category:
        if category not in CATEGORIES:
            raise ComplaintRefused(400, "invalid_choice", f"category must be one of {', '.join(CATEGORIES)}",
                                   "category")
        changes["category"] = [complaint.category, category]
        complaint.category = category
    if unassign or (assignee is not None and assignee != complaint.assignee):
        if assignee is not None and not _may_be_assigned(session, assignee):
            raise ComplaintRefused(400, "unknown_user", f"{assignee} is no active after-sales agent or admin",
                                   "assignee")
        changes["assignee"] = [complaint.assignee, assignee]
        complaint.assignee = assignee
    if changes:
        complaint.updated_at = now
        timeline.record(session, complaint, "triaged", actor, now, data=changes)
        queue_complaint_changed(session, complaint)
    return complaint


def _may_be_assigned(session: Session, username: str) -> bool:
    return session.scalar(sa.select(sa.func.count(User.id)).where(
        User.username == username, User.role.in_(ASSIGNABLE_ROLES), User.disabled_at.is_(None))) == 1


def assignable_users(session: Session) -> list[str]:
    """Return the usernames a complaint may be assigned to, in order."""
    return list(session.scalars(sa.select(User.username).where(
        User.role.in_(ASSIGNABLE_ROLES), User.disabled_at.is_(None)).order_by(User.username)))
