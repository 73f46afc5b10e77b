"""Member tier rules (orders/customers/tiers.py): the highest tier met by spend or orders, and policy validation."""
from __future__ import annotations

from decimal import Decimal

import pytest

from orders.customers.tiers import DEFAULT_POLICY, PolicyInvalid, TierBasis, policy_from_dict, tier_for


def basis(spend: str, orders: int) -> TierBasis:
    """Return a tier basis."""
    return TierBasis(Decimal(spend), orders)


@pytest.mark.parametrize(("spend", "orders", "tier"), [
    ("0.00", 0, None), ("499.99", 2, None), ("500.00", 0, "silver"), ("0.00", 3, "silver"),
    ("1999.99", 9, "silver"), ("2000.00", 1, "gold"), ("10.00", 10, "gold"), ("8000.00", 0, "diamond"),
    ("100.00", 30, "diamond"),
])
def test_the_highest_tier_reached_by_spend_or_orders_applies(spend, orders, tier):
    assert tier_for(basis(spend, orders), DEFAULT_POLICY) == tier


def test_a_policy_round_trips_through_its_json():
    body = {"window_days": 180, "tiers": [{"code": "vip", "name": "会员", "min_orders": 2},
                                          {"code": "svip", "name": "超级会员", "min_spend": "1000", "min_orders": 5}]}
    policy = policy_from_dict(body)
    assert policy.window_days == 180 and policy.codes() == ["vip", "svip"]
    assert policy.as_dict()["tiers"][1] == {"code": "svip", "name": "超级会员", "min_spend": "1000.00", "min_orders": 5}
    assert tier_for(basis("50.00", 2), policy) == "vip"


def test_no_tiers_means_nobody_has_a_tier():
    assert tier_for(basis("99999.00", 999), policy_from_dict({"tiers": []})) is None


@pytest.mark.parametrize(("body", "field"), [
    ({"tiers": [{"code": "Gold", "min_orders": 1}]}, "tiers[0].code"),
    ({"tiers": [{"code": "gold"}]}, "tiers[0]"),
    ({"tiers": [{"code": "gold", "min_spend": "-1"}]}, "tiers[0].min_spend"),
    ({"tiers": [{"code": "gold", "min_spend": "1.001"}]}, "tiers[0].min_spend"),
    ({"tiers": [{"code": "gold", "min_orders": 0}]}, "tiers[0].min_orders"),
    ({"tiers": [{"code": "gold", "min_orders": True}]}, "tiers[0].min_orders"),
    ({"tiers": [{"code": "gold", "name": "x" * 41, "min_orders": 1}]}, "tiers[0].name"),
    ({"tiers": [{"code": "a", "min_orders": 5}, {"code": "b", "min_orders": 5}]}, "tiers[1].min_orders"),
    ({"tiers": [{"code": "a", "min_orders": 1}, {"code": "a", "min_orders": 2}]}, "tiers[1].code"),
    ({"tiers": [{"code": "a", "min_orders": 1, "colour": "red"}]}, "tiers[0].colour"),
    ({"tiers": "gold"}, "tiers"),
    ({"tiers": [], "window_days": 0}, "window_days"),
    ({"tiers": [], "extra": 1}, "extra"),
    ([], "body"),
])
def test_a_bad_policy_names_the_field(body, field):
    with pytest.raises(PolicyInvalid) as caught:
        policy_from_dict(body)
    assert field in [error.field for error in caught.value.errors]
