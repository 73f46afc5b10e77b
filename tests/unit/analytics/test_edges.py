"""Online edges and their readings agree with the interval geometry of analytics.metrics.online (pure)."""
from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.metrics.edges import extend_profile, integral, level_before, minute_profile, peak, toggle_edges
from analytics.metrics.online import online_at, peak_concurrency, toggle_intervals, total_seconds
from analytics.rollups.facts import MINUTE_US, from_us, to_us

T0 = to_us(datetime(2024, 5, 1, 20, 0, tzinfo=timezone.utc))
toggles = st.lists(st.tuples(st.integers(-5, 20).map(lambda k: T0 + k * 7_000_000), st.booleans()), max_size=12)


def test_a_join_while_online_and_a_leave_while_offline_change_nothing():
    edges, online = toggle_edges([(T0, False), (T0 + 1, True), (T0 + 2, True), (T0 + 3, False), (T0 + 4, False)])
    assert edges == {T0 + 1: 1, T0 + 3: -1} and online is False


def test_a_leave_and_a_join_at_one_instant_cancel_out():
    edges, online = toggle_edges([(T0, True), (T0 + 5, True), (T0 + 5, False), (T0 + 9, False)])
    assert edges == {T0: 1, T0 + 9: -1} and online is False


def test_a_viewer_still_online_keeps_an_open_edge():
    assert toggle_edges([(T0, True)]) == ({T0: 1}, True)


@settings(max_examples=200)
@given(st.lists(toggles, max_size=4), st.integers(0, 6), st.integers(0, 140))
def test_readings_of_edges_equal_the_clipped_intervals(viewers, start_step, length_s):
    start_us = T0 + start_step * 7_000_000
    end_us = start_us + length_s * 1_000_000
    start, end = from_us(start_us), from_us(end_us)
    intervals = []
    points: dict[int, int] = {}
    for items in viewers:
        intervals += toggle_intervals(((from_us(ts), on) for ts, on in items), start, end)
        for ts, delta in toggle_edges(items)[0].items():
            points[ts] = points.get(ts, 0) + delta
    ordered = sorted(points.items())
    assert integral(0, ordered, start_us, end_us) == total_seconds(intervals) * 1_000_000
    assert peak(0, ordered, start_us, end_us) == peak_concurrency(intervals)
    if end_us > start_us:
        starts, ends = sorted(s for s, _ in intervals), sorted(e for _, e in intervals)
        assert level_before(0, ordered, end_us) == online_at(starts, ends, end)


def test_a_profile_extended_in_order_equals_one_built_at_once():
    points = [(T0 + 1, 1), (T0 + 5, 1), (T0 + 9, -1), (T0 + 30, 1)]
    whole = minute_profile(T0, points)
    assert extend_profile(minute_profile(T0, points[:2]), T0, points[2:]) == whole
    assert (whole.net, whole.max, whole.last_us) == (2, 2, T0 + 30)
    assert whole.weighted == sum(d * (T0 + MINUTE_US - ts) for ts, d in points)
