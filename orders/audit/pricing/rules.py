"""What each promotion type asks of an order, and what it gives on its own terms."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from orders.audit.model import BuyerHistory
from orders.audit.money import ZERO, q, yuan
from orders.audit.pricing.model import Coupon, FlashSale, MemberPrice, OrderPromotion, Promotion
from orders.audit.pricing.text import Refusal, at_text


@dataclass(frozen=True)
class BaseLine:
    """An order line that can be priced: known SKU, valid quantity, price before promotions."""

    index: int
    sku: str
    product_sku: str
    qty: int
    list_price: Decimal
    base_price: Decimal


def line_price(promo: FlashSale | MemberPrice, line: BaseLine) -> Decimal | None:
    """Return the unit price ``promo`` offers for ``line``, or None when the line does not qualify."""
    if isinstance(promo, FlashSale):
        return q(promo.price) if {line.sku, line.product_sku} & promo.skus else None
    # A variant's own member price wins over its product's.
    for sku in (line.sku, line.product_sku):
        if sku in promo.prices:
            return q(promo.prices[sku])
    return None


def eligibility(
    promo: Promotion, lines: Sequence[BaseLine], tier: str | None, history: BuyerHistory, at: datetime
) -> Refusal | None:
    """Return why ``promo`` cannot apply to this order at all, or None when it may.

    Conditions that depend on the other promotions chosen (min spend, thresholds) are not
    checked here but in ``order_discount``.
    """
    if isinstance(promo, FlashSale):
        return _window(promo.starts_at, promo.ends_at, at) or _flash_limits(promo, lines, history)
    if isinstance(promo, MemberPrice):
        if tier is None:
            return Refusal("not_member")
        if tier != promo.tier:
            return Refusal("other_tier", {"tier": promo.tier})
        return _offers_lower(promo, lines)
    if isinstance(promo, Coupon):
        return _window(promo.valid_from, promo.valid_until, at, ended="expired") or _coupon_limits(promo, history)
    return _window(promo.starts_at, promo.ends_at, at)


def order_discount(promo: OrderPromotion, amount: Decimal) -> tuple[Decimal, Refusal | None]:
    """Return the discount ``promo`` gives on ``amount`` (what is left to pay), or 0 and why not."""
    if isinstance(promo, Coupon):
        if amount < promo.min_spend:
            return ZERO, Refusal("min_spend_not_met", {"min": yuan(promo.min_spend), "amount": yuan(amount)})
        off = promo.value if promo.kind == "fixed" else amount * promo.value / 100
        cap = promo.max_discount
    else:
        steps = int(amount // promo.every)
        if steps == 0:
            params = {"every": yuan(promo.every), "off": yuan(promo.off), "amount": yuan(amount)}
            return ZERO, Refusal("threshold_not_met", params)
        off, cap = promo.off * steps, promo.cap
    if cap is not None:
        off = min(off, cap)
    off = min(q(off), amount)
    if off <= 0:
        return ZERO, Refusal("nothing_left")
    return off, None


def _window(start: datetime | None, end: datetime | None, at: datetime, ended: str = "ended") -> Refusal | None:
    if start is not None and at < start:
        return Refusal("not_started", {"at": at_text(start)})
    if end is not None and at >= end:
        return Refusal(ended, {"at": at_text(end)})
    return None


def _offers_lower(promo: FlashSale | MemberPrice, lines: Sequence[BaseLine]) -> Refusal | None:
    prices = [(line, line_price(promo, line)) for line in lines]
    matched = [(line, price) for line, price in prices if price is not None]
    if not matched:
        return Refusal("no_item")
    if not any(price < line.base_price for line, price in matched):
        return Refusal("not_lower")
    return None


def flash_units(promo: FlashSale, lines: Sequence[BaseLine]) -> int:
    """Return the units of ``lines`` that the flash price would lower."""
    return sum(line.qty for line in lines if (p := line_price(promo, line)) is not None and p < line.base_price)


def _flash_limits(promo: FlashSale, lines: Sequence[BaseLine], history: BuyerHistory) -> Refusal | None:
    refusal = _offers_lower(promo, lines)
    if refusal:
        return refusal
    wanted = flash_units(promo, lines)
    if promo.remaining <= 0:
        return Refusal("sold_out")
    if wanted > promo.remaining:
        return Refusal("not_enough_left", {"left": str(promo.remaining), "wanted": str(wanted)})
    before = history.flash_units.get(promo.code, 0)
    if promo.per_buyer is not None and before + wanted > promo.per_buyer:
        return Refusal("buyer_cap", {"cap": str(promo.per_buyer), "before": str(before), "wanted": str(wanted)})
    return None


def _coupon_limits(promo: Coupon, history: BuyerHistory) -> Refusal | None:
    if promo.uses_left is not None and promo.uses_left <= 0:
        return Refusal("used_up")
    used = history.coupon_uses.get(promo.code, 0)
    if promo.per_buyer is not None and used >= promo.per_buyer:
        return Refusal("buyer_limit", {"limit": str(promo.per_buyer), "used": str(used)})
    return None
