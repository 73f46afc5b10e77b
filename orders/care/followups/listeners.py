"""Follow-up tasks on app.signals: after a delivery (when the delivery rule wants one), an ended after-sales
case and a resolved complaint. Inside the sender's transaction, in a savepoint; never commits; once per subject."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.db import utcnow
from orders.care.followups.actions import cancel_delivery_followup, open_after_delivery, open_task
from orders.care.surveys.guard import apart
from orders.care.surveys.subjects import case_subject, complaint_subject
from orders.models import Order


def followup_after_delivery(session: Session, order: Order, at: datetime | None = None, **_) -> None:
    """On order_delivered: open a call-back task when the delivery rule (policy.DeliveryRule) wants one."""
    apart(session, f"follow-up of delivered order {order.id}", lambda: open_after_delivery(session, order, at or utcnow()))


def followup_withdrawn_with_delivery(session: Session, order: Order, at: datetime | None = None, **_) -> None:
    """On order_delivery_withdrawn: cancel the open call-back about a delivery the buyer never got."""
    apart(session, f"follow-up of returned order {order.id}",
          lambda: cancel_delivery_followup(session, order, at or utcnow()))


def followup_after_case(session: Session, case=None, order: Order | None = None, at: datetime | None = None, **_) -> None:
    """On aftersale_closed: open a call-back task about how the case ended."""
    def work():
        subject = case_subject(session, case, order)
        if subject.buyer_id:
            open_task(session, subject.buyer_id, "case", at or utcnow(), order=subject.order,
                      source_key=str(subject.id), aftersale_case_id=subject.id)

    apart(session, f"follow-up of case {getattr(case, 'id', None)}", work)


def followup_after_complaint(session: Session, complaint=None, at: datetime | None = None, refund_pending: bool = False,
                             **_) -> None:
    """On complaint_resolved: open a call-back task to check the buyer is content with the resolution (one per
    resolution: a complaint reopened and resolved again gets another; its survey is sent once); while the refund
    the resolution opened is still running, not yet (the complaint is told resolved again at its end)."""
    if refund_pending:
        return

    def work():
        subject = complaint_subject(session, complaint)
        if subject.buyer_id:
            open_task(session, subject.buyer_id, "complaint", at or utcnow(), order=subject.order,
                      source_key=subject.round_key, complaint_id=subject.id)

    apart(session, f"follow-up of complaint {getattr(complaint, 'id', None)}", work)
