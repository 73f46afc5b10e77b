"""Survey invitations on app.signals: CSAT after a delivery, an ended after-sales case, a resolved complaint; a
delivery's unanswered invitation withdrawn when its parcel goes back to the sender.

Each receiver runs inside the sender's transaction (in a savepoint, orders/care/surveys/guard.py) and never
commits; the unique (trigger, subject) key makes a second delivery of the same signal a no-op.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.db import utcnow
from orders.care.surveys.guard import apart
from orders.care.surveys.invitations import (invite_after_case, invite_after_complaint, invite_after_delivery,
                                             withdraw_delivery_invitation)
from orders.care.surveys.subjects import case_subject, complaint_subject
from orders.models import Order


def survey_after_delivery(session: Session, order: Order, at: datetime | None = None, **_) -> None:
    """On order_delivered (orders.fulfilment): invite the buyer to rate the order (CSAT)."""
    apart(session, f"survey invitation of delivered order {order.id}",
          lambda: invite_after_delivery(session, order, at or utcnow()))


def survey_withdrawn_with_delivery(session: Session, order: Order, **_) -> None:
    """On order_delivery_withdrawn: the buyer never got the goods, so the delivery survey they have not answered
    goes (a later delivery invites them afresh)."""
    apart(session, f"survey invitation of returned order {order.id}",
          lambda: withdraw_delivery_invitation(session, order))


def survey_after_case(session: Session, case=None, order: Order | None = None, at: datetime | None = None, **_) -> None:
    """On aftersale_closed (orders.aftersales): invite the buyer to rate how the case was handled (CSAT)."""
    apart(session, f"survey invitation of case {getattr(case, 'id', None)}",
          lambda: invite_after_case(session, case_subject(session, case, order), at or utcnow()))


def survey_after_complaint(session: Session, complaint=None, at: datetime | None = None, refund_pending: bool = False,
                           **_) -> None:
    """On complaint_resolved (orders.care.complaints): invite the buyer to rate how it was resolved (CSAT); while
    the refund the resolution opened is still running, not yet (the complaint is told resolved again at its end)."""
    if refund_pending:
        return
    apart(session, f"survey invitation of complaint {getattr(complaint, 'id', None)}",
          lambda: invite_after_complaint(session, complaint_subject(session, complaint), at or utcnow()))
