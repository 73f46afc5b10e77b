"""Complaints through the API (issue 15): registered from the back office, the events API and escalated chat,
moved new → acknowledged → investigating → resolved → closed (and reopened) with SLA due times in business hours,
the buyer told through the notice outbox, the order's history kept, and every refusal a 4xx naming its field."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.signals import complaint_resolved
from orders.care.complaints.models import Complaint, ComplaintEvent
from orders.models import OrderHistory
from orders.notices.models import BuyerNotice
from tests.support.api import order_event
from tests.support.auth import csrf_token, login

NOW = datetime.now(timezone.utc)


class Agent:
    """A logged-in console user calling the API with the session cookie and its CSRF header."""

    def __init__(self, app, username: str):
        self.client = login(app, username)
        self.headers = {"X-CSRFToken": csrf_token(self.client, "/settings")}

    def post(self, path: str, body: dict | None = None):
        """POST body as JSON; return the response."""
        return self.client.post(path, json=body if body is not None else {}, headers=self.headers)

    def put(self, path: str, body: dict):
        """PUT body as JSON; return the response."""
        return self.client.put(path, json=body, headers=self.headers)

    def get(self, path: str):
        """GET path; return the response."""
        return self.client.get(path)


@pytest.fixture
def shop(app, api, users):
    """Return (broadcast id, buyer id of order O-1): a live broadcast selling A1 with one order."""
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    result = api.events(broadcast_id, [order_event("A1", 1, order_id="O-1")]).get_json()["results"][0]
    return broadcast_id, result["order"]["buyer"]["id"]


@pytest.fixture
def agent(app, users):
    """Return the after-sales agent's API caller."""
    return Agent(app, "aftersales")


def register(agent: Agent, **body) -> dict:
    """Register a complaint about O-1 (logistics) with body's changes and return it."""
    response = agent.post("/api/v1/complaints", {"order_id": "O-1", "category": "logistics", "channel": "back_office",
                                                 "text": "快递三天没动了", **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_complaint_about_an_order_is_registered_with_its_buyer_due_times_and_history(app, shop, agent):
    _broadcast, buyer = shop
    complaint = register(agent)
    assert complaint["status"] == "new" and complaint["buyer_id"] == buyer and complaint["sku"] == "A1"
    assert complaint["severity"] == "normal" and complaint["channel"] == "back_office"
    received = datetime.fromisoformat(complaint["received_at"])
    first, resolution = (datetime.fromisoformat(complaint[key]) for key in ("first_response_due_at", "resolution_due_at"))
    assert received < first < resolution
    assert complaint["next_due"] == {"target": "first_response", "due_at": complaint["first_response_due_at"]}
    assert [e["kind"] for e in complaint["events"]] == ["registered"]
    with app.app_context():
        history = db.session.scalars(sa.select(OrderHistory.action).where(OrderHistory.action.like("complaint_%"))).all()
    assert history == ["complaint_opened"]


@pytest.mark.parametrize("body, status, code, field", [
    ({"order_id": "NOPE"}, 404, "unknown_order", "order_id"),
    ({"order_id": None, "buyer_id": None}, 400, "missing_field", "buyer_id"),
    ({"buyer_id": "someone-else"}, 400, "buyer_mismatch", "buyer_id"),
    ({"category": "weather"}, 400, "invalid_choice", "category"),
    ({"channel": "pigeon"}, 400, "invalid_choice", "channel"),
    ({"severity": "apocalyptic"}, 400, "invalid_choice", "severity"),
    ({"text": "长" * 2001}, 400, "too_long", "text"),
    ({"text": "  "}, 400, "missing_field", "text"),
    ({"buyer_id": "a/b", "order_id": None}, 400, "invalid_character", "buyer_id"),
])
def test_a_bad_complaint_is_refused_naming_the_field_and_nothing_is_written(app, shop, agent, body, status, code, field):
    response = agent.post("/api/v1/complaints", {"order_id": "O-1", "category": "logistics", "channel": "back_office",
                                                 "text": "bad", **body})
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code and response.get_json()["error"]["field"] == field
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 0


def test_a_buyer_who_names_a_regulator_gets_an_urgent_complaint(shop, agent):
    assert register(agent, text="再不处理我就打12315投诉")["severity"] == "urgent"
    assert register(agent, category="product_quality", text="破了")["severity"] == "high"
    assert register(agent, text="慢", severity="low")["severity"] == "low"


def test_the_whole_life_of_a_complaint_tells_the_buyer_and_the_listeners(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    base = f"/api/v1/complaints/{complaint_id}"
    heard = []

    def listener(session, complaint, at, **_):
        heard.append((complaint.complaint_id, complaint.status))

    complaint_resolved.connect(listener)
    try:
        assert agent.post(f"{base}/acknowledge", {"note": "called back"}).get_json()["status"] == "acknowledged"
        analysed = agent.post(f"{base}/analysis", {"root_cause": "carrier", "cause_note": "stuck at the hub",
                                                    "actions": ["reship"]}).get_json()
        assert analysed["status"] == "investigating" and analysed["actions"] == [{"kind": "reship", "note": None,
                                                                                   "ref": None, "taken_at": None}]
        resolved = agent.post(f"{base}/resolve", {
            "root_cause": "carrier", "resolution": "Reshipped with SF", "feedback": "非常抱歉，已为您补发。",
            "actions": ["reship", {"kind": "process_change", "note": "No more hub X for Xinjiang"}]}).get_json()
    finally:
        complaint_resolved.disconnect(listener)
    assert resolved["status"] == "resolved" and resolved["assignee"] == "aftersales"
    assert resolved["next_due"] is None and resolved["allowed_actions"] == ["close", "reopen"]
    assert heard == [(complaint_id, "resolved")]
    with app.app_context():
        notice = db.session.scalars(sa.select(BuyerNotice).where(BuyerNotice.kind == "complaint_feedback")).one()
        assert "非常抱歉，已为您补发。" in notice.message["zh-CN"] and complaint_id in notice.message["en"]
    assert agent.post(f"{base}/close").get_json()["status"] == "closed"
    reopened = agent.post(f"{base}/reopen", {"reason": "the parcel never came"}).get_json()
    assert reopened["status"] == "investigating" and reopened["reopen_count"] == 1
    assert reopened["resolution_due_at"] >= resolved["resolution_due_at"]  # counted again from now
    again = agent.post(f"{base}/resolve", {"root_cause": "carrier", "resolution": "refunded", "feedback": "已退款"})
    assert again.status_code == 200
    assert agent.post(f"{base}/reopen").get_json()["reopen_count"] == 2  # a reason is welcome, not required
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(BuyerNotice.id)).where(
            BuyerNotice.kind == "complaint_feedback")) == 2  # one per round
        kinds = db.session.scalars(sa.select(OrderHistory.action).where(OrderHistory.action.like("complaint_%"))
                                   .order_by(OrderHistory.id)).all()
    assert kinds == ["complaint_opened", "complaint_acknowledged", "complaint_investigating", "complaint_resolved",
                     "complaint_closed", "complaint_reopened", "complaint_resolved", "complaint_reopened"]


@pytest.mark.parametrize("move, body, code", [
    ("close", {}, "invalid_status"),
    ("reopen", {"reason": "why not"}, "invalid_status"),
])
def test_a_move_the_status_does_not_allow_is_a_conflict(shop, agent, move, body, code):
    complaint_id = register(agent)["complaint_id"]
    response = agent.post(f"/api/v1/complaints/{complaint_id}/{move}", body)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == code


def test_resolving_needs_root_cause_resolution_and_feedback(shop, agent):
    complaint_id = register(agent)["complaint_id"]
    base = f"/api/v1/complaints/{complaint_id}/resolve"
    for missing in ("root_cause", "resolution", "feedback"):
        body = {"root_cause": "carrier", "resolution": "done", "feedback": "ok"}
        del body[missing]
        error = agent.post(base, body).get_json()["error"]
        assert (error["code"], error["field"]) == ("missing_field", missing)
    error = agent.post(base, {"root_cause": "gremlins", "resolution": "done", "feedback": "ok"}).get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid_choice", "root_cause")
    error = agent.post(base, {"root_cause": "carrier", "resolution": "done", "feedback": "ok",
                              "actions": ["reship", "reship"]}).get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid_action", "actions[1]")
    assert agent.get(f"/api/v1/complaints/{complaint_id}").get_json()["status"] == "new"


def test_refund_via_after_sales_needs_an_order(app, shop, agent):
    _broadcast, buyer = shop
    response = agent.post("/api/v1/complaints", {"buyer_id": buyer, "category": "other", "channel": "back_office",
                                                 "text": "no order"})
    complaint_id = response.get_json()["complaint_id"]
    error = agent.post(f"/api/v1/complaints/{complaint_id}/resolve", {
        "root_cause": "other", "resolution": "x", "feedback": "y", "actions": ["refund_via_aftersales"]}).get_json()
    assert error["error"]["code"] == "no_order"


def test_hosts_and_auditors_read_but_only_agents_act(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    for role in ("host", "auditor"):
        reader = Agent(app, role)
        assert reader.get(f"/api/v1/complaints/{complaint_id}").status_code == 200
        assert reader.post(f"/api/v1/complaints/{complaint_id}/acknowledge").status_code == 403
    assert Agent(app, "analyst").get("/api/v1/complaints").status_code == 403


def test_the_queue_lists_open_complaints_by_time_to_breach_with_counts(shop, agent):
    low = register(agent, severity="low")
    urgent = register(agent, severity="urgent")
    normal = register(agent)
    agent.post(f"/api/v1/complaints/{normal['complaint_id']}/resolve",
               {"root_cause": "carrier", "resolution": "done", "feedback": "ok"})
    page = agent.get("/api/v1/complaints?status=open").get_json()
    assert [c["complaint_id"] for c in page["complaints"]] == [urgent["complaint_id"], low["complaint_id"]]
    assert page["counts"]["open"] == 2 and page["total"] == 2
    everything = agent.get("/api/v1/complaints").get_json()["complaints"]
    assert [c["complaint_id"] for c in everything][-1] == normal["complaint_id"]
    assert agent.get("/api/v1/complaints?severity=low").get_json()["total"] == 1
    assert agent.get("/api/v1/complaints?status=teleported").status_code == 400


def test_triage_moves_the_due_times_with_the_severity_and_assigns(shop, agent):
    complaint = register(agent, severity="low")
    triaged = agent.post(f"/api/v1/complaints/{complaint['complaint_id']}/triage",
                         {"severity": "urgent", "assignee": "aftersales"}).get_json()
    assert triaged["severity"] == "urgent" and triaged["assignee"] == "aftersales"
    assert triaged["first_response_due_at"] < complaint["first_response_due_at"]
    error = agent.post(f"/api/v1/complaints/{complaint['complaint_id']}/triage", {"assignee": "host"}).get_json()
    assert error["error"]["code"] == "unknown_user"


def test_a_platform_complaint_event_is_registered_once_per_complaint_id(app, api, shop):
    broadcast_id, buyer = shop
    event = {"type": "complaint", "ts": (NOW - timedelta(hours=1)).isoformat(), "complaint_id": "DY-C-1",
             "order_id": "O-1", "buyer_id": buyer, "category": "物流太慢", "text": "<b>还没到</b>"}
    first = api.events(broadcast_id, [{"id": "c-1", **event}]).get_json()["results"][0]
    again = api.events(broadcast_id, [{"id": "c-2", **event}]).get_json()["results"][0]
    assert first["status"] == "accepted" and first["complaint"]["created"] is True
    assert again["complaint"] == {**first["complaint"], "created": False}
    unknown_order = api.events(broadcast_id, [{"id": "c-3", **event, "complaint_id": "DY-C-2", "order_id": "ELSEWHERE",
                                               "category": None}]).get_json()["results"][0]
    assert unknown_order["status"] == "accepted"
    with app.app_context():
        rows = db.session.scalars(sa.select(Complaint).order_by(Complaint.id)).all()
        assert [(c.channel, c.category, c.severity, c.order_ref, c.order_pk is not None) for c in rows] == [
            ("platform", "logistics", "high", "O-1", True), ("platform", "other", "high", "ELSEWHERE", False)]
        assert rows[0].platform_category == "物流太慢" and rows[0].text == "<b>还没到</b>"
    bad = api.events(broadcast_id, [{"id": "c-4", **event, "buyer_id": None}]).get_json()["results"][0]
    assert bad["status"] == "rejected" and bad["error"]["field"] == "buyer_id"


def test_a_platform_complaint_naming_another_buyers_order_is_rejected_and_nothing_is_stored(app, api, shop):
    broadcast_id, buyer = shop
    event = {"type": "complaint", "ts": (NOW - timedelta(hours=1)).isoformat(), "complaint_id": "DY-C-9",
             "order_id": "O-1", "buyer_id": "someone-else", "category": "logistics", "text": "慢"}
    result = api.events(broadcast_id, [{"id": "c-9", **event}]).get_json()["results"][0]
    assert result["status"] == "rejected"
    assert (result["error"]["code"], result["error"]["field"]) == ("buyer_mismatch", "buyer_id")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Complaint.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(OrderHistory.id)).where(
            OrderHistory.action.like("complaint_%"))) == 0
    not_received_yet = api.events(broadcast_id, [{"id": "c-10", **event, "order_id": "ELSEWHERE"}]).get_json()
    assert not_received_yet["results"][0]["status"] == "accepted"  # an order LiveDesk has not seen is still linked by id


def test_a_moderator_escalates_a_chat_message_as_a_complaint_once(app, api, shop):
    broadcast_id, _buyer = shop
    api.events(broadcast_id, [{"id": "chat-1", "type": "chat", "ts": NOW.isoformat(), "viewer_id": "v-9",
                               "nickname": "粉丝9", "text": "主播骗人，说好的包邮"}])
    with app.app_context():
        from live.moderation.models import ModeratedMessage

        message_id = db.session.scalar(sa.select(ModeratedMessage.id).where(ModeratedMessage.event_id == "chat-1"))
    moderator = Agent(app, "moderator")
    created = moderator.post(f"/api/v1/chat/{message_id}/escalate", {"category": "price_dispute"})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["channel"], body["buyer_id"], body["text"], body["broadcast_id"]) == (
        "chat", "v-9", "主播骗人，说好的包邮", broadcast_id)
    again = moderator.post(f"/api/v1/chat/{message_id}/escalate")
    assert again.status_code == 200 and again.get_json()["complaint_id"] == body["complaint_id"]
    assert moderator.post("/api/v1/chat/999999/escalate").status_code == 404
    assert Agent(app, "host").post(f"/api/v1/chat/{message_id}/escalate").status_code == 403


def test_the_timeline_keeps_every_step(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    agent.post(f"/api/v1/complaints/{complaint_id}/investigate")
    detail = agent.get(f"/api/v1/complaints/{complaint_id}").get_json()
    assert [e["kind"] for e in detail["events"]] == ["registered", "investigating"]
    assert detail["acknowledged_at"] is not None  # starting the investigation is the first response
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ComplaintEvent.id))) == 2


def test_re_resolving_a_reopened_complaint_keeps_the_actions_already_taken(app, shop, agent):
    complaint_id = register(agent)["complaint_id"]
    base = f"/api/v1/complaints/{complaint_id}"
    first = agent.post(f"{base}/resolve", {"root_cause": "carrier", "resolution": "补发", "feedback": "已补发",
                                           "actions": [{"kind": "process_change", "note": "换更厚纸箱"}]}).get_json()
    assert [(a["kind"], a["note"]) for a in first["actions"]] == [("process_change", "换更厚纸箱")]
    assert first["actions"][0]["taken_at"] is not None
    agent.post(f"{base}/reopen", {"reason": "again"})
    agent.post(f"{base}/analysis", {"actions": ["reship"]})  # a new plan does not undo what was done
    assert [a["kind"] for a in agent.get(base).get_json()["actions"]] == ["process_change", "reship"]
    again = agent.post(f"{base}/resolve", {"root_cause": "carrier", "resolution": "补发2", "feedback": "已补发2",
                                           "actions": ["apology_coupon",
                                                       {"kind": "process_change", "note": "换更厚纸箱"}]}).get_json()
    assert [(a["kind"], a["note"]) for a in again["actions"]] == [("process_change", "换更厚纸箱"),
                                                                   ("apology_coupon", None)]
    assert all(a["taken_at"] for a in again["actions"])
    resolves = [e["data"] for e in again["events"] if e["kind"] == "resolved"]
    assert [[a["kind"] for a in d["actions"]] for d in resolves] == [["process_change"],
                                                                     ["apology_coupon", "process_change"]]
    agent.post(f"{base}/reopen")
    third = agent.post(f"{base}/resolve", {"root_cause": "carrier", "resolution": "3", "feedback": "3"}).get_json()
    assert [a["kind"] for a in third["actions"]] == ["process_change", "apology_coupon"]
    report = agent.get("/api/v1/complaints/report").get_json()
    assert report["totals"]["actions"]["process_change"] == 1 and report["totals"]["actions"]["apology_coupon"] == 1
    assert report["lines"][0]["lessons"] == "换更厚纸箱"


def test_a_refund_via_after_sales_taken_before_a_reopening_is_not_opened_twice(app, api, shop, agent):
    broadcast_id, _buyer = shop
    api.events(broadcast_id, [{"id": "pay-1", "type": "payment", "ts": NOW.isoformat(), "order_id": "O-1",
                               "status": "paid", "amount": "99.00"}])
    complaint_id = register(agent)["complaint_id"]
    base = f"/api/v1/complaints/{complaint_id}"
    refund = {"root_cause": "carrier", "resolution": "退款", "feedback": "已退款", "actions": ["refund_via_aftersales"]}
    ref = agent.post(f"{base}/resolve", refund).get_json()["actions"][0]["ref"]
    agent.post(f"{base}/reopen")
    agent.post(f"{base}/resolve", {"root_cause": "carrier", "resolution": "再处理", "feedback": "好"})
    agent.post(f"{base}/reopen")
    third = agent.post(f"{base}/resolve", refund)
    assert third.status_code == 200, third.get_json()
    assert [(a["kind"], a["ref"]) for a in third.get_json()["actions"]] == [("refund_via_aftersales", ref)]
    with app.app_context():
        from orders.aftersales.models import AftersaleCase

        assert db.session.scalar(sa.select(sa.func.count(AftersaleCase.id))) == 1


def test_refund_via_after_sales_opens_a_refund_case_on_the_paid_order(app, api, shop, agent):
    broadcast_id, _buyer = shop
    unpaid = register(agent)["complaint_id"]
    refused = agent.post(f"/api/v1/complaints/{unpaid}/resolve", {
        "root_cause": "supplier_defect", "resolution": "refund", "feedback": "退款", "actions": ["refund_via_aftersales"]})
    assert refused.status_code in (409, 422) and refused.get_json()["error"]["field"] == "actions"
    assert agent.get(f"/api/v1/complaints/{unpaid}").get_json()["status"] == "new"  # nothing was written
    api.events(broadcast_id, [{"id": "pay-1", "type": "payment", "ts": NOW.isoformat(), "order_id": "O-1",
                               "status": "paid", "amount": "99.00"}])
    resolved = agent.post(f"/api/v1/complaints/{unpaid}/resolve", {
        "root_cause": "supplier_defect", "resolution": "refund", "feedback": "退款", "actions": ["refund_via_aftersales"]})
    assert resolved.status_code == 200, resolved.get_json()
    action = resolved.get_json()["actions"][0]
    assert action["kind"] == "refund_via_aftersales" and action["ref"]
    assert "aftersales_case" in [e["kind"] for e in resolved.get_json()["events"]]
    with app.app_context():
        from orders.aftersales.models import AftersaleCase

        case = db.session.scalars(sa.select(AftersaleCase)).one()
    assert (case.case_id, case.type, case.reason) == (action["ref"], "refund_only", "other")
    page = agent.client.get(f"/complaints/{unpaid}").get_data(as_text=True)
    assert f'href="/aftersales/{action["ref"]}"' in page


def test_a_refund_case_already_under_way_is_the_complaints_not_a_second_one(app, api, shop, agent):
    """Probe 3 of session 15: resolving with a refund opened a second case for money a first case already asked for."""
    broadcast_id, _buyer = shop
    api.events(broadcast_id, [{"id": "pay-2", "type": "payment", "ts": NOW.isoformat(), "order_id": "O-1",
                               "status": "paid", "amount": "99.00"}])
    opened = agent.post("/api/v1/orders/O-1/aftersales", {"type": "refund_only", "reason": "other"})
    assert opened.status_code == 201, opened.get_json()
    complaint_id = register(agent)["complaint_id"]
    resolved = agent.post(f"/api/v1/complaints/{complaint_id}/resolve", {
        "root_cause": "carrier", "resolution": "退款", "feedback": "已退款", "actions": ["refund_via_aftersales"]})
    assert resolved.status_code == 200, resolved.get_json()
    assert [(a["kind"], a["ref"]) for a in resolved.get_json()["actions"]] == [
        ("refund_via_aftersales", opened.get_json()["case_id"])]
    with app.app_context():
        from orders.aftersales.models import AftersaleCase

        assert db.session.scalar(sa.select(sa.func.count(AftersaleCase.id))) == 1
