"""SLA breaches: recorded exactly once per (complaint, target, round) and escalated to admins.

The sweeper (a periodic job of the server) finds open complaints past a due time with no breach yet, locking
them with SKIP LOCKED so two sweepers never take the same one; the unique key of complaint_breaches is the last
line of defence. An action that answers late (acknowledge or resolve after the due time) records the breach
itself, so a breach is never missed because the sweeper had not run yet.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session

from app import realtime
from app.db import utcnow
from app.db.bulk import insert_ignoring
from app.db.transactions import run_with_retry
from app.extensions import db
from orders.care.complaints import timeline
from orders.care.complaints.codes import OPEN_STATUSES
from orders.care.complaints.models import Complaint, ComplaintBreach
from orders.care.complaints.order_history import complaint_step
from orders.care.complaints.push import queue_complaint_changed, queue_escalation
from orders.models import Order

BATCH = 200
SWEEPER = "system"
_BREACHES = ComplaintBreach.__table__


def record_breach(session: Session, complaint: Complaint, target: str, now: datetime, recorded_by: str) -> bool:
    """Record that complaint missed target (first_response or resolution) in its current round, escalate it to
    admins and return True; return False when this breach was recorded already (by anyone). Not committed."""
    round_ = complaint.reopen_count if target == "resolution" else 0
    due = complaint.first_response_due_at if target == "first_response" else complaint.resolution_due_at
    if complaint.id is None:
        session.flush()
    inserted = session.execute(insert_ignoring(session, _BREACHES, ("complaint_pk", "target", "round"), ("id",)), {
        "complaint_pk": complaint.id, "target": target, "round": round_, "due_at": due, "recorded_at": now,
        "recorded_by": recorded_by[:64]}).first()
    if inserted is None:
        return False
    setattr(complaint, f"{target}_breached_at", now)
    complaint.escalated, complaint.escalated_at = True, now
    data = {"target": target, "round": round_, "due_at": due.isoformat()}
    timeline.record(session, complaint, "breached", recorded_by, now, data=data)
    timeline.record(session, complaint, "escalated", SWEEPER, now, note="escalated to admins", data=data)
    if complaint.order_pk is not None:
        order = session.get(Order, complaint.order_pk)
        complaint_step(session, order, "complaint_breached", recorded_by, complaint.complaint_id, data=data)
    queue_escalation(session, complaint, target)
    return True


def due_breaches(session: Session, now: datetime, limit: int = BATCH) -> list[tuple[Complaint, str]]:
    """Return (complaint, target) for open complaints past a due time whose breach is not recorded, locking them
    (SKIP LOCKED: a complaint another sweeper holds is left to it)."""
    late_answer = sa.and_(Complaint.acknowledged_at.is_(None), Complaint.first_response_due_at <= now,
                          Complaint.first_response_breached_at.is_(None))
    late_resolution = sa.and_(Complaint.resolution_due_at <= now, Complaint.resolution_breached_at.is_(None))
    rows = session.scalars(
        sa.select(Complaint).where(Complaint.status.in_(OPEN_STATUSES), sa.or_(late_answer, late_resolution))
        .order_by(Complaint.id).limit(limit).with_for_update(skip_locked=True)
    ).all()
    found = []
    for complaint in rows:
        if complaint.acknowledged_at is None and complaint.first_response_due_at <= now \
                and complaint.first_response_breached_at is None:
            found.append((complaint, "first_response"))
        if complaint.resolution_due_at <= now and complaint.resolution_breached_at is None:
            found.append((complaint, "resolution"))
    return found


def sweep(session: Session, now: datetime) -> int:
    """Return how many breaches one sweep recorded, after committing them with their pushes."""
    def work() -> int:
        recorded = 0
        for complaint, target in due_breaches(session, now):
            if record_breach(session, complaint, target, now, SWEEPER):
                recorded += 1
                queue_complaint_changed(session, complaint)
        realtime.commit(session)
        return recorded

    return run_with_retry(work)


def sweep_job(app: Flask) -> None:
    """Background job: record and escalate the SLA breaches that are due (runs every half minute in the server)."""
    while sweep(db.session, utcnow()) >= BATCH:
        pass
