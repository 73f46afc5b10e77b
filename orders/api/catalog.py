"""/api/v1 catalogue endpoints: products (with variants) and their stock."""
from __future__ import annotations

from flask import jsonify

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from orders import actions, catalog, inventory
from orders.api.blueprint import bp


def _variants(data: dict) -> list[dict]:
    raw = data.get("variants") or []
    if not isinstance(raw, list) or len(raw) > 200:
        raise ApiError(400, "invalid_type", "variants must be a list of at most 200 objects", "variants")
    variants = []
    for index, item in enumerate(raw):
        path = f"variants[{index}]"
        if not isinstance(item, dict):
            raise ApiError(400, "invalid_type", f"{path} must be an object", path)
        variants.append({
            "sku": validation.text(item, "sku", f"{path}.sku", max_len=64),
            "name": validation.text(item, "name", f"{path}.name"),
            "stock": validation.whole_number(item, "stock", f"{path}.stock"),
            "price": validation.money(item, "price", f"{path}.price", required=False),
        })
    return variants


@bp.post("/products")
@api.roles("service")
def create_product():
    """Create a product (with optional variants, each with its own stock); answers 201."""
    data = api.json_body()
    sku = validation.text(data, "sku", max_len=64)
    name = validation.text(data, "name")
    price = validation.money(data, "price")
    variants = _variants(data)
    stock = validation.whole_number(data, "stock", required=not variants) or 0
    try:
        product = catalog.create_product(db.session, sku, name, price, stock, variants)
    except catalog.CatalogError as error:
        db.session.rollback()
        raise ApiError(error.status, error.code, error.message, error.field) from None
    db.session.commit()
    return jsonify(catalog.product_to_dict(db.session, product)), 201


@bp.get("/products")
def list_products():
    """List the catalogue with stock."""
    products = db.session.scalars(db.select(catalog.Product).order_by(catalog.Product.id)).all()
    return jsonify({"products": [catalog.product_to_dict(db.session, p) for p in products]})


@bp.get("/products/<sku>")
def get_product(sku: str):
    """Show a product (by its SKU or a variant's) with available `stock`, `reserved` and `sold`."""
    product = catalog.get_product(db.session, sku)
    if product is None:
        raise ApiError(404, "not_found", f"no product has SKU {sku!r}", "sku")
    return jsonify(catalog.product_to_dict(db.session, product))


@bp.put("/products/<sku>/stock")
@api.roles("service", "auditor")
def set_stock(sku: str):
    """Set the units available now for a SKU (a restock); pushes stock.changed to every broadcast selling it."""
    data = api.json_body()
    stock = validation.whole_number(data, "stock")

    def work():
        try:
            actions.restock(db.session, sku, stock, utcnow())
        except inventory.InventoryError:
            raise ApiError(404, "not_found", f"no stock is kept under SKU {sku!r}; use a variant SKU", "sku") from None
        realtime.commit(db.session)
        return inventory.levels(db.session, [sku])[sku]

    level = run_with_retry(work)
    return jsonify(level.as_dict() | {"stock": level.available})
