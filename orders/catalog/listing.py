"""The catalogue list: products found by name or SKU (their variants' too), one page at a time, with stock."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from orders import inventory
from orders.catalog import product_to_dict, stock_skus
from orders.models import Product, ProductVariant

PER_PAGE = 50
MAX_QUERY = 100


def like_pattern(text: str) -> str:
    """Return a case-folded LIKE pattern matching text anywhere, its own % _ and \\ taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_products(session: Session, q: str | None, page: int, per_page: int = PER_PAGE) -> tuple[list[Product], int]:
    """Return one page of products (by creation order) whose name or SKU, or a variant's, holds q; and the total."""
    query = sa.select(Product)
    if q:
        pattern = like_pattern(q)

        def matches(column):
            return sa.func.lower(column).like(pattern, escape="\\")

        by_variant = sa.select(ProductVariant.product_id).where(sa.or_(matches(ProductVariant.sku),
                                                                      matches(ProductVariant.name)))
        query = query.where(sa.or_(matches(Product.sku), matches(Product.name), Product.id.in_(by_variant)))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    products = session.scalars(query.order_by(Product.id).offset((page - 1) * per_page).limit(per_page)
                               .options(selectinload(Product.variants))).all()
    return list(products), int(total)


def products_page(session: Session, q: str | None, page: int, per_page: int = PER_PAGE) -> dict:
    """Return a page of the catalogue as the API shows it: products with stock, total, page and per_page."""
    products, total = search_products(session, q, page, per_page)
    levels = inventory.levels(session, [sku for product in products for sku in stock_skus(product)])
    return {"products": [product_to_dict(session, product, levels) for product in products],
            "total": total, "page": page, "per_page": per_page}
