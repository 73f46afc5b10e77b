"""Input dataclasses of the audit rules: what the service loads before it runs them."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

SOURCES: frozenset[str] = frozenset({"in_stream", "product_link", "post_stream"})
# Orders placed while the broadcast runs get the line-up's live price and must stay inside the line-up.
LIVE_SOURCES: frozenset[str] = frozenset({"in_stream", "product_link"})


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC)")


def parse_qty(raw: Any) -> int | None:
    """Return the quantity as a positive int, or None when the raw JSON value is not one.

    Integral JSON numbers (``2`` or ``2.0``) are accepted; strings, booleans, fractions,
    zero, negatives, NaN and infinities are not.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        value = int(raw)
    else:
        return None
    return value if value > 0 else None


@dataclass(frozen=True)
class Address:
    """A shipping address as typed by the buyer; every part is required."""

    province: str | None = None
    city: str | None = None
    district: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class BuyerDraft:
    """The buyer of an order, as received from the platform."""

    id: str | None
    name: str | None = None
    phone: str | None = None
    address: Address = field(default_factory=Address)
    member_tier: str | None = None
    # The platform keeps the contact (it masked name, phone or street): missing ones are not asked for.
    contact_masked: bool = False


@dataclass(frozen=True)
class LineDraft:
    """One requested line; ``qty`` is the raw JSON value and is validated by the rules."""

    sku: str | None
    qty: Any
    unit_price: Decimal | None = None

    @property
    def quantity(self) -> int | None:
        """Return the validated positive quantity, or None when ``qty`` is not one."""
        return parse_qty(self.qty)


@dataclass(frozen=True)
class OrderDraft:
    """An order as received, before any audit rule has looked at it."""

    order_id: str
    broadcast_id: int | str
    source: str
    buyer: BuyerDraft
    items: Sequence[LineDraft]
    placed_at: datetime
    coupon_codes: Sequence[str] = ()
    comment_id: str | None = None
    paid_amount: Decimal | None = None

    def __post_init__(self) -> None:
        _require_aware("placed_at", self.placed_at)


@dataclass(frozen=True)
class CatalogItem:
    """What the catalogue knows of one sellable SKU (a product without variants, or a variant)."""

    sku: str
    product_sku: str
    list_price: Decimal
    has_variants: bool = False
    is_variant: bool = False
    in_lineup: bool = False
    live_price: Decimal | None = None
    # A variant's name as the catalogue shows it ("M / 黑色 (Black)"): with the SKU, its size and colour.
    variant_name: str | None = None


@dataclass(frozen=True)
class CatalogView:
    """The catalogue as seen by one broadcast; a SKU absent from ``items`` is unknown."""

    items: Mapping[str, CatalogItem] = field(default_factory=dict)

    @classmethod
    def of(cls, *items: CatalogItem) -> CatalogView:
        """Return a view holding the given items keyed by SKU."""
        return cls({item.sku: item for item in items})

    def get(self, sku: str | None) -> CatalogItem | None:
        """Return the item of ``sku``, or None when the SKU is unknown."""
        return self.items.get(sku) if sku else None


@dataclass(frozen=True)
class ClaimView:
    """The chat claim an order refers to through ``comment_id``; None fields were not stated."""

    sku: str | None = None
    variant: str | None = None
    qty: int | None = None


@dataclass(frozen=True)
class PastOrder:
    """One earlier order of the same buyer, for duplicate detection; ``paid`` when a payment was recorded for it."""

    order_id: str
    items: Mapping[str, int]
    at: datetime
    paid: bool = False

    def __post_init__(self) -> None:
        _require_aware("at", self.at)


@dataclass(frozen=True)
class BuyerHistory:
    """What the buyer already did in this broadcast.

    ``qty_by_product`` counts units per product SKU, ``coupon_uses`` redemptions per coupon
    code and ``flash_units`` units bought per flash-sale code.
    """

    qty_by_product: Mapping[str, int] = field(default_factory=dict)
    recent_orders: Sequence[PastOrder] = ()
    coupon_uses: Mapping[str, int] = field(default_factory=dict)
    flash_units: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Blocklist:
    """Buyer ids, phones (any accepted format) and addresses (free text) refused service."""

    buyer_ids: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()
