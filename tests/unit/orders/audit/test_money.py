"""Money: cents with ROUND_HALF_UP and proportional allocation of order discounts."""
from __future__ import annotations

import pytest

from orders.audit.money import allocate, q, yuan
from tests.unit.orders.audit.builders import D


@pytest.mark.parametrize(("raw", "cents"), [("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("-0.005", "-0.01")])
def test_amounts_round_half_up_to_the_cent(raw: str, cents: str) -> None:
    assert q(D(raw)) == D(cents)


@pytest.mark.parametrize(("amount", "text"), [("200", "¥200"), ("199.9", "¥199.90"), ("0.05", "¥0.05")])
def test_yuan_shows_whole_amounts_without_cents(amount: str, text: str) -> None:
    assert yuan(D(amount)) == text


def test_allocation_is_proportional() -> None:
    assert allocate(D("30"), [D("100"), D("200")]) == [D("10.00"), D("20.00")]


def test_remainder_cent_goes_to_the_largest_line() -> None:
    assert allocate(D("10"), [D("10"), D("10"), D("20")]) == [D("2.50"), D("2.50"), D("5.00")]
    assert allocate(D("0.10"), [D("1"), D("1"), D("1.01")]) == [D("0.03"), D("0.03"), D("0.04")]


def test_rounding_surplus_is_taken_back_from_the_largest_line() -> None:
    # Each share rounds up from 0.015; the extra cent comes off the first of the largest lines.
    assert allocate(D("0.03"), [D("1"), D("1")]) == [D("0.01"), D("0.02")]


def test_largest_line_never_gets_more_than_its_amount() -> None:
    # Half-up shares of 0.994 are 0.99 each; the 2 cents left cannot all go to one 1.00 line.
    shares = allocate(D("4.97"), [D("1")] * 5)
    assert sum(shares) == D("4.97")
    assert all(D("0") <= s <= D("1") for s in shares)


def test_zero_discount_allocates_zero_everywhere() -> None:
    assert allocate(D("0"), [D("5"), D("0")]) == [D("0.00"), D("0.00")]


@pytest.mark.parametrize(("total", "weights"), [("-1", ["5"]), ("6", ["5"]), ("1", ["2", "-1"])])
def test_impossible_allocations_raise(total: str, weights: list[str]) -> None:
    with pytest.raises(ValueError):
        allocate(D(total), [D(w) for w in weights])
