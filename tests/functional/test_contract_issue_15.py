"""The customer-care contract as the issue names it (issue 15), called as an outside tool would: a scoped token.

Complaints (register, list, acknowledge, resolve, close, reopen), the survey that follows a delivery and its
summary, and the customer record with its totals.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.support import databases
from tests.support.auth import csrf_token, login
from tests.support.fulfilment import SF_NUMBER, place_paid_order, scoped_api

LINK = re.compile(r"/s/([A-Za-z0-9_.\-]+)")
CATEGORIES = ("product_quality", "logistics", "service_attitude", "price_dispute", "aftersales_delay",
              "misleading_description", "other")


@pytest.fixture
def app(any_app):
    """Every test of this file runs on SQLite, then on PostgreSQL (CI=true): the contract holds on both."""
    return any_app


@pytest.fixture
def api(any_api):
    """The API client of any_app, with the legacy scopes (ingest, display)."""
    return any_api


@pytest.fixture
def shop(app, api):
    """Return (events API, after-sales token client, broadcast id) selling TEE, 10 units at 99.00."""
    api.product("TEE", stock=10, price="99.00")
    return api, scoped_api(app, "aftersales"), api.live_broadcast(skus=("TEE",))


def complain(tool, **body):
    """POST a complaint; return the response."""
    return tool.post("/api/v1/complaints", json=body)


def error_of(response) -> dict:
    """Return the error object of a response, checking it has the documented shape."""
    error = response.get_json()["error"]
    assert set(error) >= {"code", "message", "field"}, error
    return error


def test_a_complaint_answers_201_new_with_both_sla_due_times(shop):
    api, tool, broadcast_id = shop
    order = place_paid_order(api, broadcast_id, "O-1", [("TEE", 1)])
    response = complain(tool, buyer_id=order["buyer"]["id"], order_id="O-1", category="logistics",
                        text="三天了还没发货", channel="back_office", severity="high")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["complaint_id"] and body["status"] == "new"
    first, resolution = (datetime.fromisoformat(body[key]) for key in ("first_response_due_at", "resolution_due_at"))
    assert datetime.now(timezone.utc) < first < resolution


def test_a_complaint_needs_no_order_and_every_category_the_issue_lists_is_taken(shop):
    _api, tool, _broadcast_id = shop
    for index, category in enumerate(CATEGORIES):
        response = complain(tool, buyer_id=f"B-{index}", category=category, text="不满意", channel="back_office")
        assert response.status_code == 201, (category, response.get_json())
        assert response.get_json()["severity"] in ("urgent", "high", "normal", "low")


@pytest.mark.parametrize("body, field", [
    ({"buyer_id": "B-1", "category": "nonsense", "text": "x", "channel": "back_office"}, "category"),
    ({"buyer_id": "B-1", "category": "other", "channel": "back_office"}, "text"),
    ({"buyer_id": "B-1", "category": "other", "text": "x", "channel": "back_office", "severity": "huge"}, "severity"),
])
def test_a_bad_complaint_is_400_naming_its_field(shop, body, field):
    _api, tool, _broadcast_id = shop
    response = complain(tool, **body)
    assert response.status_code == 400 and error_of(response)["field"] == field


def test_a_complaint_runs_new_acknowledged_resolved_closed_and_reopens(shop):
    api, tool, broadcast_id = shop
    order = place_paid_order(api, broadcast_id, "O-2", [("TEE", 1)])
    complaint_id = complain(tool, buyer_id=order["buyer"]["id"], order_id="O-2", category="product_quality",
                            text="衣服有破洞", channel="back_office").get_json()["complaint_id"]
    acknowledged = tool.post(f"/api/v1/complaints/{complaint_id}/acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.get_json()["status"] == "acknowledged"
    incomplete = tool.post(f"/api/v1/complaints/{complaint_id}/resolve", json={"root_cause": "quality_control"})
    assert incomplete.status_code == 400 and error_of(incomplete)["field"] in ("resolution", "feedback")
    resolved = tool.post(f"/api/v1/complaints/{complaint_id}/resolve", json={
        "root_cause": "quality_control", "resolution": "补发一件", "feedback": "已为您补发，抱歉"})
    assert resolved.status_code == 200, resolved.get_json()
    assert resolved.get_json()["status"] == "resolved"
    order_after = api.get("/api/v1/orders/O-2").get_json()
    assert any(n["kind"] == "complaint_feedback" for n in order_after["notices"])
    closed = tool.post(f"/api/v1/complaints/{complaint_id}/close")
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    reopened = tool.post(f"/api/v1/complaints/{complaint_id}/reopen", json={"reason": "又坏了"})
    assert reopened.status_code == 200 and reopened.get_json()["status"] not in ("resolved", "closed")
    closing_open = tool.post(f"/api/v1/complaints/{complaint_id}/close")
    assert closing_open.status_code == 409


def test_complaints_list_filters_by_status_and_category(shop):
    _api, tool, _broadcast_id = shop
    first = complain(tool, buyer_id="B-1", category="logistics", text="慢", channel="back_office").get_json()
    complain(tool, buyer_id="B-2", category="other", text="别的", channel="back_office")
    tool.post(f"/api/v1/complaints/{first['complaint_id']}/acknowledge")
    listed = tool.get("/api/v1/complaints?status=acknowledged&category=logistics")
    assert listed.status_code == 200
    assert [c["complaint_id"] for c in listed.get_json()["complaints"]] == [first["complaint_id"]]
    assert tool.get("/api/v1/complaints?category=logistics").get_json()["total"] == 1
    assert tool.get("/api/v1/complaints?status=new").get_json()["total"] == 1
    bad = tool.get("/api/v1/complaints?status=lost")
    assert bad.status_code == 400 and error_of(bad)["field"] == "status"


def test_a_platform_complaint_event_registers_once_however_often_it_is_sent(shop):
    api, tool, broadcast_id = shop
    order = place_paid_order(api, broadcast_id, "O-3", [("TEE", 1)])
    event = {"id": "cmp-evt-1", "type": "complaint", "ts": datetime.now(timezone.utc).isoformat(),
             "complaint_id": "DY-C-1", "order_id": "O-3", "buyer_id": order["buyer"]["id"], "category": "logistics",
             "text": "快递太慢"}
    first = api.events(broadcast_id, [event]).get_json()["results"][0]
    assert first["status"] == "accepted", first
    api.events(broadcast_id, [{**event, "id": "cmp-evt-2"}])
    listed = tool.get("/api/v1/complaints").get_json()
    assert listed["total"] == 1 and listed["complaints"][0]["channel"] == "platform"


def _deliver(api, tool, order_id: str) -> None:
    """Ship an order by SF and report it delivered an hour ago through the neutral tracking form."""
    shipment = tool.post(f"/api/v1/orders/{order_id}/shipments",
                         json={"carrier": "SF", "tracking_no": SF_NUMBER}).get_json()["shipment_id"]
    at = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    tool.post(f"/api/v1/shipments/{shipment}/tracking", json={"checkpoints": [{"at": at, "status": "delivered"}]})
    assert api.get(f"/api/v1/orders/{order_id}").get_json()["status"] == "delivered"


def test_a_delivery_invites_one_csat_survey_whose_answer_counts_in_the_summary(shop, app):
    api, tool, broadcast_id = shop
    databases.create_users(app)
    analyst = login(app, "analyst")
    empty = analyst.get(f"/api/v1/surveys/summary?broadcast_id={broadcast_id}")
    assert empty.status_code == 200 and empty.get_json() == {"responses": 0, "csat": None, "nps": None}
    place_paid_order(api, broadcast_id, "O-4", [("TEE", 1)])
    _deliver(api, tool, "O-4")
    invitations = [n for n in api.get("/api/v1/orders/O-4").get_json()["notices"] if n["kind"] == "survey_invitation"]
    assert len(invitations) == 1
    token = LINK.search(invitations[0]["message"]["en"]).group(1)
    public = app.test_client()
    assert public.get(f"/s/{token}").status_code == 200
    first = public.post("/api/v1/surveys/answers", json={"token": token, "score": 5})
    assert first.status_code == 201, first.get_json()
    assert public.post("/api/v1/surveys/answers", json={"token": token, "score": 4}).status_code == 409
    summary = analyst.get(f"/api/v1/surveys/summary?broadcast_id={broadcast_id}").get_json()
    assert summary == {"responses": 1, "csat": 100.0, "nps": None}


def test_the_customer_record_names_every_field_the_issue_lists(shop, app):
    api, tool, broadcast_id = shop
    order = place_paid_order(api, broadcast_id, "O-5", [("TEE", 2)])
    buyer_id = order["buyer"]["id"]
    complain(tool, buyer_id=buyer_id, order_id="O-5", category="other", text="问问", channel="back_office")
    case_id = tool.post("/api/v1/orders/O-5/aftersales", json={"type": "refund_only", "reason": "other",
                                                              "amount": "50.00"}).get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{case_id}/approve")
    assert tool.post(f"/api/v1/aftersales/{case_id}/refunds", json={"amount": "50.00"}).status_code == 201
    databases.create_users(app)
    response = login(app, "auditor").get(f"/api/v1/customers/{buyer_id}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {"buyer_id", "orders", "paid_gmv", "refunded", "complaints", "surveys", "tier", "rfm"} <= set(body)
    assert body["buyer_id"] == buyer_id and body["paid_gmv"] == "198.00" and body["refunded"] == "50.00"
    assert [c["category"] for c in body["complaints"]] == ["other"] and isinstance(body["surveys"], list)
    assert {"r", "f", "m", "segment"} <= set(body["rfm"])


def test_an_erased_customer_keeps_their_totals_and_loses_their_contact(shop, app):
    api, _tool, broadcast_id = shop
    order = place_paid_order(api, broadcast_id, "O-6", [("TEE", 1)])
    buyer_id = order["buyer"]["id"]
    databases.create_users(app)
    admin = login(app, "admin")
    headers = {"X-CSRFToken": csrf_token(admin, "/settings")}
    before = admin.get(f"/api/v1/customers/{buyer_id}").get_json()
    exported = admin.get(f"/api/v1/customers/{buyer_id}/export")
    assert exported.status_code == 200 and "13812345678" in exported.get_data(as_text=True)
    erased = admin.post(f"/api/v1/customers/{buyer_id}/erase", json={"confirm": buyer_id}, headers=headers)
    assert erased.status_code == 200, erased.get_json()
    after = admin.get(f"/api/v1/customers/{buyer_id}").get_json()
    assert (after["paid_gmv"], after["refunded"], after["order_count"]) == (
        before["paid_gmv"], before["refunded"], before["order_count"])
    assert after["erased_at"] is not None
    assert "13812345678" not in admin.get(f"/api/v1/customers/{buyer_id}/export").get_data(as_text=True)


def _survey_kinds(api, order_id: str) -> list[str]:
    """Return the survey invitations among an order's notices."""
    return [n["kind"] for n in api.get(f"/api/v1/orders/{order_id}").get_json()["notices"]
            if n["kind"] == "survey_invitation"]


def test_a_resolved_complaint_and_an_ended_case_each_invite_one_survey_and_open_a_follow_up(shop, app):
    api, tool, broadcast_id = shop
    databases.create_users(app)
    order = place_paid_order(api, broadcast_id, "O-7", [("TEE", 1)])
    complaint_id = complain(tool, buyer_id=order["buyer"]["id"], order_id="O-7", category="service_attitude",
                            text="客服态度差", channel="back_office").get_json()["complaint_id"]
    resolution = {"root_cause": "staff_conduct", "resolution": "培训客服", "feedback": "已处理，抱歉"}
    assert tool.post(f"/api/v1/complaints/{complaint_id}/resolve", json=resolution).status_code == 200
    assert len(_survey_kinds(api, "O-7")) == 1
    tool.post(f"/api/v1/complaints/{complaint_id}/reopen")
    tool.post(f"/api/v1/complaints/{complaint_id}/resolve", json=resolution)
    assert len(_survey_kinds(api, "O-7")) == 1
    case_id = tool.post("/api/v1/orders/O-7/aftersales", json={"type": "refund_only", "reason": "other"}
                        ).get_json()["case_id"]
    tool.post(f"/api/v1/aftersales/{case_id}/cancel")
    assert len(_survey_kinds(api, "O-7")) == 2
    agent = login(app, "aftersales")
    tasks = agent.get(f"/api/v1/followups?view=all&buyer_id={order['buyer']['id']}").get_json()
    sources = sorted(t["source"] for t in tasks.get("followups", tasks.get("tasks", [])))
    assert sources == ["case", "complaint", "complaint"]


def test_the_cause_report_counts_complaints_by_category_and_root_cause_as_csv(shop, app):
    api, tool, broadcast_id = shop
    databases.create_users(app)
    order = place_paid_order(api, broadcast_id, "O-8", [("TEE", 1)])
    complaint_id = complain(tool, buyer_id=order["buyer"]["id"], order_id="O-8", category="logistics",
                            text="包装破损", channel="back_office").get_json()["complaint_id"]
    resolved = tool.post(f"/api/v1/complaints/{complaint_id}/resolve", json={
        "root_cause": "carrier", "resolution": "换快递", "feedback": "已补发",
        "actions": [{"kind": "process_change", "note": "易碎品加泡沫"}]})
    assert resolved.status_code == 200, resolved.get_json()
    report = login(app, "admin").get("/complaints/report.csv")
    assert report.status_code == 200 and "text/csv" in report.content_type
    text = report.get_data(as_text=True).lstrip("\ufeff")
    header, row = text.splitlines()[:2]
    assert header.startswith("week,broadcast_id,broadcast,sku,product,category,root_cause,complaints")
    assert ",logistics,carrier,1," in row and "易碎品加泡沫" in row


def test_a_complaint_about_an_order_takes_its_buyer_and_one_without_either_is_refused(shop):
    api, tool, broadcast_id = shop
    order = place_paid_order(api, broadcast_id, "O-9", [("TEE", 1)])
    by_order = complain(tool, order_id="O-9", category="other", text="x", channel="back_office")
    assert by_order.status_code == 201 and by_order.get_json()["buyer_id"] == order["buyer"]["id"]
    unknown = complain(tool, order_id="NOPE", category="other", text="x", channel="back_office")
    assert unknown.status_code == 404 and error_of(unknown)["field"] == "order_id"
    nobody = complain(tool, category="other", text="x", channel="back_office")
    assert nobody.status_code == 400 and error_of(nobody)["field"] == "buyer_id"
    free_cause = tool.post(f"/api/v1/complaints/{by_order.get_json()['complaint_id']}/resolve",
                           json={"root_cause": "who knows", "resolution": "r", "feedback": "f"})
    assert free_cause.status_code == 400 and error_of(free_cause)["field"] == "root_cause"


def test_the_survey_summary_takes_dates_and_refuses_a_bad_one_naming_it(shop, app):
    databases.create_users(app)
    analyst = login(app, "analyst")
    for query in ("from=2026-01-01&to=2026-12-31", "from=2026-01-01T00:00:00Z", "broadcast_id=1"):
        response = analyst.get(f"/api/v1/surveys/summary?{query}")
        assert response.status_code == 200 and response.get_json() == {"responses": 0, "csat": None, "nps": None}, query
    bad = analyst.get("/api/v1/surveys/summary?from=yesterday")
    assert bad.status_code == 400 and error_of(bad)["field"] == "from"
    unknown = login(app, "auditor").get("/api/v1/customers/NOBODY")
    assert unknown.status_code == 404 and error_of(unknown)["field"] == "buyer_id"


def _link_token(api, order_id: str) -> str:
    """Return the token of the one survey link an order's buyer was sent."""
    [invitation] = [n for n in api.get(f"/api/v1/orders/{order_id}").get_json()["notices"]
                    if n["kind"] == "survey_invitation"]
    return LINK.search(invitation["message"]["en"]).group(1)


def test_an_nps_campaign_invites_each_buyer_once_and_the_summary_is_promoters_minus_detractors(shop, app):
    api, _tool, broadcast_id = shop
    databases.create_users(app)
    for order_id in ("O-10", "O-11"):
        place_paid_order(api, broadcast_id, order_id, [("TEE", 1)])
    analyst = login(app, "analyst")
    headers = {"X-CSRFToken": csrf_token(analyst, "/settings")}
    created = analyst.post("/api/v1/surveys/campaigns", json={"name": "December", "broadcast_id": broadcast_id},
                           headers=headers)
    assert created.status_code == 201, created.get_json()
    public = app.test_client()
    assert public.post("/api/v1/surveys/answers", json={"token": _link_token(api, "O-10"), "score": 10}).status_code == 201
    assert public.post("/api/v1/surveys/answers", json={"token": _link_token(api, "O-11"), "score": 3}).status_code == 201
    off_scale = public.post("/api/v1/surveys/answers", json={"token": _link_token(api, "O-11"), "score": 11})
    assert off_scale.status_code in (400, 409)
    summary = analyst.get(f"/api/v1/surveys/summary?broadcast_id={broadcast_id}").get_json()
    assert summary == {"responses": 2, "csat": None, "nps": 0.0}


@pytest.mark.slow
def test_the_care_pages_open_with_real_records(shop, app):
    api, tool, broadcast_id = shop
    order = place_paid_order(api, broadcast_id, "O-12", [("TEE", 1)])
    complaint_id = complain(tool, order_id="O-12", category="other", text="页面测试",
                            channel="back_office").get_json()["complaint_id"]
    databases.create_users(app)
    agent, admin, analyst = (login(app, role) for role in ("aftersales", "admin", "analyst"))
    for client in (agent, admin):
        for path in ("/complaints", f"/complaints/{complaint_id}", "/complaints/report", "/followups",
                     "/customers", f"/customers/{order['buyer']['id']}"):
            assert client.get(path).status_code == 200, path
    assert analyst.get("/surveys").status_code == 200
    assert "页面测试" in agent.get(f"/complaints/{complaint_id}").get_data(as_text=True)


def test_a_move_the_complaint_cannot_make_is_409_in_a_readable_sentence(shop):
    _api, tool, _broadcast_id = shop
    complaint_id = complain(tool, buyer_id="B-1", category="other", text="x", channel="back_office"
                            ).get_json()["complaint_id"]
    tool.post(f"/api/v1/complaints/{complaint_id}/acknowledge")
    again = tool.post(f"/api/v1/complaints/{complaint_id}/acknowledge")
    assert again.status_code == 409
    assert error_of(again) == {"code": "invalid_status", "field": "status",
                               "message": "an acknowledged complaint cannot be acknowledged"}


def test_tier_rules_apply_at_the_next_recalculation_with_a_history_row(shop, app):
    api, _tool, broadcast_id = shop
    order = place_paid_order(api, broadcast_id, "O-13", [("TEE", 2)])
    buyer_id = order["buyer"]["id"]
    databases.create_users(app)
    admin = login(app, "admin")
    headers = {"X-CSRFToken": csrf_token(admin, "/settings")}
    rules = {"window_days": 365, "tiers": [{"code": "silver", "name": "Silver", "min_spend": "100.00"},
                                           {"code": "gold", "name": "Gold", "min_spend": "1000.00"}]}
    saved = admin.put("/api/v1/customer-tiers", json=rules, headers=headers)
    assert saved.status_code == 200, saved.get_json()
    record = admin.get(f"/api/v1/customers/{buyer_id}").get_json()
    assert record["tier"] is None and record["tier_due"] == "silver"
    assert admin.post("/api/v1/customers/recalculate", json={"buyer_id": buyer_id}, headers=headers).status_code == 200
    record = admin.get(f"/api/v1/customers/{buyer_id}").get_json()
    assert record["tier"] == "silver" and len(record["tier_history"]) == 1
    admin.post("/api/v1/customers/recalculate", json={"buyer_id": buyer_id}, headers=headers)
    assert len(admin.get(f"/api/v1/customers/{buyer_id}").get_json()["tier_history"]) == 1
    rising = {"tiers": [{"code": "silver", "name": "S", "min_spend": "100.00"},
                        {"code": "gold", "name": "G", "min_spend": "50.00"}]}
    refused = admin.put("/api/v1/customer-tiers", json=rising, headers=headers)
    assert refused.status_code == 400 and "tiers" in error_of(refused)["field"]
