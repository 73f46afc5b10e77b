"""Resolving a chat claim against a broadcast's line-up (pure): link → product, words → variant, quantity.

A link is a line-up link number ("3" from 3号) or a code the host uses for a product: its SKU, a variant's SKU
(which fixes the variant too), or else an on-air code of letters and the link number ("A12" is link 12). A claim
without a link is for the pinned product ("+1" while the host shows it). Size and colour words pick the one variant
having them all; a product with one variant needs none, and a product without variants takes none (a word then
names a variant it does not have). The quantity defaults to 1 and may not exceed the broadcast's limit. What cannot
be resolved gets a reason (orders.models.CLAIM_REASONS) and stays visible to the host and the auditor.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from decimal import Decimal

_SEPARATORS = re.compile(r"[\s\-_./]+")
# A host's on-air code: letters then the link number ("A12" is link 12), when no SKU answers to it.
_LINK_CODE = re.compile(r"[A-Z]{1,2}(\d{1,3})")
_SIZE_ALIASES = {"XXL": "2XL", "XXXL": "3XL", "XXXXL": "4XL"}


def code_key(text: str) -> str:
    """Return a product code as chat and catalogue both may write it: "a-12" and "A12" are one code."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def attribute_key(text: str) -> str:
    """Return a size or colour in one form: 黑色 → 黑, 38码 → 38, xxl → 2XL."""
    value = unicodedata.normalize("NFKC", text).strip().upper()
    value = _SIZE_ALIASES.get(value, value)
    return value[:-1] if len(value) > 1 and value[-1] in "色码號号" else value


@dataclass(frozen=True)
class VariantChoice:
    """A variant of a line-up product: its SKU, its size and colour words (attribute_key form) and its price."""

    sku: str
    attributes: frozenset[str]
    price: Decimal | None = None


@dataclass(frozen=True)
class LineupProduct:
    """A product on the rail: link number, SKU, catalogue price, live price said on air (or None), its variants."""

    link_no: int
    product_sku: str
    list_price: Decimal
    live_price: Decimal | None = None
    variants: tuple[VariantChoice, ...] = ()


@dataclass(frozen=True)
class Lineup:
    """A broadcast's line-up as claims see it, and the SKU of the pinned product (None when nothing is pinned)."""

    products: tuple[LineupProduct, ...] = ()
    pinned_sku: str | None = None
    _by_code: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for product in self.products:
            self._by_code[("link", product.link_no)] = (product, None)
            self._by_code[("code", code_key(product.product_sku))] = (product, None)
            for variant in product.variants:
                self._by_code.setdefault(("code", code_key(variant.sku)), (product, variant))

    def find(self, link: str | None) -> tuple[LineupProduct, VariantChoice | None] | None:
        """Return (product, variant fixed by the link or None) for a link, or None when nothing answers to it."""
        if link is None:
            return self._by_code.get(("code", code_key(self.pinned_sku))) if self.pinned_sku else None
        if link.isdigit():
            return self._by_code.get(("link", int(link)))
        found = self._by_code.get(("code", code_key(link)))
        on_air = _LINK_CODE.fullmatch(code_key(link)) if found is None else None
        return self._by_code.get(("link", int(on_air.group(1)))) if on_air else found

    def unit_price(self, product_sku: str, variant_sku: str | None) -> Decimal:
        """Return the price a unit sells at, as the audit prices it: the live price, else the variant's or product's."""
        found = self._by_code.get(("code", code_key(variant_sku or product_sku)))
        if found is None:
            return Decimal("0")
        product, variant = found
        if product.live_price is not None:
            return product.live_price
        return variant.price if variant is not None and variant.price is not None else product.list_price


@dataclass(frozen=True)
class ClaimRequest:
    """What a chat message claims: the link it names (None: the pinned product), variant words and quantity.

    numbers: the message's bare numbers that named no link, one of which may be a numeric size ("39" in
    "SOLD A4 39 1"); qty_from_number: the quantity was read from the first of them.
    """

    link: str | None
    words: tuple[str, ...] = ()
    qty: int | None = None
    numbers: tuple[str, ...] = ()
    qty_from_number: bool = False


@dataclass(frozen=True)
class Resolution:
    """A resolved claim (product, variant, quantity), or the reason it could not be resolved."""

    product_sku: str | None
    variant_sku: str | None
    qty: int
    reason: str | None = None

    @property
    def sku(self) -> str | None:
        """Return the SKU that holds stock: the variant's, or the product's when it has no variants."""
        return self.variant_sku or self.product_sku


def resolve(request: ClaimRequest, lineup: Lineup, max_qty: int) -> Resolution:
    """Return what a claim resolves to in the line-up, or why it does not (reason set, SKUs as far as known)."""
    qty = request.qty or 1
    found = lineup.find(request.link)
    if found is None:
        return Resolution(None, None, qty, "link_missing" if request.link is None and not lineup.pinned_sku
                          else "unknown_link")
    product, variant = found
    if variant is None and product.variants:
        request = _with_numeric_size(request, product.variants)
        qty = request.qty or 1
        variant, reason = _variant(product.variants, request.words)
        if reason:
            return Resolution(product.product_sku, None, qty, reason)
    elif variant is None and request.words:
        # A size or colour names a variant this product does not have ("SOLD M" for the pinned tea).
        return Resolution(product.product_sku, None, qty, "unknown_variant")
    variant_sku = variant.sku if variant is not None else None
    if qty > max_qty:
        return Resolution(product.product_sku, variant_sku, qty, "qty_over_limit")
    return Resolution(product.product_sku, variant_sku, qty)


def _with_numeric_size(request: ClaimRequest, variants: tuple[VariantChoice, ...]) -> ClaimRequest:
    """Return request with its first bare number that is one of the variants' sizes ("39" for a shoe) read as a
    size word; when the quantity had been read from that number, the next bare number is the quantity (else 1)."""
    sizes = frozenset().union(*(variant.attributes for variant in variants))
    for index, number in enumerate(request.numbers):
        if attribute_key(number) in sizes:
            rest = request.numbers[:index] + request.numbers[index + 1:]
            qty = request.qty
            if request.qty_from_number and index == 0:
                qty = int(rest[0]) if rest else None
            return replace(request, words=(*request.words, number), qty=qty, numbers=rest, qty_from_number=False)
    return request


def _variant(variants: tuple[VariantChoice, ...], words: tuple[str, ...]) -> tuple[VariantChoice | None, str | None]:
    """Return (the one variant having every word, None) or (None, reason)."""
    if not words:
        return (variants[0], None) if len(variants) == 1 else (None, "variant_missing")
    keys = {attribute_key(word) for word in words}
    matching = [variant for variant in variants if keys <= variant.attributes]
    if len(matching) == 1:
        return matching[0], None
    return None, "variant_missing" if matching else "unknown_variant"
