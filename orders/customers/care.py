"""What customer care recorded about a buyer, as the customer record shows it: complaints, survey answers, follow-ups.

Each comes from its own domain's query function (orders/care); this module only names them for the record, so the
record has one place that reaches into care. Lists, newest first, in those domains' API shapes. Care records are
keyed by the buyer id alone (not by platform), as orders/care keeps them. They also make a buyer known without an
order (a complaint registered in the back office, from a platform or a chat message): platforms (orders/care/buyers.py says whether it holds any).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from live.models import Broadcast
from orders.care.complaints import labels as complaint_labels
from orders.care.complaints.models import Complaint
from orders.care.complaints.queries import complaint_count as _complaint_count
from orders.care.complaints.queries import complaints_of_buyer
from orders.care.followups.pages import SOURCE_LABELS as FOLLOWUP_SOURCES
from orders.care.followups.pages import STATUS_LABELS as FOLLOWUP_STATUSES
from orders.care.followups.queries import followups_of_buyer
from orders.care.surveys.pages import TRIGGER_LABELS as SURVEY_TRIGGERS
from orders.care.surveys.queries import surveys_of_buyer

MAX_LISTED = 50
SURVEY_KINDS = {"csat": _l("Satisfaction (CSAT)"), "nps": _l("Recommendation (NPS)")}
SURVEY_STATES = {"open": _l("waiting for an answer"), "answered": _l("answered"), "expired": _l("expired")}


def complaints(session: Session, buyer_id: str) -> list[dict]:
    """Return the buyer's newest complaints (orders/care/complaints)."""
    return complaints_of_buyer(session, buyer_id, limit=MAX_LISTED)


def complaint_count(session: Session, buyer_id: str) -> int:
    """Return how many complaints the buyer has made, every status."""
    return int(_complaint_count(session, buyer_id))


def surveys(session: Session, buyer_id: str) -> list[dict]:
    """Return the buyer's newest survey invitations with their answers (orders/care/surveys)."""
    return surveys_of_buyer(session, buyer_id)[:MAX_LISTED]


def followups(session: Session, buyer_id: str) -> list[dict]:
    """Return the buyer's follow-up tasks (回访, orders/care/followups): open ones soonest due first."""
    return followups_of_buyer(session, buyer_id)[:MAX_LISTED]


def platforms(session: Session, buyer_id: str) -> list[str]:
    """Return the platforms of the broadcasts the buyer's complaints came from, that of the newest one first."""
    rows = session.execute(
        sa.select(Broadcast.platform, sa.func.max(Complaint.id).label("newest"))
        .join(Broadcast, Broadcast.id == Complaint.broadcast_id).where(Complaint.buyer_id == buyer_id)
        .group_by(Broadcast.platform).order_by(sa.desc("newest"))).all()
    return [platform for platform, _newest in rows]


def labels() -> dict[str, dict]:
    """Return the words of the care codes the record shows, one map per kind of code, translated lazily."""
    return {"complaint_status": complaint_labels.STATUS_LABELS, "complaint_category": complaint_labels.CATEGORY_LABELS,
            "survey_kind": SURVEY_KINDS, "survey_state": SURVEY_STATES, "survey_trigger": SURVEY_TRIGGERS,
            "followup_source": FOLLOWUP_SOURCES, "followup_status": FOLLOWUP_STATUSES}
