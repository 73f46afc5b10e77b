"""Live-room interactions as analytics read them: gift totals per unit, likes and the viewer-count series."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from analytics.sql.interactions import viewer_count_series

T0 = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=10)


def _event(n: int, kind: str, at: datetime, **fields) -> dict:
    return {"id": f"ix-{n}", "type": kind, "ts": at.isoformat(), **fields}


def test_gifts_likes_and_viewer_counts_are_summed_from_the_events(any_api):
    api = any_api
    broadcast_id = api.live_broadcast("Interactions")
    events = [
        _event(1, "gift", T0, viewer_id="v1", gift_id="5655", gift_name="Rose", count=5, value=5, unit="diamond"),
        _event(2, "gift", T0, viewer_id="v2", gift_id="463", count=10, value=10, unit="douyin_coin"),
        _event(3, "gift", T0 + timedelta(seconds=5), viewer_id="v1", gift_id="5655", count=1, value=1, unit="diamond"),
        _event(4, "like", T0, viewer_id="v1", count=6, total=100),
        _event(5, "like", T0, count=4),
        _event(6, "viewer_count", T0 + timedelta(seconds=10), count=600),
        _event(7, "viewer_count", T0 + timedelta(seconds=40), count=630),
        _event(8, "viewer_count", T0 + timedelta(minutes=1, seconds=5), count=580),
    ]
    results = api.events(broadcast_id, events).get_json()["results"]
    assert {r["status"] for r in results} == {"accepted"}
    body = api.get(f"/api/v1/broadcasts/{broadcast_id}/interactions").get_json()
    assert body["gifts"] == {"count": 16, "givers": 2, "by_unit": [
        {"unit": "diamond", "count": 6, "value": 6, "events": 2},
        {"unit": "douyin_coin", "count": 10, "value": 10, "events": 1}]}
    assert body["likes"] == {"count": 10, "likers": 1}
    assert (body["viewer_count"]["peak"], body["viewer_count"]["last"]) == (630, 580)
    assert [(m["last"], m["max"]) for m in body["viewer_count"]["by_minute"]] == [(630, 630), (580, 580)]


def test_a_broadcast_without_interactions_has_zeros_and_no_series(api):
    broadcast_id = api.live_broadcast("Quiet")
    body = api.get(f"/api/v1/broadcasts/{broadcast_id}/interactions").get_json()
    assert body["gifts"] == {"count": 0, "givers": 0, "by_unit": []}
    assert body["viewer_count"] == {"peak": None, "last": None, "by_minute": []}
    assert api.get("/api/v1/broadcasts/999/interactions").status_code == 404


def test_bad_interaction_events_are_refused_naming_the_field(api):
    broadcast_id = api.live_broadcast("Refusals")
    results = api.events(broadcast_id, [
        _event(11, "gift", T0, viewer_id="v1", gift_id="1", count=0),
        _event(12, "like", T0, count="many"),
        _event(13, "viewer_count", T0, count=-1),
        _event(14, "gift", T0, viewer_id="v/1", gift_id="1", count=1),
    ]).get_json()["results"]
    assert [(r["status"], r["error"]["field"]) for r in results] == [
        ("rejected", "count"), ("rejected", "count"), ("rejected", "count"), ("rejected", "viewer_id")]


def test_the_series_keeps_each_minutes_last_and_highest_report():
    reports = [(T0, 5), (T0 + timedelta(seconds=30), 9), (T0 + timedelta(seconds=59), 7)]
    assert viewer_count_series(reports)["by_minute"] == [{"minute": T0.isoformat(), "last": 7, "max": 9}]
