"""CSAT and NPS as pure functions: zero answers, ties, rounding, segments with top words, the weekly trend."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from orders.care.surveys.scores import Answer, csat, nps, percent, score, segment, week_start, weekly

T0 = datetime(2026, 5, 4, 10, tzinfo=timezone.utc)  # a Monday


def answer(kind: str, value: int, at: datetime = T0, comment: str | None = None, **segments) -> Answer:
    return Answer(kind, value, at, comment, {key: tuple(v) if isinstance(v, (list, tuple)) else (v,)
                                              for key, v in segments.items()})


def test_no_answers_give_no_score_rather_than_zero():
    assert csat([]) is None and nps([]) is None
    assert score([]).summary() == {"responses": 0, "csat": None, "nps": None}


def test_csat_is_the_share_of_four_and_five():
    assert csat([5, 4, 3, 2, 1]) == 40.0
    assert csat([4]) == 100.0 and csat([3]) == 0.0


def test_a_tie_between_promoters_and_detractors_is_zero_and_never_negative_zero():
    value = nps([10, 0])
    assert value == 0.0 and str(value) == "0.0"
    assert nps([9, 10, 6, 0, 7, 8]) == 0.0


def test_passives_count_in_the_denominator_only():
    assert nps([9, 7, 8, 8]) == 25.0
    assert nps([0, 0, 0]) == -100.0 and nps([10]) == 100.0


def test_percentages_round_half_away_from_zero_to_one_decimal():
    assert percent(1, 3) == 33.3 and percent(2, 3) == 66.7
    assert percent(1, 8) == 12.5 and percent(1, 16) == 6.3  # 6.25 → 6.3
    assert percent(-1, 16) == -6.3
    assert csat([5, 5, 1]) == 66.7


def test_each_kind_is_scored_from_its_own_answers():
    found = score([answer("csat", 5), answer("csat", 2), answer("nps", 10)])
    assert (found.responses, found.csat_responses, found.nps_responses) == (3, 2, 1)
    assert (found.csat, found.nps) == (50.0, 100.0)


def test_an_order_with_two_products_counts_in_both_and_answers_without_an_agent_are_left_out():
    answers = [answer("csat", 5, product=["TEA", "CUP"], comment="包装很好 物流很快"),
               answer("csat", 1, product=["TEA"], agent="alice", comment="物流太慢"),
               answer("csat", 4, product=["TEA"], agent="alice")]
    by_product = {row.value: row for row in segment(answers, "product")}
    assert by_product["TEA"].scores.responses == 3 and by_product["CUP"].scores.responses == 1
    assert by_product["TEA"].scores.csat == 66.7
    assert [word for word, _n in by_product["TEA"].top_words][:1] == ["物流"]
    agents = segment(answers, "agent")
    assert [(row.value, row.scores.responses) for row in agents] == [("alice", 2)]


def test_segments_are_ordered_by_answers_then_name():
    answers = [answer("nps", 9, reason="b"), answer("nps", 9, reason="a"), answer("nps", 1, reason="c"),
               answer("nps", 2, reason="c")]
    assert [row.value for row in segment(answers, "reason")] == ["c", "a", "b"]


def test_weeks_start_on_monday_in_the_chosen_zone():
    sunday_night_utc = datetime(2026, 5, 10, 20, tzinfo=timezone.utc)  # Monday 04:00 in Shanghai
    assert week_start(sunday_night_utc).isoformat() == "2026-05-04"
    assert week_start(sunday_night_utc, ZoneInfo("Asia/Shanghai")).isoformat() == "2026-05-11"


def test_the_weekly_trend_keeps_empty_weeks_so_a_gap_shows():
    rows = weekly([answer("csat", 5, T0), answer("csat", 1, T0 + timedelta(weeks=2))])
    assert [(row.week.isoformat(), row.scores.responses, row.scores.csat) for row in rows] == [
        ("2026-05-04", 1, 100.0), ("2026-05-11", 0, None), ("2026-05-18", 1, 0.0)]
    assert weekly([]) == []


@pytest.mark.parametrize("values, expected", [([1, 2, 3, 4, 5] * 3, 40.0), ([4, 5], 100.0), ([1, 2], 0.0)])
def test_csat_matches_a_plain_count(values, expected):
    assert csat(values) == expected == round(100 * sum(v >= 4 for v in values) / len(values), 1)
