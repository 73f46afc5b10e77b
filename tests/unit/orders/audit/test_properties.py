"""Properties of pricing and allocation that must hold for any catalogue, order and promotions."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from orders.audit import (
    BuyerHistory,
    CatalogItem,
    CatalogView,
    Coupon,
    FlashSale,
    MemberPrice,
    OrderDraft,
    PricingResult,
    Promotion,
    ThresholdDiscount,
    price_order,
)
from orders.audit.money import allocate
from tests.unit.orders.audit.builders import HOUR, NOW, buyer, line, order

SKUS = ["S0", "S1", "S2", "S3"]
CENT = Decimal("0.01")


def cents(low: int = 0, high: int = 99_999) -> st.SearchStrategy[Decimal]:
    """Return a strategy of amounts in cents between ``low`` and ``high`` cents."""
    return st.integers(low, high).map(lambda c: Decimal(c).scaleb(-2))


stacking = st.sampled_from(["exclusive", "stackable"])
priority = st.integers(1, 3)
catalogs = st.lists(st.tuples(cents(), st.none() | cents(), st.booleans()), min_size=4, max_size=4).map(
    lambda rows: CatalogView.of(*(
        CatalogItem(sku, sku, listed, in_lineup=True, live_price=live if use_live else None)
        for sku, (listed, live, use_live) in zip(SKUS, rows)
    ))
)
flashes = st.builds(
    FlashSale, code=st.just("F"), skus=st.frozensets(st.sampled_from(SKUS), min_size=1), price=cents(),
    starts_at=st.just(NOW - HOUR), ends_at=st.just(NOW + HOUR), remaining=st.integers(0, 50),
    per_buyer=st.none() | st.integers(1, 50), stacking=stacking, priority=priority,
)
members = st.builds(
    MemberPrice, code=st.just("M"), tier=st.just("gold"),
    prices=st.dictionaries(st.sampled_from(SKUS), cents(), min_size=1), stacking=stacking, priority=priority,
)
fixed = st.builds(
    Coupon, code=st.just("C1"), kind=st.just("fixed"), value=cents(1), min_spend=cents(0, 50_000),
    max_discount=st.none() | cents(1), stacking=stacking, priority=priority,
)
percent = st.builds(
    Coupon, code=st.just("C2"), kind=st.just("percent"), value=st.integers(1, 10_000).map(lambda c: Decimal(c) / 100),
    min_spend=cents(0, 50_000), max_discount=st.none() | cents(1), stacking=stacking, priority=priority,
)
thresholds = st.builds(
    ThresholdDiscount, code=st.just("T"), every=cents(1, 50_000), off=cents(1, 50_000), cap=st.none() | cents(1),
    stacking=stacking, priority=priority,
)
promotion_sets = st.tuples(*(st.none() | s for s in (flashes, members, fixed, percent, thresholds))).map(
    lambda found: [p for p in found if p is not None]
)
orders = st.builds(
    lambda items, tier: order(*items, buyer=buyer(member_tier=tier), coupon_codes=["C1", "C2"]),
    st.lists(st.builds(line, st.sampled_from(SKUS), st.integers(1, 20)), min_size=1, max_size=5),
    st.sampled_from(["gold", None]),
)


def priced(draft: OrderDraft, catalog: CatalogView, promos: list[Promotion]) -> PricingResult:
    """Return ``draft`` priced with an empty buyer history."""
    return price_order(draft, catalog, promos, BuyerHistory(), NOW)


def in_cents(amount: Decimal) -> bool:
    """Return True when ``amount`` is exactly quantised to the cent."""
    return amount == amount.quantize(CENT) and amount.as_tuple().exponent == -2


@settings(deadline=None)
@given(orders, catalogs, promotion_sets)
def test_discounts_never_exceed_the_price(draft: OrderDraft, catalog: CatalogView, promos: list[Any]) -> None:
    result = priced(draft, catalog, promos)
    assert Decimal(0) <= result.order_discount <= result.subtotal
    for ln in result.lines:
        assert ln.unit_price <= ln.base_price
        assert Decimal(0) <= ln.order_discount <= ln.subtotal
        assert ln.total >= 0


@settings(deadline=None)
@given(orders, catalogs, promotion_sets)
def test_totals_reconcile_to_the_cent(draft: OrderDraft, catalog: CatalogView, promos: list[Any]) -> None:
    result = priced(draft, catalog, promos)
    assert sum(ln.order_discount for ln in result.lines) == result.order_discount
    assert sum(ln.subtotal for ln in result.lines) == result.subtotal
    assert sum(ln.total for ln in result.lines) == result.total == result.subtotal - result.order_discount
    amounts = [result.subtotal, result.order_discount, result.total]
    amounts += [a for ln in result.lines for a in (ln.unit_price, ln.subtotal, ln.order_discount, ln.total)]
    assert all(in_cents(a) for a in amounts)


@settings(deadline=None)
@given(orders, catalogs, promotion_sets)
def test_promotions_never_raise_the_price(draft: OrderDraft, catalog: CatalogView, promos: list[Any]) -> None:
    assert priced(draft, catalog, promos).total <= priced(draft, catalog, []).total


@settings(deadline=None)
@given(orders, catalogs, promotion_sets, st.randoms(use_true_random=False))
def test_pricing_is_deterministic_and_ignores_the_listing_order(
    draft: OrderDraft, catalog: CatalogView, promos: list[Any], rnd: Any
) -> None:
    first = priced(draft, catalog, promos)
    assert priced(draft, catalog, promos) == first
    shuffled = list(promos)
    rnd.shuffle(shuffled)
    again = priced(draft, catalog, shuffled)
    assert (again.lines, again.total, again.consumes) == (first.lines, first.total, first.consumes)


weights = st.lists(cents(0, 1_000_000), min_size=1, max_size=8)


@given(weights, st.data())
def test_allocations_sum_to_the_discount_and_stay_within_each_line(sizes: list[Decimal], data: Any) -> None:
    whole = sum(sizes, Decimal("0.00"))
    total = data.draw(st.integers(0, int(whole * 100)).map(lambda c: Decimal(c).scaleb(-2)))
    shares = allocate(total, sizes)
    assert sum(shares, Decimal("0.00")) == total
    assert all(Decimal(0) <= s <= w for s, w in zip(shares, sizes))
    assert all(in_cents(s) for s in shares)
    # Rounding moves each share by at most a cent per line from its exact proportion.
    if whole:
        assert all(abs(s - total * w / whole) <= CENT * len(sizes) for s, w in zip(shares, sizes))
    assert allocate(total, sizes) == shares
