"""The pure building blocks: intervals, concurrency, rounding, finalize."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.metrics.definitions import BaseCounts, FunnelCounts, finalize, money, money_ratio, ratio, seconds
from analytics.metrics.online import (minute_buckets, online_at, online_intervals, peak_concurrency,
    pinned_intervals, single_pin_intervals, resolve_period)
from live.broadcasts import pinned_now
from tests.unit.analytics.events import END, START, at, join, leave, pin, unpin


def test_join_while_online_and_leave_while_offline_change_nothing() -> None:
    events = [join(at(1), "v"), join(at(2), "v"), leave(at(5), "v"), leave(at(6), "v")]
    assert online_intervals(events, START, END) == [(at(1), at(5))]


def test_leave_and_rejoin_at_one_instant_keep_the_viewer_online() -> None:
    events = [join(at(1), "v"), join(at(3), "v"), leave(at(3), "v"), leave(at(4), "v")]
    # Leave applies first at 3:00, then the join reopens: one merged interval.
    assert online_intervals(events, START, END) == [(at(1), at(4))]


def test_join_and_leave_at_one_instant_leave_an_offline_viewer_online() -> None:
    events = [leave(at(2), "v"), join(at(2), "v")]
    assert online_intervals(events, START, END) == [(at(2), END)]


def test_times_are_clipped_to_the_broadcast() -> None:
    early = [join(at(-5), "v"), leave(at(-1), "v")]
    spanning = [join(at(-5), "v"), leave(at(15), "v")]
    late = [join(at(12), "v")]
    assert online_intervals(early, START, END) == []
    assert online_intervals(spanning, START, END) == [(START, END)]
    assert online_intervals(late, START, END) == []


def test_pin_without_unpin_lasts_to_the_end() -> None:
    assert pinned_intervals([pin(at(4), "A"), unpin(at(2), "A")], START, END) == [(at(4), END)]


def test_touching_intervals_are_never_concurrent() -> None:
    assert peak_concurrency([(at(0), at(5)), (at(5), at(9))]) == 1
    assert peak_concurrency([(at(0), at(5)), (at(4), at(9)), (at(6), at(7))]) == 2


def test_peak_accepts_count_changes_and_ignores_empty_intervals() -> None:
    assert peak_concurrency([(at(1), 2), (at(2), -1), (at(2), 1), (at(3), -2)]) == 2
    assert peak_concurrency([(at(1), at(1))]) == 0
    assert peak_concurrency([]) == 0


def test_online_at_counts_intervals_open_just_before_the_instant() -> None:
    starts, ends = [at(0), at(2)], [at(2), at(5)]
    assert [online_at(starts, ends, at(m)) for m in (0, 1, 2, 3, 5, 6)] == [0, 1, 1, 1, 1, 0]


def test_minute_buckets_run_from_the_floored_start_to_the_floored_end() -> None:
    assert minute_buckets(at(0, 30), at(2)) == [at(0), at(1), at(2)]
    assert minute_buckets(at(0, 30), at(0, 30)) == [at(0)]


def test_a_live_broadcast_ends_now_and_needs_now() -> None:
    assert resolve_period(START, None, at(3)) == (START, at(3))
    assert resolve_period(START, None, at(-1)) == (START, START)
    with pytest.raises(ValueError):
        resolve_period(START, None)


def test_rates_round_half_up_to_four_places_and_null_on_zero() -> None:
    assert ratio(1, 3) == 0.3333
    assert ratio(2, 3) == 0.6667
    assert ratio(1, 20_000) == 0.0001  # 0.00005 exactly: half up, not to even
    assert ratio(0, 5) == 0.0
    assert ratio(1, 0) is None


def test_money_is_two_decimals_half_up() -> None:
    assert money(Decimal("2.345")) == "2.35"
    assert money(Decimal("2.344999")) == "2.34"
    assert money(7) == "7.00"
    assert money_ratio(Decimal(10), 3) == "3.33"
    assert money_ratio(Decimal(10), 0) is None


def test_seconds_round_half_up_to_one_decimal() -> None:
    assert seconds(Decimal("10.25")) == 10.3
    assert seconds(Decimal("10.24999")) == 10.2


def test_finalize_turns_raw_counts_into_ratios() -> None:
    counts = BaseCounts(
        views=8, unique_viewers=4, total_online_seconds=Decimal("1000.5"),
        peak_concurrent_viewers=3, product_clickers=3, orders=3, paid_orders=2, buyers=2,
        gmv=Decimal("99.99"), buyer_clickers=1, attribution_window=timedelta(days=1),
        funnel=FunnelCounts(viewers=4, clickers=3, buyers=2, paying_buyers=2),
    )
    result = finalize(counts)
    assert result["avg_watch_seconds"] == 250.1  # 250.125
    assert result["click_rate"] == 0.75
    assert result["gpm"] == "12498.75"  # 99.99 × 1000 ÷ 8
    assert result["gpm_per_viewer"] == "24997.50"  # ÷ 4
    assert result["uv_value"] == "25.00"  # 24.9975
    assert result["aov"] == "50.00"  # 49.995
    assert result["aov_per_paid_order"] == "50.00"  # 99.99 ÷ 2 paid orders
    assert result["funnel"]["step_rates"] == {"clickers": 0.75, "buyers": 0.6667, "paying_buyers": 1.0}
    assert result["conversion_rate"] == 0.5
    assert result["click_to_buy_rate"] == 0.3333
    assert result["attribution_window_days"] == 1.0
    assert result["timeline"] == [] and result["by_product"] == {}


def test_finalize_gives_null_for_every_zero_denominator() -> None:
    counts = BaseCounts(0, 0, Decimal(0), 0, 0, 0, 0, 0, Decimal(0), 0)
    result = finalize(counts)
    nullable = ["avg_watch_seconds", "click_rate", "gpm", "gpm_per_viewer", "uv_value", "aov",
                "conversion_rate", "click_to_buy_rate"]
    assert {key: result[key] for key in nullable} == dict.fromkeys(nullable)
    assert result["gmv"] == "0.00"
    assert list(result["by_source"]) == ["in_stream", "product_link", "post_stream"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.booleans(), st.sampled_from(["e1", "e2", "e3"]),
                          st.sampled_from(["A", "B", "C"])), max_size=12))
def test_the_host_and_the_metrics_apply_one_pin_rule(toggles) -> None:
    # Issue 10 item 12: live (the host's pinned product) and analytics (pinned intervals) must agree.
    timed = [(at(m), pin_, event_id, product) for m, pin_, event_id, product in toggles]
    last = END + timedelta(minutes=5)
    intervals = single_pin_intervals(timed, START, last)
    open_at_end = [product for product, spans in intervals.items() if spans and spans[-1][1] == last]
    now = pinned_now(timed)
    assert open_at_end == ([now[0]] if now else [])
    spans = sorted(span for product_spans in intervals.values() for span in product_spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # never two products pinned at once
