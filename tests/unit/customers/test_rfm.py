"""RFM scores and segments (orders/customers/rfm.py): quintiles over the base, fixed cut points for a small base,
ties that never split, and the segment rules."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.customers.rfm import (
    RfmCuts,
    RfmPolicy,
    RfmValues,
    base_cuts,
    higher_score,
    quintile_cuts,
    recency_score,
    score,
    segment_of,
)

SMALL = RfmPolicy(min_base=5)


def values(recency: int | None, frequency: int, monetary: str) -> RfmValues:
    """Return RFM inputs."""
    return RfmValues(recency, frequency, Decimal(monetary))


def test_quintile_cuts_of_five_distinct_values_split_them_one_per_score():
    cuts = quintile_cuts([50, 10, 40, 20, 30])
    assert cuts == (10, 20, 30, 40)
    assert [higher_score(v, cuts) for v in (10, 20, 30, 40, 50)] == [1, 2, 3, 4, 5]


def test_ten_values_fall_two_per_score():
    cuts = quintile_cuts(list(range(1, 11)))
    assert [higher_score(v, cuts) for v in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_tied_values_always_share_one_score():
    # 70 % of a typical base bought once: they all score alike, and repeat buyers above them.
    frequencies = [1] * 7 + [2, 3, 5]
    cuts = quintile_cuts(frequencies)
    scores = [higher_score(v, cuts) for v in frequencies]
    assert len(set(scores[:7])) == 1 and scores[0] == 1
    assert scores[7] < scores[8] <= scores[9] == 5


def test_a_base_where_everyone_is_equal_gives_everyone_the_same_score():
    cuts = quintile_cuts([3] * 12)
    assert {higher_score(3, cuts)} == {1}


def test_recency_scores_more_for_fewer_days_and_one_for_never_paid():
    cuts = (30, 60, 120, 240)
    assert [recency_score(days, cuts) for days in (0, 29, 30, 59, 119, 239, 240, 900)] == [5, 5, 4, 4, 3, 2, 1, 1]
    assert recency_score(None, cuts) == 1


def test_a_small_base_uses_the_fixed_cut_points_of_the_policy():
    base = [values(3, 2, "300.00")] * 4
    assert base_cuts(base, SMALL) == SMALL.fixed


def test_a_large_enough_base_takes_frequency_and_monetary_quintiles_and_keeps_day_thresholds():
    base = [values(5, n, f"{n * 100}.00") for n in range(1, 11)] + [values(None, 0, "0.00")] * 5
    cuts = base_cuts(base, SMALL)
    assert cuts.source == "quintiles"
    assert cuts.frequency == (2, 4, 6, 8) and cuts.monetary == (200.0, 400.0, 600.0, 800.0)
    assert cuts.recency == SMALL.fixed.recency  # customers who never paid are not part of the base


def test_cut_points_survive_storage():
    cuts = RfmCuts((1, 2, 3, 4), (1, 1, 2, 5), (10.5, 20, 30, 40), "quintiles")
    assert RfmCuts.from_dict(cuts.as_dict()) == cuts
    with pytest.raises(ValueError):
        RfmCuts.from_dict({"recency": [1], "frequency": [1, 2, 3, 4], "monetary": [1, 2, 3, 4]})


@pytest.mark.parametrize(("r", "f", "m", "frequency", "segment"), [
    (5, 5, 5, 9, "champions"), (3, 4, 2, 6, "loyal"), (5, 1, 1, 1, "new"), (4, 2, 3, 2, "promising"),
    (2, 3, 3, 4, "at_risk"), (1, 1, 2, 1, "hibernating"), (3, 2, 2, 2, "needs_attention"),
])
def test_segments_follow_the_rules_in_order(r, f, m, frequency, segment):
    assert segment_of(r, f, m, frequency, paid_ever=True) == segment


def test_a_buyer_who_never_paid_is_a_prospect_with_ones():
    rfm = score(values(None, 0, "0.00"), SMALL.fixed)
    assert (rfm.r, rfm.f, rfm.m, rfm.segment, rfm.score) == (1, 1, 1, "prospect", "111")


def test_a_recent_big_frequent_buyer_is_a_champion_and_serialises_for_the_api():
    rfm = score(values(3, 9, "6000.00"), RfmPolicy().fixed)
    assert rfm.as_dict() == {"recency_days": 3, "frequency": 9, "monetary": "6000.00", "r": 5, "f": 5, "m": 5,
                             "score": "555", "segment": "champions"}


def test_a_buyer_who_paid_long_ago_but_not_in_the_window_scores_one_on_f_and_m():
    rfm = score(values(400, 0, "0.00"), RfmPolicy().fixed)
    assert (rfm.r, rfm.f, rfm.m, rfm.segment) == (1, 1, 1, "hibernating")
