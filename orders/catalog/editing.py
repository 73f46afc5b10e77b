"""Changes to a product: name, price, picture address, and its variants (added, renamed, sized, re-priced).

A variant can also be changed on its own, by its SKU (update_variant): only its own fields.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.db import quantize_money
from orders import inventory
from orders.catalog import CatalogError, sku_taken, variant_name
from orders.models import Product, ProductVariant


def update_product(session: Session, product: Product, changes: dict, note: inventory.StockNote) -> Product:
    """Return product with changes applied (see orders.catalog.inputs.product_changes); new variants get their stock.

    SKUs never change (orders and history refer to them). A product sold under its own SKU cannot gain variants:
    its stock would have no home.
    """
    if "name" in changes:
        product.name = changes["name"]
    if "price" in changes:
        product.price = quantize_money(changes["price"])
    if "image_url" in changes:
        product.image_url = changes["image_url"]
    specs = changes.get("variants") or []
    seen: set[str] = set()
    for index, spec in enumerate(specs):
        path = f"variants[{index}]"
        if spec["sku"] in seen:
            raise CatalogError(400, "duplicate_sku", f"{path}.sku", f"SKU {spec['sku']!r} is listed twice")
        seen.add(spec["sku"])
        current = next((v for v in product.variants if v.sku == spec["sku"]), None)
        if current is not None:
            change_variant(current, spec)
        else:
            add_variant(session, product, spec, path, note)
    session.flush()
    return product


def update_variant(session: Session, variant: ProductVariant, changes: dict) -> Product:
    """Return the variant's product after changes (orders.catalog.inputs.variant_changes) were applied to it alone.

    The product and its other variants stay as they are: a variant without a price of its own keeps following
    the product's, and one given `price: null` follows it again.
    """
    change_variant(variant, changes)
    session.flush()
    return variant.product


def change_variant(variant: ProductVariant, spec: dict) -> None:
    """Apply a variant spec to an existing variant; a name made of size and colour follows them when they change."""
    named_by_attributes = variant.name == variant_name(variant.size, variant.colour)
    for key in ("size", "colour"):
        if key in spec:
            setattr(variant, key, spec[key])
    if spec.get("name"):
        variant.name = spec["name"]
    elif named_by_attributes and ("size" in spec or "colour" in spec):
        variant.name = variant_name(variant.size, variant.colour) or variant.sku
    if "price" in spec:
        variant.price = None if spec["price"] is None else quantize_money(spec["price"])


def add_variant(session: Session, product: Product, spec: dict, path: str, note: inventory.StockNote) -> ProductVariant:
    """Return a new variant of product with its initial stock (spec needs stock, and a name or size/colour)."""
    if not product.variants:
        raise CatalogError(409, "no_variants", f"{path}.sku", f"product {product.sku!r} is sold under its own SKU; "
                                                              "it cannot gain variants (create a new product)")
    if sku_taken(session, spec["sku"]):
        raise CatalogError(409, "sku_exists", f"{path}.sku", f"SKU {spec['sku']!r} exists already")
    if spec.get("stock") is None:
        raise CatalogError(400, "missing_field", f"{path}.stock", f"{path}.stock is required for a new variant")
    name = spec.get("name") or variant_name(spec.get("size"), spec.get("colour"))
    if not name:
        raise CatalogError(400, "missing_field", f"{path}.name", f"{path}.name is required (or a size or colour)")
    variant = ProductVariant(sku=spec["sku"], name=name, size=spec.get("size"), colour=spec.get("colour"),
                             price=None if spec.get("price") is None else quantize_money(spec["price"]))
    product.variants.append(variant)
    session.flush()
    inventory.create_level(session, variant.sku, product.id, variant.id, spec["stock"],
                           inventory.StockNote("created", note.actor, note.reason))
    return variant
