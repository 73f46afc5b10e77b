"""Whether customer care holds anything of a buyer id: one answer for the customer record and the follow-ups."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.care.complaints.models import Complaint
from orders.care.followups.models import FollowUpTask
from orders.care.surveys.models import SurveyInvitation


def has_care_records(session: Session, buyer_id: str) -> bool:
    """Return whether customer care holds a complaint, a survey invitation or a follow-up task of the buyer id."""
    return any(session.scalar(sa.select(model.id).where(model.buyer_id == buyer_id).limit(1)) is not None
               for model in (Complaint, SurveyInvitation, FollowUpTask))
