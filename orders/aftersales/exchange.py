"""What an exchange can send instead of each returned line: the SKUs of the same product (another size or colour).

The case page's "Ship the replacement" dialog offers them per line, with the units on stock, so an agent picks
the buyer's new size instead of typing a SKU; the API takes any SKU in ``lines`` and checks the stock itself.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

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
