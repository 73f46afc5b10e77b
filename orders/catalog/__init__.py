"""Catalogue services: products with variants, their stock, and the broadcasts that sell them at which price.

The package's modules: ``listing`` (search and paging), ``editing`` (changes to products and variants),
``stock`` (restocks and counts with their history), ``csvfile`` (pure reading of a catalogue CSV),
``importer`` (dry run and all-or-nothing import) and ``pages`` (the console's catalogue pages).
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.db import quantize_money
from app.db.reads import read_tables
from live.models import Broadcast, BroadcastProduct
from orders import inventory
from orders.models import Product, ProductVariant


class CatalogError(Exception):
    """A catalogue request that cannot be carried out; carries the HTTP status, code and field."""

    def __init__(self, status: int, code: str, field: str | None, message: str):
        super().__init__(message)
        self.status, self.code, self.field, self.message = status, code, field, message


def sku_taken(session: Session, sku: str) -> bool:
    """Return True when sku already names a product or a variant."""
    return bool(
        session.scalar(sa.select(sa.func.count()).select_from(Product).where(Product.sku == sku))
        or session.scalar(sa.select(sa.func.count()).select_from(ProductVariant).where(ProductVariant.sku == sku))
    )


def known_skus(session: Session, skus: Iterable[str]) -> set[str]:
    """Return those of skus that name a product or a variant (two queries, however many SKUs)."""
    wanted = set(skus)
    if not wanted:
        return set()
    return (set(session.scalars(sa.select(Product.sku).where(Product.sku.in_(wanted))))
            | set(session.scalars(sa.select(ProductVariant.sku).where(ProductVariant.sku.in_(wanted)))))


def variant_name(size: str | None, colour: str | None) -> str | None:
    """Return the name a variant gets from its size and colour ("M / 黑色"), or None when it has neither."""
    parts = [part for part in (size, colour) if part]
    return " / ".join(parts) or None


def create_product(session: Session, sku: str, name: str, price: Decimal, stock: int,
                   variants: list[dict], image_url: str | None = None,
                   note: inventory.StockNote | None = None) -> Product:
    """Return a new product; stock is kept per variant when it has variants, else under its own SKU.

    A variant spec has sku, stock and optional name, price, size and colour (a missing name is made of them).
    """
    skus = [sku] + [v["sku"] for v in variants]
    if len(set(skus)) != len(skus):
        raise CatalogError(400, "duplicate_sku", "variants", "a variant repeats the product's SKU or another variant's")
    for candidate in skus:
        if sku_taken(session, candidate):
            raise CatalogError(409, "sku_exists", "sku" if candidate == sku else "variants", f"SKU {candidate!r} exists already")
    product = Product(sku=sku, name=name, price=quantize_money(price), image_url=image_url)
    for v in variants:
        product.variants.append(ProductVariant(
            sku=v["sku"], name=v.get("name") or variant_name(v.get("size"), v.get("colour")) or v["sku"],
            size=v.get("size"), colour=v.get("colour"),
            price=None if v.get("price") is None else quantize_money(v["price"])))
    session.add(product)
    session.flush()
    if variants:
        for variant, spec in zip(product.variants, variants):
            inventory.create_level(session, variant.sku, product.id, variant.id, spec["stock"], note)
    else:
        inventory.create_level(session, sku, product.id, None, stock, note)
    return product


def get_product(session: Session, sku: str) -> Product | None:
    """Return the product with this SKU (or owning this variant SKU), variants loaded."""
    product = session.scalar(sa.select(Product).where(Product.sku == sku).options(selectinload(Product.variants)))
    if product is None:
        variant = session.scalar(sa.select(ProductVariant).where(ProductVariant.sku == sku))
        if variant is not None:
            product = variant.product
    return product


def stock_skus(product: Product) -> list[str]:
    """Return the SKUs the product's stock is kept under: its variants', or its own when it has none."""
    return [v.sku for v in product.variants] or [product.sku]


def product_to_dict(session: Session, product: Product, levels: dict[str, inventory.Level] | None = None) -> dict:
    """Return a product with its stock: available now (`stock`), reserved and sold, per variant and summed.

    levels, when given, holds the levels read for many products at once (a list page).
    """
    own = stock_skus(product)
    levels = inventory.levels(session, own) if levels is None else levels

    def level(sku: str) -> inventory.Level:
        return levels.get(sku) or inventory.Level(sku, 0, 0, 0, 0)

    return {
        "sku": product.sku,
        "name": product.name,
        "price": str(product.price),
        "image_url": product.image_url,
        "stock": sum(level(s).available for s in own),
        "reserved": sum(level(s).reserved for s in own),
        "sold": sum(level(s).sold for s in own),
        "variants": [
            {"sku": v.sku, "name": v.name, "size": v.size, "colour": v.colour,
             "price": str(v.price if v.price is not None else product.price),
             "own_price": v.price is not None,
             "stock": level(v.sku).available, "reserved": level(v.sku).reserved, "sold": level(v.sku).sold}
            for v in product.variants
        ],
    }


def broadcasts_selling(session: Session, sku: str) -> list[int]:
    """Return the ids of live or scheduled broadcasts whose line-up has the product owning sku."""
    product = get_product(session, sku)
    return [] if product is None else broadcasts_with_product(session, product.id)


def broadcasts_with_product(session: Session, product_id: int) -> list[int]:
    """Return the ids of broadcasts not yet ended whose line-up has product_id."""
    return list(session.scalars(sa.select(BroadcastProduct.broadcast_id).join(
        Broadcast, Broadcast.id == BroadcastProduct.broadcast_id).where(
        BroadcastProduct.product_id == product_id, Broadcast.status != "ended")))


def lineup_prices(session: Session, broadcast_id: int) -> dict[int, Decimal | None]:
    """Return the broadcast's line-up as {product id: live price or None}."""
    return dict(read_tables(session, _LINEUP_PRICES, {"broadcast_id": broadcast_id}).all())


# Read by every batch of orders: built once, on the table (a Core read costs about half an ORM one).
_LINKS = BroadcastProduct.__table__
_LINEUP_PRICES = sa.select(_LINKS.c.product_id, _LINKS.c.live_price).where(
    _LINKS.c.broadcast_id == sa.bindparam("broadcast_id"))
