"""A complaint's "refund via after-sales" action: opens a refund case on the order through the after-sales domain's
public action (orders.aftersales.actions.open_case), so the money moves only where refunds are kept."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.signals import complaint_resolved
from orders.aftersales.actions import open_case
from orders.aftersales.flow import is_ended
from orders.aftersales.models import AftersaleCase
from orders.care.complaints.models import Complaint
from orders.models import Order

CASE_TYPE = "refund_only"
MONEY_CASES = ("refund_only", "return_refund")  # cases whose end is the buyer's money back
REASON_BY_CATEGORY = {"product_quality": "quality"}  # a late parcel is no damaged one: "other"


def open_refund_case(session: Session, order: Order, complaint, actor: str, now: datetime) -> str:
    """Open a refund case (the amount paid and not yet refunded) for the order of a complaint; return its case id.

    A refund case of the order still under way (opened by the buyer or an agent before) is the complaint's: a second
    one would ask for the same money again. Raises orders.actions.OrderRejected as after-sales does (an unpaid
    order, nothing left to refund).
    """
    running = [case for case in session.scalars(sa.select(AftersaleCase).where(
        AftersaleCase.order_pk == order.id, AftersaleCase.type.in_(MONEY_CASES)).order_by(AftersaleCase.id))
        if not is_ended(case.status, case.appeal_used)]
    if running:
        return running[0].case_id
    case = open_case(session, order, case_type=CASE_TYPE, reason=REASON_BY_CATEGORY.get(complaint.category, "other"),
                     actor=actor, now=now, note=f"complaint {complaint.complaint_id}")
    return case.case_id


def refund_case_id(complaint) -> str | None:
    """Return the id of the after-sales case the complaint's "refund via after-sales" action opened (or took over)."""
    return next((action.get("ref") for action in complaint.actions or []
                 if action.get("kind") == "refund_via_aftersales" and action.get("ref")), None)


def refund_under_way(session: Session, complaint) -> bool:
    """Return True while the refund case of the complaint's plan has not ended (the buyer has no money back yet)."""
    case_id = refund_case_id(complaint)
    if case_id is None:
        return False
    case = session.scalar(sa.select(AftersaleCase).where(AftersaleCase.case_id == case_id))
    return case is not None and not is_ended(case.status, case.appeal_used)


def complaints_refunded_by(session: Session, case: AftersaleCase) -> list:
    """Return the resolved (or closed) complaints of the case's order whose refund action is this case."""
    found = session.scalars(sa.select(Complaint).where(
        Complaint.order_pk == case.order_pk, Complaint.status.in_(("resolved", "closed"))).order_by(Complaint.id))
    return [complaint for complaint in found if refund_case_id(complaint) == case.case_id]


def complaints_after_refund(session: Session, case=None, at: datetime | None = None, **_) -> None:
    """On aftersale_closed: a complaint resolved while its refund case ran is told resolved again, now with the money
    back (or the case over), so that its survey and call-back come after the refund, not before it."""
    if case is None:
        return
    for complaint in complaints_refunded_by(session, case):
        complaint_resolved.send(session, complaint=complaint, at=at, refund_pending=False)
