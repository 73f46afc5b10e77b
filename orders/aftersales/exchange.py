"""What an exchange can send instead of each returned line: the SKUs of the same product (another size or colour).

The case page's "Ship the replacement" dialog offers them per line, with the units on stock, so an agent picks
the buyer's new size instead of typing a SKU. The API holds ``lines`` to the same rule (as Douyin 抖店 and TikTok
Shop do: 换货 sends another variant of the returned product, never another product): each SKU sent is a variant of
a returned line's product, or the returned SKU itself, and no product gets more units than came back of it.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.actions import OrderRejected
from orders.models import ProductVariant, StockLevel


def replacement_options(line_skus: list[str], stock: list[dict]) -> dict[str, list[dict]]:
    """Return, per line SKU, the SKUs of its product (itself first, then by SKU) with label and units available.

    stock: rows {sku, product_id, label, available} of every SKU of the lines' products (pure)."""
    by_product: dict[int, list[dict]] = {}
    product_of = {}
    for row in stock:
        by_product.setdefault(row["product_id"], []).append(row)
        product_of[row["sku"]] = row["product_id"]
    options = {}
    for sku in line_skus:
        siblings = sorted(by_product.get(product_of.get(sku), []), key=lambda row: (row["sku"] != sku, row["sku"]))
        options[sku] = [{"sku": row["sku"], "label": row["label"], "available": row["available"]}
                        for row in siblings] or [{"sku": sku, "label": "", "available": 0}]
    return options


def exchange_choices(session: Session, line_skus: list[str]) -> dict[str, list[dict]]:
    """Return replacement_options for the SKUs of a case's lines, read from the stock levels and variant names."""
    products = sa.select(StockLevel.product_id).where(StockLevel.sku.in_(line_skus)).scalar_subquery()
    rows = session.execute(
        sa.select(StockLevel.sku, StockLevel.product_id, StockLevel.available, ProductVariant.name)
        .outerjoin(ProductVariant, ProductVariant.id == StockLevel.variant_id)
        .where(StockLevel.product_id.in_(products))).all()
    stock = [{"sku": sku, "product_id": product_id, "available": available, "label": name or ""}
             for sku, product_id, available, name in rows]
    return replacement_options(line_skus, stock)


def replacement_problem(returned: list[tuple[str, int]], sent: list[tuple[str, int]],
                        product_of: dict[str, int]) -> OrderRejected | None:
    """Return why an exchange may not send `sent` for the `returned` lines, or None when it may (pure).

    A SKU sent must belong to the product of a returned line (a SKU without a product matches only itself), and
    the units sent of each product stay within the units returned of it. product_of: {sku: product id}."""
    def product(sku: str):
        return product_of.get(sku, ("sku", sku))

    units_left: dict = {}
    for sku, qty in returned:
        units_left[product(sku)] = units_left.get(product(sku), 0) + qty
    for position, (sku, qty) in enumerate(sent):
        if product(sku) not in units_left:
            returned_skus = ", ".join(sorted({sku for sku, _qty in returned}))
            return OrderRejected("not_a_variant_of_returned", f"lines[{position}].sku",
                                 f"{sku!r} is not a size or colour of the returned product ({returned_skus}): "
                                 "an exchange sends another variant of the same product", status=400)
        units_left[product(sku)] -= qty
        if units_left[product(sku)] < 0:
            return OrderRejected("too_many_units", f"lines[{position}].qty",
                                 f"{sku}: more units of this product than the buyer sent back", status=422)
    return None


def products_of(session: Session, skus: set[str]) -> dict[str, int]:
    """Return {sku: product id} of the SKUs that are on the catalogue."""
    rows = session.execute(sa.select(StockLevel.sku, StockLevel.product_id).where(StockLevel.sku.in_(skus)))
    return {sku: product_id for sku, product_id in rows}
