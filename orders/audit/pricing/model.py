"""Promotion definitions and the pricing result of ``price_order``.

Remaining counters (``FlashSale.remaining``, ``Coupon.uses_left``) are snapshots read by the
service; the service decrements them atomically afterwards with ``PricingResult.consumes``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

Stacking = Literal["exclusive", "stackable"]


def _aware(*stamps: datetime | None) -> None:
    if any(s is not None and s.utcoffset() is None for s in stamps):
        raise ValueError("promotion times must be timezone-aware (UTC)")


def _stacking(value: str) -> None:
    # A typo here would silently leave the promotion out of every combination.
    if value not in ("exclusive", "stackable"):
        raise ValueError(f"stacking must be 'exclusive' or 'stackable', not {value!r}")


def _positive(**amounts: Decimal | None) -> None:
    for name, amount in amounts.items():
        if amount is not None and not amount > 0:
            raise ValueError(f"{name} must be positive")


@dataclass(frozen=True, kw_only=True)
class FlashSale:
    """A flash price for some SKUs (variant or product SKUs) during a window of the broadcast."""

    code: str
    skus: frozenset[str]
    price: Decimal
    starts_at: datetime
    ends_at: datetime
    remaining: int
    per_buyer: int | None = None
    stacking: Stacking = "stackable"
    priority: int = 100

    def __post_init__(self) -> None:
        _aware(self.starts_at, self.ends_at)
        _stacking(self.stacking)
        if self.price < 0:
            raise ValueError("price must not be negative")


@dataclass(frozen=True, kw_only=True)
class MemberPrice:
    """Prices per SKU for buyers of one member tier."""

    code: str
    tier: str
    prices: Mapping[str, Decimal]
    stacking: Stacking = "stackable"
    priority: int = 100

    def __post_init__(self) -> None:
        _stacking(self.stacking)
        if any(price < 0 for price in self.prices.values()):
            raise ValueError("member prices must not be negative")


@dataclass(frozen=True, kw_only=True)
class Coupon:
    """A coupon code: ``fixed`` takes ``value`` yuan off, ``percent`` takes ``value`` % off."""

    code: str
    kind: Literal["fixed", "percent"]
    value: Decimal
    max_discount: Decimal | None = None
    min_spend: Decimal = Decimal("0")
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    uses_left: int | None = None
    per_buyer: int | None = None
    stacking: Stacking = "stackable"
    priority: int = 100

    def __post_init__(self) -> None:
        _aware(self.valid_from, self.valid_until)
        _stacking(self.stacking)
        _positive(value=self.value, max_discount=self.max_discount)
        if self.kind == "percent" and self.value > 100:
            raise ValueError("a percent coupon takes at most 100 % off")


@dataclass(frozen=True, kw_only=True)
class ThresholdDiscount:
    """满减: ``off`` yuan off for every full ``every`` yuan spent, at most ``cap`` in total."""

    code: str
    every: Decimal
    off: Decimal
    cap: Decimal | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    stacking: Stacking = "stackable"
    priority: int = 100

    def __post_init__(self) -> None:
        _aware(self.starts_at, self.ends_at)
        _stacking(self.stacking)
        _positive(every=self.every, off=self.off, cap=self.cap)


Promotion = FlashSale | MemberPrice | Coupon | ThresholdDiscount
LinePromotion = FlashSale | MemberPrice
OrderPromotion = Coupon | ThresholdDiscount

KINDS: Mapping[type, str] = {FlashSale: "flash", MemberPrice: "member", Coupon: "coupon", ThresholdDiscount: "threshold"}


@dataclass(frozen=True)
class PromotionOutcome:
    """Why a promotion was applied or refused; ``amount`` is what it saved (0 when refused)."""

    code: str
    kind: str
    applied: bool
    amount: Decimal
    reason: str
    message: Mapping[str, str]


@dataclass(frozen=True)
class CounterUse:
    """A usage counter the order would consume if accepted (decremented by the service)."""

    code: str
    counter: Literal["flash_units", "coupon_uses"]
    amount: int


@dataclass(frozen=True)
class PricedLine:
    """One priced order line; ``total = subtotal - order_discount``."""

    index: int
    sku: str
    qty: int
    list_price: Decimal
    base_price: Decimal
    unit_price: Decimal
    promotion: str | None
    subtotal: Decimal
    order_discount: Decimal
    total: Decimal


@dataclass(frozen=True)
class PricingResult:
    """The price of an order under the best allowed promotion combination.

    ``skipped`` lists the indices of lines that could not be priced (unknown SKU or invalid
    quantity); totals cover the priced lines only.
    """

    lines: tuple[PricedLine, ...]
    skipped: tuple[int, ...]
    subtotal: Decimal
    order_discount: Decimal
    total: Decimal
    outcomes: tuple[PromotionOutcome, ...]
    consumes: tuple[CounterUse, ...]

    @property
    def complete(self) -> bool:
        """Return True when every line of the order was priced."""
        return not self.skipped
