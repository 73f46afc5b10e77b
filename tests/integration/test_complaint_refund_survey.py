"""A complaint resolved with a refund via after-sales asks the buyer how it went only once the money is back: its
CSAT invitation and its call-back wait for the refund case to end (probe of session 15: the buyer was asked while
the case was only requested). SQLite and PostgreSQL."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from orders.aftersales.models import AftersaleCase
from orders.care.followups.models import FollowUpTask
from orders.care.surveys.models import SurveyInvitation
from tests.integration.test_complaint_resolve_plan import RESOLUTION, agent, analysed  # noqa: F401  (fixture)


def _asked(any_app) -> tuple[list[str], list[str]]:
    """Return the triggers of the survey invitations and the sources of the follow-up tasks there are."""
    with any_app.app_context():
        surveys = list(db.session.scalars(sa.select(SurveyInvitation.trigger)))
        tasks = list(db.session.scalars(sa.select(FollowUpTask.source)))
        return surveys, tasks


def test_the_survey_and_call_back_of_a_refunding_complaint_wait_for_the_refund(any_app, agent):  # noqa: F811
    complaint_id = analysed(agent)
    resolved = agent.post(f"/api/v1/complaints/{complaint_id}/resolve", RESOLUTION)
    case_id = next(a["ref"] for a in resolved["actions"] if a["kind"] == "refund_via_aftersales")
    assert _asked(any_app) == ([], [])  # the refund case is only requested: nobody is asked yet

    agent.post(f"/api/v1/aftersales/{case_id}/approve")
    agent.post(f"/api/v1/aftersales/{case_id}/refunds", {"amount": "99.00"})
    with any_app.app_context():
        status = db.session.scalar(sa.select(AftersaleCase.status).where(AftersaleCase.case_id == case_id))
    assert status == "refunded"
    surveys, tasks = _asked(any_app)
    assert sorted(surveys) == ["aftersale", "complaint"] and sorted(tasks) == ["case", "complaint"]


def test_a_complaint_resolved_without_a_refund_is_asked_about_at_once(any_app, agent):  # noqa: F811
    complaint_id = analysed(agent)
    resolution = RESOLUTION | {"resolution": "apologised", "actions": [{"kind": "apology_coupon", "note": "SORRY5"}]}
    agent.post(f"/api/v1/complaints/{complaint_id}/resolve", resolution)
    assert _asked(any_app) == (["complaint"], ["complaint"])
