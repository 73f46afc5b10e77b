"""The event envelope's bounds (pure): times near the broadcast, strings a database can hold, ids a route can reach."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from live.events import EventError, at_window, event_window, parse_event, recorded_window

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
WINDOW = event_window(NOW - timedelta(hours=2), None, NOW)


def _chat(**fields) -> dict:
    return {"id": "e-1", "type": "chat", "ts": NOW.isoformat(), "viewer_id": "v1", "text": "hi", **fields}


def _order(**fields) -> dict:
    return {"id": "e-2", "type": "order", "ts": NOW.isoformat(), "order_id": "O-1", "source": "in_stream",
            "buyer": {"id": "b-1", "name": "张三", "address": {"detail": "文三路 1 号"}},
            "items": [{"sku": "A1", "qty": 1}], "coupon_codes": ["SAVE"], "comment_id": "c-1", **fields}


def _error(raw: dict, window=WINDOW) -> EventError:
    parsed = parse_event(raw, window)
    assert isinstance(parsed, EventError), parsed
    return parsed


def test_a_live_broadcast_takes_events_from_a_week_before_its_start_to_a_day_ahead_of_now():
    started = NOW - timedelta(hours=2)
    assert event_window(started, None, NOW) == (started - 7 * DAY, NOW + DAY)


def test_an_ended_broadcast_takes_events_until_a_week_after_its_end():
    started, ended = NOW - 20 * DAY, NOW - 19 * DAY
    assert event_window(started, ended, NOW) == (started - 7 * DAY, ended + 7 * DAY)
    assert event_window(NOW - 2 * DAY, NOW - DAY, NOW)[1] == NOW + DAY  # never more than a day ahead


def test_a_broadcast_not_started_yet_takes_events_from_the_last_week():
    assert event_window(None, None, NOW) == (NOW - 7 * DAY, NOW + DAY)


def test_a_broadcast_starts_or_ends_between_a_week_ago_and_a_day_ahead():
    assert at_window(NOW) == (NOW - 7 * DAY, NOW + DAY)


def test_a_replayed_recording_may_be_old_but_not_from_before_2000_nor_the_future():
    earliest, latest = recorded_window(NOW)
    assert earliest == datetime(2000, 1, 1, tzinfo=timezone.utc) and latest == NOW + DAY
    assert not isinstance(parse_event(_chat(ts="2024-05-01T20:00:00Z"), recorded_window(NOW)), EventError)


@pytest.mark.parametrize("ts", ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", 0,
                                "2025-03-01T12:00:00+08:00", (NOW + 2 * DAY).isoformat()])
def test_times_outside_the_window_are_rejected_naming_ts(ts):
    error = _error(_chat(ts=ts))
    assert (error.code, error.field) == ("out_of_range", "ts")


@pytest.mark.parametrize("ts", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", 10**30, float("inf")])
def test_times_with_no_utc_form_are_rejected_naming_ts_whatever_the_window(ts):
    for window in (WINDOW, None):
        error = _error(_chat(ts=ts), window)
        assert (error.code, error.field) == ("invalid_ts", "ts")


@pytest.mark.parametrize("raw, field", [
    (_chat(id="e\udfff"), "id"), (_chat(viewer_id="v\udfff"), "viewer_id"), (_chat(nickname="v\udfff"), "nickname"),
    (_chat(text="v\udfff"), "text"), (_order(order_id="O\udfff"), "order_id"),
    (_order(buyer={"name": "v\udfff"}), "buyer.name"), (_order(buyer={"address": {"city": "\udfff"}}), "buyer.address.city"),
    (_order(items=[{"sku": "A\udfff", "qty": 1}]), "items[0].sku"), (_order(coupon_codes=["ok", "v\udfff"]), "coupon_codes[1]"),
    (_order(comment_id="c\udfff"), "comment_id"),
])
def test_a_lone_surrogate_in_any_string_rejects_the_event_naming_the_field(raw, field):
    error = _error(raw)
    assert (error.code, error.field) == ("invalid_character", field)


@pytest.mark.parametrize("raw, field", [
    (_order(order_id="DY/1"), "order_id"), (_order(order_id=".."), "order_id"), (_order(order_id="."), "order_id"),
    (_order(items=[{"sku": "A/1", "qty": 1}]), "items[0].sku"), (_order(buyer={"id": "b/1"}), "buyer.id"),
    (_order(comment_id="c/1"), "comment_id"), (_chat(viewer_id="u/1"), "viewer_id"),
    ({"id": "p", "type": "product_pin", "ts": NOW.isoformat(), "sku": ".."}, "sku"),
])
def test_ids_no_route_could_reach_are_rejected_naming_the_field(raw, field):
    error = _error(raw)
    assert (error.code, error.field) == ("invalid_character", field)


def test_ids_with_dots_or_other_punctuation_inside_are_kept():
    parsed = parse_event(_order(order_id="DY..778899", items=[{"sku": "A1.v2", "qty": 1}]), WINDOW)
    assert parsed.data["order_id"] == "DY..778899" and parsed.data["items"][0]["sku"] == "A1.v2"
