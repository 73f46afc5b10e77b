"""What the rollups take from the catalogue and the stored orders: each SKU's product, and priced line amounts.

Clicks land on a product's SKU, orders on its variants' SKUs: both are counted under the product (docs/metrics.md
"Products and clicks"), with the product read from the catalogue when the events are recorded (a rebuild reads
it again). A line sent without ``unit_price`` was priced by the order intake (at the live price): its amount is
the stored order line's ``line_total``.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.reads import read_tables
from analytics.rollups.facts import Fact
from orders.models import Order, OrderLine, Product, ProductVariant

CHUNK = 400


def _chunks(items: list) -> Iterable[list]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


# Read by every batch of events naming SKUs: built once, on the tables (a Core read costs about half an ORM one).
_VARIANTS, _PRODUCTS = ProductVariant.__table__, Product.__table__
_VARIANT_PRODUCTS = (sa.select(_VARIANTS.c.sku, _PRODUCTS.c.sku)
                     .join(_PRODUCTS, _PRODUCTS.c.id == _VARIANTS.c.product_id)
                     .where(_VARIANTS.c.sku.in_(sa.bindparam("skus", expanding=True))))


def product_skus(session: Session, skus: Iterable[str]) -> dict[str, str]:
    """Return {variant SKU: its product's SKU} for the variant SKUs among skus (products and unknowns are left out)."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(skus))):
        found.update(read_tables(session, _VARIANT_PRODUCTS, {"skus": chunk}).all())
    return found


def priced_amounts(session: Session, broadcast_id: int, order_ids: Iterable[str]) -> dict[tuple[str, str], Decimal]:
    """Return {(order_id, sku): summed line_total} of the stored orders' lines."""
    amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for chunk in _chunks(sorted(set(order_ids))):
        rows = session.execute(sa.select(Order.order_id, OrderLine.sku, OrderLine.line_total).join(
            OrderLine, OrderLine.order_pk == Order.id).where(Order.broadcast_id == broadcast_id,
                                                             Order.order_id.in_(chunk)))
        for order_id, sku, total in rows:
            amounts[(order_id, sku)] += total
    return amounts


def resolve(session: Session, broadcast_id: int, facts: list[Fact]) -> None:
    """Set each fact's and order line's product, and the amount of lines sent without a price, in place."""
    skus = {fact.sku for fact in facts if fact.sku is not None}
    skus |= {line.sku for fact in facts for line in fact.lines}
    if not skus:
        return
    products = product_skus(session, skus)
    unpriced = [fact.order_id for fact in facts if any(not line.priced for line in fact.lines)]
    amounts = priced_amounts(session, broadcast_id, unpriced) if unpriced else {}
    for fact in facts:
        if fact.sku is not None:
            fact.product = products.get(fact.sku, fact.sku)
        for line in fact.lines:
            line.product = products.get(line.sku, line.sku)
            if not line.priced:
                line.amount = amounts.get((fact.order_id, line.sku), Decimal(0))


def variants_of(session: Session, products: Iterable[str]) -> dict[str, list[str]]:
    """Return {product SKU: its variants' SKUs} for the products among products that have variants."""
    found: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(sorted(set(products))):
        rows = session.execute(sa.select(Product.sku, ProductVariant.sku).join(
            ProductVariant, ProductVariant.product_id == Product.id).where(Product.sku.in_(chunk)))
        for product, variant in rows:
            found[product].append(variant)
    return dict(found)
