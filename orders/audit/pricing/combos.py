"""Combinations of promotions: which ones the stacking rules allow, and which is best for the buyer."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from orders.audit.money import ZERO
from orders.audit.pricing.model import CounterUse, Coupon, FlashSale, MemberPrice, Promotion
from orders.audit.pricing.rules import BaseLine, line_price, order_discount
from orders.audit.pricing.text import Refusal

# 2**12 combinations of a dozen simultaneous stackable promotions is still instant; more is a
# configuration mistake worth surfacing rather than silently pruning.
MAX_STACKABLE = 12


@dataclass(frozen=True)
class Evaluation:
    """The price of the order under one combination of promotions."""

    promos: tuple[Promotion, ...]
    unit_prices: tuple[Decimal, ...]
    setters: tuple[str | None, ...]
    subtotal: Decimal
    order_discount: Decimal
    total: Decimal
    savings: Mapping[str, Decimal]
    refusals: Mapping[str, Refusal]
    consumes: tuple[CounterUse, ...]

    def score(self) -> tuple[Decimal, int, int, int, tuple[str, ...]]:
        """Return the sort key of the buyer's preference: lowest total, then fewest counters used."""
        return (self.total, len(self.consumes), len(self.savings), len(self.promos), tuple(sorted(self.savings)))


def _in_order(promos: Sequence[Promotion]) -> list[Promotion]:
    return sorted(promos, key=lambda p: (p.priority, p.code))


def allowed_combinations(eligible: Sequence[Promotion]) -> list[tuple[Promotion, ...]]:
    """Return every combination the stacking rules allow: none, each exclusive alone, any stackable subset."""
    exclusive = [p for p in eligible if p.stacking == "exclusive"]
    stackable = [p for p in eligible if p.stacking == "stackable"]
    if len(stackable) > MAX_STACKABLE:
        raise ValueError(f"{len(stackable)} stackable promotions apply; at most {MAX_STACKABLE} are supported")
    combos: list[tuple[Promotion, ...]] = [()]
    combos.extend((p,) for p in exclusive)
    for size in range(1, len(stackable) + 1):
        combos.extend(combinations(stackable, size))
    return combos


def evaluate(combo: Sequence[Promotion], lines: Sequence[BaseLine]) -> Evaluation:
    """Return the price of ``lines`` under ``combo``.

    Line-level promotions (flash, member) first: each line takes the lowest unit price offered,
    ties to the promotion first in (priority, code). Then order-level promotions (coupons, 满减)
    in (priority, code) order, each on the amount left after the ones before it.
    """
    line_promos = [p for p in _in_order(combo) if isinstance(p, (FlashSale, MemberPrice))]
    units, setters = _lowest_prices(line_promos, lines)
    savings: dict[str, Decimal] = {}
    refusals: dict[str, Refusal] = {}
    for promo in line_promos:
        saved = sum(((ln.base_price - u) * ln.qty for ln, u, s in zip(lines, units, setters) if s == promo.code), ZERO)
        if saved > 0:
            savings[promo.code] = saved
        else:
            refusals[promo.code] = _line_refusal(promo, lines, setters)
    subtotal = sum((u * ln.qty for ln, u in zip(lines, units)), ZERO)
    left = subtotal
    for promo in _in_order(combo):
        if isinstance(promo, (FlashSale, MemberPrice)):
            continue
        off, refusal = order_discount(promo, left)
        if refusal:
            refusals[promo.code] = refusal
        else:
            savings[promo.code] = off
            left -= off
    return Evaluation(
        promos=tuple(combo), unit_prices=tuple(units), setters=tuple(setters), subtotal=subtotal,
        order_discount=subtotal - left, total=left, savings=savings, refusals=refusals,
        consumes=_counters(combo, lines, setters, savings),
    )


def _lowest_prices(
    line_promos: Sequence[FlashSale | MemberPrice], lines: Sequence[BaseLine]
) -> tuple[list[Decimal], list[str | None]]:
    units: list[Decimal] = []
    setters: list[str | None] = []
    for line in lines:
        price, setter = line.base_price, None
        for promo in line_promos:
            offer = line_price(promo, line)
            # Strictly lower: on a tie the promotion earlier in (priority, code) keeps the line.
            if offer is not None and offer < price:
                price, setter = offer, promo.code
        units.append(price)
        setters.append(setter)
    return units, setters


def best(evaluations: Sequence[Evaluation]) -> Evaluation:
    """Return the evaluation the buyer prefers; the first one wins a complete tie."""
    return min(evaluations, key=Evaluation.score)


def _line_refusal(promo: FlashSale | MemberPrice, lines: Sequence[BaseLine], setters: Sequence[str | None]) -> Refusal:
    beaten = sorted({
        s for ln, s in zip(lines, setters)
        if s is not None and (offer := line_price(promo, ln)) is not None and offer < ln.base_price
    })
    return Refusal("no_extra_saving", {"other": ", ".join(beaten)}) if beaten else Refusal("not_lower")


def _counters(
    combo: Sequence[Promotion], lines: Sequence[BaseLine], setters: Sequence[str | None], savings: Mapping[str, Decimal]
) -> tuple[CounterUse, ...]:
    used = []
    for promo in sorted(combo, key=lambda p: p.code):
        if promo.code not in savings:
            continue
        if isinstance(promo, FlashSale):
            units = sum(ln.qty for ln, s in zip(lines, setters) if s == promo.code)
            used.append(CounterUse(promo.code, "flash_units", units))
        elif isinstance(promo, Coupon):
            used.append(CounterUse(promo.code, "coupon_uses", 1))
    return tuple(used)
