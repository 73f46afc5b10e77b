"""What customer care recorded about a buyer, as the customer record shows it: complaints, survey answers, follow-ups.

Each comes from its own domain's query function (orders/care); this module only names them for the record, so the
record has one place that reaches into care. Lists, newest first, in those domains' API shapes. Care records are
keyed by the buyer id alone (not by platform), as orders/care keeps them.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from orders.care.complaints import labels as complaint_labels
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


def labels() -> dict[str, dict]:
    """Return the words of the care codes the record shows, one map per kind of code, translated lazily."""
    return {"complaint_status": complaint_labels.STATUS_LABELS, "complaint_category": complaint_labels.CATEGORY_LABELS,
            "survey_kind": SURVEY_KINDS, "survey_state": SURVEY_STATES, "survey_trigger": SURVEY_TRIGGERS,
            "followup_source": FOLLOWUP_SOURCES, "followup_status": FOLLOWUP_STATUSES}
