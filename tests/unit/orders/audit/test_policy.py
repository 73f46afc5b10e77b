"""AuditPolicy: defaults, JSON round trip, and validation that names the bad field."""
from __future__ import annotations

import json
from typing import Any

import pytest

from orders.audit import AuditPolicy, PolicyError
from tests.unit.orders.audit.builders import D


def test_defaults_round_trip_through_json() -> None:
    policy = AuditPolicy()
    assert AuditPolicy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy


def test_to_dict_gives_money_as_a_string() -> None:
    assert AuditPolicy(price_tolerance=D("0.1")).to_dict()["price_tolerance"] == "0.10"


def test_missing_keys_take_defaults() -> None:
    assert AuditPolicy.from_dict({"abnormal_qty_per_sku": 20}) == AuditPolicy(abnormal_qty_per_sku=20)


def test_null_per_buyer_limit_means_no_limit() -> None:
    assert AuditPolicy.from_dict({"max_qty_per_buyer_per_product": None}).max_qty_per_buyer_per_product is None


@pytest.mark.parametrize("tolerance", ["0.05", 0.05, 0])
def test_tolerance_accepts_strings_and_numbers(tolerance: Any) -> None:
    assert AuditPolicy.from_dict({"price_tolerance": tolerance}).price_tolerance == D(str(tolerance)).quantize(D("0.01"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"abnormal_qty_per_sku": "50"}, "abnormal_qty_per_sku"),
        ({"abnormal_qty_per_sku": 0}, "abnormal_qty_per_sku"),
        ({"abnormal_qty_per_sku": True}, "abnormal_qty_per_sku"),
        ({"max_qty_per_buyer_per_product": 2.5}, "max_qty_per_buyer_per_product"),
        ({"duplicate_window_seconds": -1}, "duplicate_window_seconds"),
        ({"price_tolerance": "abc"}, "price_tolerance"),
        ({"price_tolerance": "-0.01"}, "price_tolerance"),
        ({"price_tolerance": "NaN"}, "price_tolerance"),
        ({"price_tolerance": "Infinity"}, "price_tolerance"),
        ({"price_tolerance": [1]}, "price_tolerance"),
    ],
)
def test_invalid_values_name_their_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(PolicyError) as caught:
        AuditPolicy.from_dict(data)
    assert caught.value.field == field


def test_policy_must_be_an_object() -> None:
    with pytest.raises(PolicyError):
        AuditPolicy.from_dict(["not", "an", "object"])
