"""A buyer's erasure (orders/customers/erasure.py) reaches what they wrote to customer care.

Complaint texts, resolutions, feedback and timeline notes, follow-up notes and outcomes, and survey comments of
the buyer lose the erased
name, phone and street address and any phone number typed in them; scores, categories and dates stay, so the
complaint report and the satisfaction figures add up as before. Listens to ``app.signals.customer_erased``.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.care.complaints.models import Complaint, ComplaintEvent
from orders.care.followups.models import FollowUpTask
from orders.care.surveys.models import SurveyInvitation, SurveyResponse
from orders.customers.free_text import scrub_rows

COMPLAINT_TEXTS = ("text", "resolution", "feedback", "cause_note")
STEP_TEXTS = ("note", "data")
FOLLOW_UP_TEXTS = ("note", "outcome")


def erase_care_texts(session: Session, buyer_id: str, orders: list[tuple[int, str, int]],
                     secrets: frozenset[str] = frozenset(), **_details) -> int:
    """Scrub contact data from the buyer's complaints and their timelines, follow-ups and survey comments; return
    how many rows changed."""
    pks = [pk for pk, _order_id, _broadcast in orders]
    complaints = sa.select(Complaint.id).where(
        sa.or_(Complaint.buyer_id == buyer_id, Complaint.order_pk.in_(pks))).scalar_subquery()
    invitations = sa.select(SurveyInvitation.id).where(
        sa.or_(SurveyInvitation.buyer_id == buyer_id, SurveyInvitation.order_pk.in_(pks))).scalar_subquery()
    return (scrub_rows(session, Complaint.__table__, COMPLAINT_TEXTS, Complaint.id.in_(complaints), secrets)
            + scrub_rows(session, ComplaintEvent.__table__, STEP_TEXTS, ComplaintEvent.complaint_pk.in_(complaints),
                         secrets)
            + scrub_rows(session, FollowUpTask.__table__, FOLLOW_UP_TEXTS,
                         sa.or_(FollowUpTask.buyer_id == buyer_id, FollowUpTask.order_pk.in_(pks)), secrets)
            + scrub_rows(session, SurveyResponse.__table__, ("comment",),
                         SurveyResponse.invitation_id.in_(invitations), secrets))
