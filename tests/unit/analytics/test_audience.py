"""Views, unique viewers, online time and peak concurrency, on both implementations.

Broadcast: START 20:00:00 to END 20:10:00 unless a test says otherwise.
"""

from __future__ import annotations

from datetime import timedelta

from tests.unit.analytics.conftest import Compute
from tests.unit.analytics.events import START, at, join, leave


def test_views_count_joins_and_unique_viewers_count_people(metrics: Compute) -> None:
    # v1 joins three times (4 joins in all), v2 once; leaves never count.
    events = [join(at(1), "v1"), leave(at(2), "v1"), join(at(3), "v1"), leave(at(4), "v1"),
              join(at(5), "v1"), join(at(1), "v2")]
    result = metrics(events)
    assert (result["views"], result["unique_viewers"]) == (4, 2)


def test_a_repeated_delivery_counts_once(metrics: Compute) -> None:
    first = join(at(1), "v1")
    # The copy has the same id: 1 view; online 1:00→10:00 = 540 s, not counted twice.
    result = metrics([first, dict(first), leave(at(9), "v2")])
    assert (result["views"], result["unique_viewers"]) == (1, 1)
    assert result["total_watch_seconds"] == 540.0


def test_leave_then_join_at_one_instant_never_overlaps(metrics: Compute) -> None:
    # v1 1:00→3:00 (120 s), v2 3:00→5:00 (120 s): the 3:00 leave applies first, peak 1.
    # v3 4:00→end 10:00 (360 s) overlaps v2: peak 2. Total 600 s ÷ 3 viewers = 200 s.
    events = [join(at(1), "v1"), leave(at(3), "v1"), join(at(3), "v2"), leave(at(5), "v2"),
              join(at(4), "v3")]
    result = metrics(events)
    assert result["peak_concurrent_viewers"] == 2
    assert result["total_watch_seconds"] == 600.0
    assert result["avg_watch_seconds"] == 200.0


def test_touching_sessions_peak_at_one(metrics: Compute) -> None:
    events = [join(at(1), "v1"), leave(at(3), "v1"), join(at(3), "v2"), leave(at(5), "v2")]
    assert metrics(events)["peak_concurrent_viewers"] == 1


def test_a_join_while_online_does_not_restart_the_session(metrics: Compute) -> None:
    # Online from the first join 1:00 to the leave 4:00 = 180 s; both joins are views.
    result = metrics([join(at(1), "v1"), join(at(2), "v1"), leave(at(4), "v1")])
    assert (result["views"], result["unique_viewers"]) == (2, 1)
    assert result["avg_watch_seconds"] == 180.0
    assert result["peak_concurrent_viewers"] == 1


def test_a_leave_without_a_join_is_ignored(metrics: Compute) -> None:
    # v1: stray leave 1:00, then 2:00→3:00 = 60 s. v2 only leaves: not a viewer at all.
    events = [leave(at(1), "v1"), join(at(2), "v1"), leave(at(3), "v1"), leave(at(1), "v2")]
    result = metrics(events)
    assert (result["views"], result["unique_viewers"]) == (1, 1)
    assert result["avg_watch_seconds"] == 60.0


def test_times_outside_the_broadcast_are_clipped(metrics: Compute) -> None:
    # v1 -5:00→1:00 counts 0:00→1:00 = 60 s; v2 9:00→15:00 counts 9:00→10:00 = 60 s;
    # v3 joins after the end and v4 leaves before the start: views, but 0 s each.
    events = [join(at(-5), "v1"), leave(at(1), "v1"), join(at(9), "v2"), leave(at(15), "v2"),
              join(at(12), "v3"), join(at(-3), "v4"), leave(at(-1), "v4")]
    result = metrics(events)
    assert (result["views"], result["unique_viewers"]) == (4, 4)
    assert result["total_watch_seconds"] == 120.0
    assert result["avg_watch_seconds"] == 30.0
    assert result["peak_concurrent_viewers"] == 1


def test_viewers_still_online_leave_at_the_end(metrics: Compute) -> None:
    # Ended broadcast: 2:00→10:00 = 480 s. Live one seen at 5:00: 2:00→5:00 = 180 s.
    events = [join(at(2), "v1")]
    assert metrics(events)["avg_watch_seconds"] == 480.0
    assert metrics(events, ended_at=None, now=at(5))["avg_watch_seconds"] == 180.0


def test_average_watch_time_rounds_half_up_to_a_tenth(metrics: Compute) -> None:
    events = [join(at(0), "v1"), leave(START + timedelta(seconds=10.25), "v1")]
    assert metrics(events)["avg_watch_seconds"] == 10.3


def test_no_viewers_gives_null_ratios(metrics: Compute) -> None:
    result = metrics([])
    assert (result["views"], result["unique_viewers"], result["peak_concurrent_viewers"]) == (
        0, 0, 0,
    )
    assert result["avg_watch_seconds"] is None
    assert result["click_rate"] is None
    assert result["conversion_rate"] is None
    assert result["gpm"] is None and result["gpm_per_viewer"] is None
    assert result["uv_value"] is None and result["aov"] is None
    assert result["click_to_buy_rate"] is None
