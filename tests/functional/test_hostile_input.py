"""Hostile and out-of-range input answers 4xx naming the field, or a rejected event; never a 500 (issue 10, 14-16, 22)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.models import EventLog
from orders.models import Order
from tests.support.api import now_iso, order_event
from tests.support.auth import login

HUGE = "99999999999999999999"  # above 2**63


def _iso(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) + delta).isoformat()


def test_one_bad_time_or_string_rejects_only_its_event_and_the_rest_of_the_batch_goes_through(any_api, any_app):
    any_api.product("A1", stock=5)
    broadcast_id = any_api.live_broadcast(skus=("A1",))
    chat = {"type": "chat", "ts": now_iso(), "viewer_id": "v1", "text": "hello"}
    events = [
        order_event("A1", 1, order_id="GOOD-1"),
        {**chat, "id": "year-1", "ts": "0001-01-01T00:00:00Z"},
        {**chat, "id": "underflow", "ts": "0001-01-01T00:00:00+01:00"},
        {**chat, "id": "overflow", "ts": "9999-12-31T23:59:59-01:00"},
        {**chat, "id": "surrogate-text", "text": "v\udfff"},
        {**chat, "id": "surrogate-viewer", "viewer_id": "v\udfff"},
        order_event("A1", 1, order_id="SURROGATE", buyer={"name": "v\udfff"}),
        {**chat, "id": "good-chat"},
    ]
    response = any_api.events(broadcast_id, events)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["accepted"] + ["rejected"] * 6 + ["accepted"]
    assert [r["error"]["field"] for r in results[1:7]] == ["ts", "ts", "ts", "text", "viewer_id", "buyer.name"]
    with any_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EventLog)) == 2


@pytest.mark.parametrize("at", ["2025-03-01T12:00:00+08:00", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                                "9999-12-31T23:59:59Z", 0, "0001-01-01T00:00:00+01:00"])
def test_a_broadcast_starts_only_near_now_and_the_error_names_at(api, at):
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "t", "platform": "douyin"}).get_json()["id"]
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": at})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "at"
    assert api.get(f"/api/v1/broadcasts/{broadcast_id}").get_json()["status"] == "scheduled"


def test_a_broadcast_may_start_up_to_a_week_back_and_end_up_to_a_day_ahead(api):
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "t", "platform": "douyin"}).get_json()["id"]
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": _iso(-timedelta(days=6))}).status_code == 200
    too_late = api.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={"at": _iso(timedelta(days=2))})
    assert too_late.status_code == 400 and too_late.get_json()["error"]["code"] == "out_of_range"
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/end", json={"at": _iso(timedelta(hours=2))}).status_code == 200


def test_at_null_is_refused_as_the_document_says_and_absent_means_now(api):
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "t", "platform": "douyin"}).get_json()["id"]
    refused = api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={"at": None})
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "at"
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={}).status_code == 200


def test_event_times_far_from_the_broadcast_are_rejected_naming_ts(api):
    broadcast_id = api.live_broadcast()
    join = {"type": "viewer_join", "viewer_id": "v1"}
    results = api.events(broadcast_id, [
        {**join, "id": "old", "ts": "2025-03-01T12:00:00+08:00"},
        {**join, "id": "epoch", "ts": 0},
        {**join, "id": "future", "ts": _iso(timedelta(days=2))},
        {**join, "id": "last-week", "ts": _iso(-timedelta(days=6))},
        {**join, "id": "now", "ts": now_iso()},
    ]).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected", "rejected", "accepted", "accepted"]
    assert {r["error"]["code"] for r in results[:3]} == {"out_of_range"}
    assert {r["error"]["field"] for r in results[:3]} == {"ts"}


@pytest.mark.parametrize("field, value", [("order_id", "A/B"), ("order_id", ".."), ("items", [{"sku": "A/1", "qty": 1}]),
                                          ("buyer", {"id": "b/1"}), ("comment_id", ".")])
def test_order_ids_no_route_could_reach_are_refused_naming_the_field(api, field, value):
    api.product("A1")
    broadcast_id = api.live_broadcast(skus=("A1",))
    result = api.events(broadcast_id, [order_event("A1", 1, **{field: value})]).get_json()["results"][0]
    assert result["status"] == "rejected"
    assert result["error"]["field"] == {"items": "items[0].sku", "buyer": "buyer.id"}.get(field, field)


@pytest.mark.parametrize("event", [{"type": "viewer_join", "viewer_id": "u/1"}, {"type": "product_pin", "sku": ".."},
                                   {"type": "payment", "order_id": "a/b", "status": "paid", "amount": "1.00"}])
def test_other_event_ids_with_a_slash_or_dots_are_refused(api, event):
    broadcast_id = api.live_broadcast()
    result = api.events(broadcast_id, [{"id": "e", "ts": now_iso(), **event}]).get_json()["results"][0]
    assert result["status"] == "rejected" and result["error"]["code"] == "invalid_character"


@pytest.mark.parametrize("path", ["/api/v1/broadcasts/1/events", "/api/v1/products", "/api/v1/broadcasts"])
def test_json_nested_a_thousand_deep_answers_400(api, path):
    for body in ("[" * 1000 + "]" * 1000, '{"events": ' + "[" * 100 + "]" * 100 + "}"):
        response = api.client.post(path, data=body, content_type="application/json", headers=api._headers())
        assert response.status_code == 400, (path, response.status_code)
        assert response.get_json()["error"]["field"] == "body"


@pytest.mark.parametrize("method, path", [
    ("get", f"/api/v1/broadcasts/{HUGE}"), ("post", f"/api/v1/broadcasts/{HUGE}/products"),
    ("post", f"/api/v1/broadcasts/{HUGE}/events"), ("post", f"/api/v1/broadcasts/{HUGE}/start"),
    ("get", f"/api/v1/broadcasts/{HUGE}/snapshot"), ("get", f"/api/v1/broadcasts/{HUGE}/metrics"),
    ("put", f"/api/v1/broadcasts/{HUGE}/moderation-policy"), ("get", "/api/v1/broadcasts/9223372036854775808"),
    ("get", "/api/v1/orders/a%00b"), ("get", "/api/v1/products/A%001"), ("put", "/api/v1/products/A%001/stock"),
])
def test_path_ids_too_large_for_a_column_or_holding_nul_answer_404(any_api, method, path):
    response = getattr(any_api, method)(path, json={"sku": "A1", "events": [], "stock": 1})
    assert response.status_code == 404, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("code", ["\x00", "phone_missing\x00", "x" * 49, "Phone-Missing", "a b"])
def test_the_audit_queue_refuses_a_code_that_no_finding_has(any_app, code):
    from tests.support.databases import create_users

    create_users(any_app)
    auditor = login(any_app, "auditor")
    response = auditor.get("/api/v1/audit/queue", query_string={"code": code})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "code"
    assert auditor.get("/api/v1/audit/queue", query_string={"code": "phone_missing"}).status_code == 200


def test_a_recorded_broadcast_weeks_old_still_replays_through_flask_replay(app, api, tmp_path):
    import json

    api.product("A1", stock=10)
    broadcast_id = api.live_broadcast(skus=("A1",))
    recorded = datetime.now(timezone.utc) - timedelta(days=40)
    events = [{"id": "r-join", "type": "viewer_join", "ts": recorded.isoformat(), "viewer_id": "v1"},
              order_event("A1", 1, order_id="R-1", ts=(recorded + timedelta(minutes=3)).isoformat())]
    path = tmp_path / "recorded.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    assert {r["status"] for r in api.events(broadcast_id, events).get_json()["results"]} == {"rejected"}  # the API's window
    result = app.test_cli_runner().invoke(args=["replay", str(path), "--broadcast", str(broadcast_id)])
    assert result.exit_code == 0, result.output
    assert "accepted 2  duplicate 0  rejected 0" in result.output
