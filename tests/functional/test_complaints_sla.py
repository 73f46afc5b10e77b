"""SLA of complaints (issue 15): breaches recorded exactly once per complaint, target and round, escalated to
admins with a push, found by the queue's breached filter; a late answer records its own breach; the admin's
calendar and targets decide the due times of new complaints."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app import realtime
from app.db import utcnow
from app.extensions import db
from orders.care.complaints import moves
from orders.care.complaints.breaches import sweep
from orders.care.complaints.lookup import find_complaint
from orders.care.complaints.models import ComplaintBreach
from orders.models import OrderHistory
from tests.functional.test_complaints_api import Agent, register, shop  # noqa: F401  fixtures

ROUND_THE_CLOCK = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def agent(app, users):
    """Return the after-sales agent's API caller."""
    return Agent(app, "aftersales")


@pytest.fixture
def emitted(monkeypatch):
    """Return the list of (room, event, payload) pushed to single rooms after commit."""
    sent = []
    monkeypatch.setattr("app.realtime.after_commit.emit_to_room", lambda room, event, payload: sent.append(
        (room, event, payload)))
    return sent


def test_a_missed_target_is_recorded_once_and_escalated_to_admins(app, shop, agent, emitted):
    complaint_id = register(agent)["complaint_id"]
    later = utcnow() + timedelta(days=30)
    with app.app_context():
        assert sweep(db.session, later) == 2  # the first response and the resolution, both missed
        assert sweep(db.session, later + timedelta(minutes=1)) == 0
        breaches = db.session.scalars(sa.select(ComplaintBreach.target).order_by(ComplaintBreach.target)).all()
        history = db.session.scalars(sa.select(OrderHistory.action).where(
            OrderHistory.action == "complaint_breached")).all()
    assert breaches == ["first_response", "resolution"] and len(history) == 2
    detail = agent.get(f"/api/v1/complaints/{complaint_id}").get_json()
    assert detail["escalated"] is True and detail["first_response_breached_at"] and detail["resolution_breached_at"]
    assert [e["kind"] for e in detail["events"]].count("breached") == 2
    escalations = [(room, payload["target"]) for room, event, payload in emitted if event == "complaint.escalated"]
    with app.app_context():
        from app.auth.models import User

        admin_id = db.session.scalar(sa.select(User.id).where(User.username == "admin"))
    assert sorted(escalations) == [(f"user:{admin_id}", "first_response"), (f"user:{admin_id}", "resolution")]
    page = agent.get("/api/v1/complaints?breached=1").get_json()
    assert [c["complaint_id"] for c in page["complaints"]] == [complaint_id] and page["counts"]["breached"] == 1


def test_an_answer_after_the_due_time_records_the_breach_itself(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    with app.app_context():
        complaint = find_complaint(db.session, complaint_id)
        late = complaint.first_response_due_at + timedelta(minutes=1)
        moves.acknowledge(db.session, complaint, "aftersales", late)
        realtime.commit(db.session)
        assert sweep(db.session, late + timedelta(minutes=1)) == 0
        rows = db.session.execute(sa.select(ComplaintBreach.target, ComplaintBreach.recorded_by)).all()
    assert rows == [("first_response", "aftersales")]


def test_an_answer_in_time_records_no_breach(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    agent.post(f"/api/v1/complaints/{complaint_id}/acknowledge")
    with app.app_context():
        complaint = find_complaint(db.session, complaint_id)
        assert sweep(db.session, complaint.resolution_due_at - timedelta(minutes=1)) == 0
        assert db.session.scalar(sa.select(sa.func.count(ComplaintBreach.id))) == 0


def test_a_reopened_complaint_can_miss_its_new_resolution_target_once_more(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    with app.app_context():
        assert sweep(db.session, utcnow() + timedelta(days=30)) == 2
    base = f"/api/v1/complaints/{complaint_id}"
    agent.post(f"{base}/resolve", {"root_cause": "carrier", "resolution": "done", "feedback": "ok"})
    reopened = agent.post(f"{base}/reopen", {"reason": "not fixed"}).get_json()
    assert reopened["resolution_breached_at"] is None
    with app.app_context():
        assert sweep(db.session, utcnow() + timedelta(days=60)) == 1
        rounds = db.session.execute(sa.select(ComplaintBreach.target, ComplaintBreach.round)
                                    .order_by(ComplaintBreach.id)).all()
    assert rounds == [("first_response", 0), ("resolution", 0), ("resolution", 1)]


def test_resolved_complaints_are_never_breached_afterwards(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    agent.post(f"/api/v1/complaints/{complaint_id}/resolve", {"root_cause": "carrier", "resolution": "done",
                                                              "feedback": "ok"})
    with app.app_context():
        assert sweep(db.session, utcnow() + timedelta(days=30)) == 0


def test_the_admins_calendar_and_targets_decide_new_due_times(app, shop, agent):
    admin = Agent(app, "admin")
    saved = admin.put("/api/v1/complaints/sla-policy", {
        "calendar": {"hours": ROUND_THE_CLOCK}, "policies": {"normal": {"first_response_minutes": 30,
                                                                       "resolution_minutes": 120}}})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["policies"]["normal"] == {"first_response_minutes": 30, "resolution_minutes": 120}
    assert saved.get_json()["policies"]["urgent"]["first_response_minutes"] == 60  # the rest stays
    complaint = register(agent)
    received = datetime.fromisoformat(complaint["received_at"])
    assert datetime.fromisoformat(complaint["first_response_due_at"]) == received + timedelta(minutes=30)
    assert datetime.fromisoformat(complaint["resolution_due_at"]) == received + timedelta(minutes=120)
    assert agent.get("/api/v1/complaints/sla-policy").get_json()["calendar"]["hours"]["sun"] == ["00:00-24:00"]


@pytest.mark.parametrize("body, field", [
    ({"calendar": {"hours": {"mon": ["09:00-12:00", "11:00-13:00"]}}}, "calendar.hours.mon"),
    ({"calendar": {"hours": {day: [] for day in ROUND_THE_CLOCK}}}, "calendar.hours"),
    ({"calendar": {"zone": "Mars/Olympus"}}, "calendar.zone"),
    ({"calendar": {"holidays": ["2026-10-01"], "makeup_workdays": ["2026-10-01"]}}, "calendar.makeup_workdays"),
    ({"calendar": {"holidays": ["01/10/2026"]}}, "calendar.holidays[0]"),
    ({"policies": {"high": {"first_response_minutes": 600, "resolution_minutes": 60}}}, "policies.high.first_response_minutes"),
    ({"policies": {"high": {"resolution_minutes": 0}}}, "policies.high.resolution_minutes"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_sla_setting_is_refused_naming_the_field(app, users, body, field):
    response = Agent(app, "admin").put("/api/v1/complaints/sla-policy", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_only_admins_change_the_sla_policy(app, users):
    assert Agent(app, "aftersales").put("/api/v1/complaints/sla-policy", {}).status_code == 403
