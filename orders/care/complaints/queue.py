"""The complaint queue: filtered, open complaints first by time to breach (the due time of the next target),
then the resolved and closed ones, newest first; with the counts the queue's header shows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import utcnow
from orders.care.complaints.codes import OPEN_STATUSES
from orders.care.complaints.models import Complaint
from orders.care.complaints.serialize import complaint_to_dict

SOON = timedelta(hours=1)
_OPEN = Complaint.status.in_(OPEN_STATUSES)
# The due time of the target the complaint must meet next: the first response until it is given, then resolution.
NEXT_DUE = sa.case((Complaint.acknowledged_at.is_(None), Complaint.first_response_due_at),
                   else_=Complaint.resolution_due_at)
RECORDED_BREACH = sa.or_(Complaint.first_response_breached_at.is_not(None),
                         Complaint.resolution_breached_at.is_not(None))


def breached(now: datetime):
    """Return the condition of a breached complaint: a breach was recorded, or it is open past its next due time
    (the sweeper records it within half a minute; the queue does not wait for it)."""
    return sa.or_(RECORDED_BREACH, sa.and_(_OPEN, NEXT_DUE <= now))


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: a status (or "open"), category, severity, broadcast, buyer, order, breached only."""

    status: str | None = None
    category: str | None = None
    severity: str | None = None
    broadcast_id: int | None = None
    buyer_id: str | None = None
    order_id: str | None = None
    breached: bool = False

    def conditions(self, now: datetime) -> list:
        """Return the SQL conditions of this filter at time now."""
        found = []
        if self.status == "open":
            found.append(_OPEN)
        elif self.status is not None:
            found.append(Complaint.status == self.status)
        for column, value in ((Complaint.category, self.category), (Complaint.severity, self.severity),
                              (Complaint.broadcast_id, self.broadcast_id), (Complaint.buyer_id, self.buyer_id),
                              (Complaint.order_ref, self.order_id)):
            if value is not None:
                found.append(column == value)
        if self.breached:
            found.append(breached(now))
        return found

    def counted_scope(self) -> QueueFilter | None:
        """Return the part of this filter the header counts follow (category, severity, broadcast, buyer, order),
        or None when it narrows nothing (the counts are then those of every complaint)."""
        scope = QueueFilter(category=self.category, severity=self.severity, broadcast_id=self.broadcast_id,
                            buyer_id=self.buyer_id, order_id=self.order_id)
        return scope if scope != QueueFilter() else None


def queue_page(session: Session, where: QueueFilter, page: int, per_page: int,
               now: datetime | None = None) -> tuple[list[dict], int]:
    """Return (complaints as dicts, total matching) of one page of the queue, ordered by time to breach."""
    conditions = where.conditions(now or utcnow())
    total = session.scalar(sa.select(sa.func.count(Complaint.id)).where(*conditions)) or 0
    rows = session.scalars(
        sa.select(Complaint).where(*conditions)
        .order_by(sa.case((_OPEN, 0), else_=1), sa.case((_OPEN, NEXT_DUE), else_=None),
                  Complaint.resolved_at.desc(), Complaint.received_at.desc(), Complaint.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    return [complaint_to_dict(row) for row in rows], total


def queue_counts(session: Session, now: datetime, scope: QueueFilter | None = None) -> dict[str, int]:
    """Return the header counts: open complaints, open and breached (recorded or past due now), open and due within
    the hour, open and escalated; of every complaint, or of those in scope's category, severity, broadcast, buyer
    and order (its status and breached choice aside: the counts are of open complaints by definition)."""
    counted = scope.counted_scope() if scope else None
    within = counted.conditions(now) if counted else []
    row = session.execute(sa.select(
        sa.func.count(Complaint.id).filter(_OPEN),
        sa.func.count(Complaint.id).filter(_OPEN, breached(now)),
        sa.func.count(Complaint.id).filter(_OPEN, NEXT_DUE <= now + SOON, NEXT_DUE > now),
        sa.func.count(Complaint.id).filter(_OPEN, Complaint.escalated.is_(True)),
    ).where(*within)).one()
    return {"open": int(row[0]), "breached": int(row[1]), "due_soon": int(row[2]), "escalated": int(row[3])}
