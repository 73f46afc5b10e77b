"""A complaint's whole life on SQLite and PostgreSQL alike (issue 15): a platform event registers it once, an agent
answers late (the breach is recorded by the answer), resolves it with a plan and feedback, the sweeper finds
nothing more; the queue, the report and the timeline agree."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from orders.care.complaints.breaches import sweep
from orders.care.complaints.models import ComplaintBreach
from tests.support.api import order_event
from tests.support.auth import csrf_token, login
from tests.support.databases import create_users


def test_a_platform_complaint_from_event_to_resolution(any_app, any_api):
    create_users(any_app)
    any_api.product("A1")
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    placed = any_api.events(broadcast_id, [order_event("A1", 1, order_id="O-1")]).get_json()["results"][0]
    ts = (datetime.now(timezone.utc) - timedelta(days=6)).isoformat()
    event = {"type": "complaint", "ts": ts, "complaint_id": "DY-C-1", "order_id": "O-1",
             "buyer_id": placed["order"]["buyer"]["id"],
             "category": "quality", "text": "起球了"}
    results = any_api.events(broadcast_id, [{"id": "c-1", **event}, {"id": "c-2", **event}]).get_json()["results"]
    assert [r["complaint"]["created"] for r in results] == [True, False]
    complaint_id = results[0]["complaint"]["complaint_id"]

    agent = login(any_app, "aftersales")
    headers = {"X-CSRFToken": csrf_token(agent, "/settings")}
    queue = agent.get("/api/v1/complaints?breached=1").get_json()
    assert [c["complaint_id"] for c in queue["complaints"]] == [complaint_id]  # past due, not yet swept
    base = f"/api/v1/complaints/{complaint_id}"
    assert agent.post(f"{base}/acknowledge", json={}, headers=headers).status_code == 200
    resolved = agent.post(f"{base}/resolve", headers=headers, json={
        "root_cause": "supplier_defect", "resolution": "refunded", "feedback": "已退款",
        "actions": ["apology_coupon", {"kind": "process_change", "note": "new supplier"}]}).get_json()
    assert resolved["status"] == "resolved" and resolved["escalated"] is True
    with any_app.app_context():
        assert sweep(db.session, utcnow() + timedelta(days=30)) == 0
        targets = db.session.scalars(sa.select(ComplaintBreach.target).order_by(ComplaintBreach.target)).all()
    assert targets == ["first_response", "resolution"]  # both answered late, each recorded once by the answer
    report = agent.get("/api/v1/complaints/report").get_json()
    assert report["lines"][0]["root_cause"] == "supplier_defect" and report["lines"][0]["lessons"] == "new supplier"
    kinds = [e["kind"] for e in agent.get(base).get_json()["events"]]
    assert kinds[:2] == ["registered", "acknowledged"] and kinds.count("breached") == 2 and "resolved" in kinds
