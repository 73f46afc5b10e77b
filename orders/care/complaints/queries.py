"""Reading complaints for other pages: a buyer's complaints (the customer record) and an order's."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.care.complaints.codes import OPEN_STATUSES
from orders.care.complaints.models import Complaint
from orders.care.complaints.serialize import complaint_to_dict

MAX_LISTED = 200


def complaints_of_buyer(session: Session, buyer_id: str, limit: int = MAX_LISTED) -> list[dict]:
    """Return the buyer's complaints, newest first (at most limit), as the API shows them."""
    rows = session.scalars(sa.select(Complaint).where(Complaint.buyer_id == buyer_id)
                           .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(limit))
    return [complaint_to_dict(row) for row in rows]


def complaint_count(session: Session, buyer_id: str) -> int:
    """Return how many complaints the buyer has made (all statuses)."""
    return session.scalar(sa.select(sa.func.count(Complaint.id)).where(Complaint.buyer_id == buyer_id)) or 0


def open_complaint_count(session: Session, buyer_id: str) -> int:
    """Return how many of the buyer's complaints are still open (new, acknowledged or investigating)."""
    return session.scalar(sa.select(sa.func.count(Complaint.id)).where(
        Complaint.buyer_id == buyer_id, Complaint.status.in_(OPEN_STATUSES))) or 0


def complaints_of_order(session: Session, order_pk: int) -> list[dict]:
    """Return the complaints linked to an order, newest first."""
    rows = session.scalars(sa.select(Complaint).where(Complaint.order_pk == order_pk)
                           .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(MAX_LISTED))
    return [complaint_to_dict(row) for row in rows]
