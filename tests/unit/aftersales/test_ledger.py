"""The refund ledger's rules: never more than paid minus refunded minus pending, per line, freight apart."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from orders.aftersales.ledger import LineValue, check_refund, covered_value, refundable, spread

D = Decimal
LINES = [LineValue("TEE", 2, D("99.00")), LineValue("CAP", 1, D("49.50"))]


def codes(errors) -> list[str]:
    return [e.code for e in errors]


def test_what_may_be_refunded_is_paid_minus_refunded_minus_pending():
    assert refundable(D("247.50"), D("99.00"), D("50.00")) == D("98.50")
    assert refundable(D("10"), D("10"), D("5")) == D("0.00")


def test_a_refund_past_what_is_left_names_amount():
    errors = check_refund(D("100.00"), D("0"), [], None, D("99.99"), True)
    assert codes(errors) == ["amount_exceeds_refundable"] and errors[0].field == "amount"


def test_a_refund_is_bound_by_the_value_of_the_lines_it_covers():
    assert check_refund(D("99.00"), D("0"), LINES, {"TEE": 1}, D("1000"), True) == []
    assert codes(check_refund(D("99.01"), D("0"), LINES, {"TEE": 1}, D("1000"), True)) == ["amount_exceeds_lines"]
    taken = [LineValue("TEE", 2, D("99.00"), refunded=D("150.00"))]
    assert covered_value(taken, None) == D("48.00")


def test_freight_is_refunded_only_when_the_seller_pays_it():
    assert codes(check_refund(D("10"), D("12"), [], None, D("100"), False)) == ["freight_not_ours"]
    assert check_refund(D("10"), D("12"), [], None, D("100"), True) == []
    assert codes(check_refund(D("90"), D("12"), [], None, D("100"), True)) == ["amount_exceeds_refundable"]


def test_a_refund_of_nothing_or_an_unknown_line_is_refused():
    assert codes(check_refund(D("0"), D("0"), [], None, D("100"), True)) == ["invalid_amount"]
    assert "unknown_line" in codes(check_refund(D("1"), D("0"), LINES, {"HAT": 1}, D("100"), True))


def test_more_units_than_a_line_holds_are_refused_naming_the_entry_not_cut_down():
    errors = check_refund(D("10"), D("0"), LINES, {"CAP": 1, "TEE": 3}, D("1000"), True)
    assert codes(errors) == ["too_many_units"] and errors[0].field == "lines[1].qty"
    assert errors[0].message == "TEE: the case holds 2 units of this SKU; a refund cannot cover 3"
    assert check_refund(D("10"), D("0"), LINES, {"CAP": 2}, D("1000"), True)[0].message.startswith(
        "CAP: the case holds 1 unit of")
    unknown = check_refund(D("1"), D("0"), LINES, {"TEE": 1, "HAT": 1}, D("100"), True)
    assert codes(unknown) == ["unknown_line"] and unknown[0].field == "lines[1].sku"


def test_the_amount_is_laid_over_the_lines_in_order_up_to_each_value():
    assert spread(D("150.00"), LINES, None) == [{"sku": "TEE", "qty": 2, "amount": "150.00"},
                                                 {"sku": "CAP", "qty": 1, "amount": "0.00"}]
    assert spread(D("240.00"), LINES, None)[1] == {"sku": "CAP", "qty": 1, "amount": "42.00"}


@given(paid=st.decimals(min_value=0, max_value=10_000, places=2),
       refunds=st.lists(st.decimals(min_value=0, max_value=5_000, places=2), max_size=8))
def test_accepting_only_what_the_check_allows_never_refunds_more_than_paid(paid, refunds):
    refunded = D("0")
    for amount in refunds:
        if not check_refund(amount, D("0"), [], None, refundable(paid, refunded, D("0")), True):
            refunded += amount
    assert refunded <= paid
