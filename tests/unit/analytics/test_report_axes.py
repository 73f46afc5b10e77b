"""Readable chart axes and empty states (analytics/report/axes.py; static/analytics/charts.js follows the same rules)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from analytics.report.axes import (count_axis, empty_charts, lane_label, lane_order, right_axis, tick_minutes,
                                   time_axis)

T0 = datetime(2024, 5, 1, 20, 7)


@pytest.mark.parametrize("minutes, step", [(0, 1), (5, 1), (6, 1), (7, 2), (30, 5), (45, 10), (90, 15),
                                           (180, 30), (600, 120), (100_000, 1440)])
def test_ticks_fall_on_whole_minutes_and_never_crowd(minutes, step):
    assert tick_minutes(timedelta(minutes=minutes)) == step


def test_a_one_minute_broadcast_spans_five_minutes_ticked_hh_mm_from_midnight():
    axis = time_axis(T0, T0)
    assert axis["range"] == ["2024-05-01 20:07:00", "2024-05-01 20:12:00"]
    assert axis["tickformat"] == "%H:%M" and axis["dtick"] == 60_000 and axis["tick0"] == "2024-05-01 00:00:00"


def test_a_long_broadcast_ticks_every_quarter_hour():
    axis = time_axis(T0, T0 + timedelta(minutes=89))
    assert axis["dtick"] == 15 * 60_000 and axis["range"][1] == "2024-05-01 21:37:00"


def test_small_counts_tick_by_one_and_large_ones_are_left_to_plotly():
    assert count_axis([0, 1, 2])["dtick"] == 1 and count_axis([0, 1, 2])["range"] == [0, 2.2]
    assert count_axis([])["range"] == [0, 1.1]
    assert "dtick" not in count_axis([0, 40])


def test_lanes_follow_the_first_pin_of_each_product_and_long_skus_are_cut():
    pinned = [{"sku": "B"}, {"sku": "A"}, {"sku": "B"}, {"sku": "C"}]
    assert lane_order(pinned) == ["B", "A", "C"]
    assert lane_label("SHORT") == "SHORT"
    assert lane_label("LIPSTICK-SPRING-LIMITED") == "LIPSTICK-SPRI…" and len(lane_label("x" * 40)) == 14


def _report(viewers=0, orders=0, pinned=(), products=None, compared=1, watched=0):
    row = {"joins": viewers, "online": viewers, "chat": 0, "clicks": 0, "orders": orders}
    return {"metrics": {"funnel": {"viewers": viewers, "buyers": 0}, "timeline": [row],
                        "by_product": products or {}, "by_source": {"in_stream": {"orders": orders}}},
            "pinned": list(pinned), "watch_histogram": [{"viewers": watched}],
            "tables": {"comparison": [{}] * compared}}


def test_an_empty_broadcast_draws_no_chart_and_one_alone_has_nothing_to_compare():
    assert empty_charts(_report()) == {"funnel", "timeline", "products", "watch_time", "sources", "comparison"}


def test_a_pin_alone_draws_the_timeline_and_data_draws_every_chart():
    assert "timeline" not in empty_charts(_report(pinned=[{"sku": "A"}]))
    busy = _report(viewers=3, orders=1, products={"A": {}}, compared=2, watched=3)
    assert empty_charts(busy) == set()


def test_a_right_hand_axis_ticks_on_its_own_values_not_the_left_axis_positions():
    # Plotly's default for an overlaying axis is to sync its ticks to the left axis: 142.755 orders, 26.8 %.
    large = right_axis(count_axis([0, 571]))
    assert large["overlaying"] == "y" and large["side"] == "right" and large["tickmode"] == "auto"
    small = right_axis(count_axis([0, 3]))
    assert small["tickmode"] == "linear" and small["dtick"] == 1
    assert right_axis({"tickformat": ".1%"})["tickformat"] == ".1%"
