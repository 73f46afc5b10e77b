"""Resolving a complaint carries out its plan (probe 1, D1), on SQLite and PostgreSQL: `POST …/resolve` without
`actions` takes the plan the cause analysis saved (the refund via after-sales opens its refund_only case, every
action is marked taken and counts in the cause report); a list sent with the resolve replaces that plan. Before,
a resolve without `actions` turned "not sent" into "no actions" and dropped the plan: no case, no actions."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.aftersales.models import AftersaleCase
from tests.support.api import order_event
from tests.support.auth import csrf_token, login
from tests.support.databases import create_users

RESOLUTION = {"root_cause": "carrier", "resolution": "refunded", "feedback": "抱歉，已退款"}
PLAN = {"root_cause": "carrier", "cause_note": "slow",
        "actions": [{"kind": "apology_coupon", "note": "SORRY5"}, "refund_via_aftersales"]}


class Agent:
    """The after-sales agent calling the API with the session cookie and its CSRF header."""

    def __init__(self, app):
        self.client = login(app, "aftersales")
        self.headers = {"X-CSRFToken": csrf_token(self.client, "/settings")}

    def post(self, path: str, body: dict | None = None) -> dict:
        """POST body as JSON; return the answer's JSON after checking it succeeded."""
        response = self.client.post(path, json=body or {}, headers=self.headers)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()

    def get(self, path: str) -> dict:
        """GET path; return its JSON."""
        response = self.client.get(path)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture
def agent(any_app, any_api):
    """Return the agent of a shop whose order P-1 (99.00) is paid."""
    create_users(any_app)
    any_api.product("A1")
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    any_api.events(broadcast_id, [order_event("A1", 1, order_id="P-1")])
    any_api.events(broadcast_id, [{"id": "pay-1", "type": "payment", "ts": datetime.now(timezone.utc).isoformat(),
                                   "order_id": "P-1", "status": "paid", "amount": "99.00"}])
    return Agent(any_app)


def analysed(agent: Agent) -> str:
    """Return the id of a complaint about P-1, acknowledged, whose analysis planned a coupon and a refund."""
    complaint_id = agent.post("/api/v1/complaints", {"order_id": "P-1", "category": "logistics", "text": "快递太慢了",
                                                     "channel": "back_office"})["complaint_id"]
    base = f"/api/v1/complaints/{complaint_id}"
    agent.post(f"{base}/acknowledge")
    analysis = agent.post(f"{base}/analysis", PLAN)
    assert [e["data"]["actions"] for e in analysis["events"] if e["kind"] == "analysis"] == [
        ["apology_coupon", "refund_via_aftersales"]]
    return complaint_id


def cases(any_app) -> list[tuple[str, str]]:
    """Return (case id, type) of every after-sales case."""
    with any_app.app_context():
        return [tuple(row) for row in db.session.execute(sa.select(AftersaleCase.case_id, AftersaleCase.type))]


def test_a_resolve_without_actions_carries_out_the_plan_the_analysis_saved(any_app, agent):
    complaint_id = analysed(agent)
    resolved = agent.post(f"/api/v1/complaints/{complaint_id}/resolve", RESOLUTION)

    assert resolved["status"] == "resolved"
    actions = {a["kind"]: a for a in resolved["actions"]}
    assert list(actions) == ["apology_coupon", "refund_via_aftersales"]
    assert all(a["taken_at"] for a in actions.values()) and actions["apology_coupon"]["note"] == "SORRY5"
    [(case_id, case_type)] = cases(any_app)
    assert (actions["refund_via_aftersales"]["ref"], case_type) == (case_id, "refund_only")
    assert agent.get(f"/api/v1/aftersales/{case_id}")["requested_amount"] == "99.00"
    step = [e for e in resolved["events"] if e["kind"] == "resolved"][-1]
    assert [a["kind"] for a in step["data"]["actions"]] == ["apology_coupon", "refund_via_aftersales"]
    assert "aftersales_case" in [e["kind"] for e in resolved["events"]]

    assert agent.get(f"/api/v1/complaints/{complaint_id}")["actions"] == resolved["actions"]
    report = agent.get("/api/v1/complaints/report")["totals"]["actions"]
    assert (report["apology_coupon"], report["refund_via_aftersales"]) == (1, 1)


def test_a_list_sent_with_the_resolve_replaces_the_plan(any_app, agent):
    complaint_id = analysed(agent)
    resolved = agent.post(f"/api/v1/complaints/{complaint_id}/resolve", {**RESOLUTION, "actions": ["reship"]})

    assert [(a["kind"], bool(a["taken_at"])) for a in resolved["actions"]] == [("reship", True)]
    assert cases(any_app) == []  # the refund was planned, then left out: no case
    report = agent.get("/api/v1/complaints/report")["totals"]["actions"]
    assert (report["reship"], report["apology_coupon"], report["refund_via_aftersales"]) == (1, 0, 0)


def test_an_empty_list_resolves_with_no_action_at_all(any_app, agent):
    complaint_id = analysed(agent)
    resolved = agent.post(f"/api/v1/complaints/{complaint_id}/resolve", {**RESOLUTION, "actions": []})

    assert resolved["status"] == "resolved" and resolved["actions"] == []
    assert cases(any_app) == []
