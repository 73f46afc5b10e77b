"""/api/v1 catalogue and order endpoints."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app import api, realtime, validation
from app.auth.pii import present_order
from app.errors import ApiError
from app.extensions import csrf, db
from app.transactions import run_with_retry
from orders import catalog, inventory
from orders import service as orders
from orders.models import ORDER_STATUSES
from app.db import utcnow
from orders.notices.service import notices_for_order
from orders.push import order_payload, queue_order_changes, queue_stock
from orders.serialize import history_to_dict, order_to_dict, payments_for
from orders.service import quantities
from orders.waitlist import promote_waitlisted

bp = Blueprint("orders_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def authenticate():
    """Read the whole body first (so no transaction waits on the network), then authenticate."""
    request.get_data(cache=True)
    api.authenticate()


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
            inventory.set_available(db.session, sku, stock)
        except inventory.InventoryError:
            raise ApiError(404, "not_found", f"no stock is kept under SKU {sku!r}; use a variant SKU", "sku") from None
        promoted = promote_waitlisted(db.session, {sku}, utcnow())
        queue_stock(db.session, set(catalog.broadcasts_selling(db.session, sku)), {sku})
        if promoted:
            queue_order_changes(db.session, [(order, False) for order in promoted],
                                {s for order in promoted for s in quantities(order)})
        realtime.commit(db.session)
        return inventory.levels(db.session, [sku])[sku]

    level = run_with_retry(work)
    return jsonify(level.as_dict() | {"stock": level.available})


@bp.get("/orders/<order_id>")
def get_order(order_id: str):
    """Show an order with its findings and history; buyer data masked unless the role may see it."""
    order = orders.find_order(db.session, order_id)
    if order is None:
        raise ApiError(404, "not_found", f"no order {order_id!r}", "order_id")
    body = order_payload(db.session, order) | {
        "history": [history_to_dict(row) for row in order.history],
        "payments": payments_for(db.session, order.id),
        "notices": notices_for_order(db.session, order.id),
    }
    body = present_order(db.session, g.principal, body, "api")
    db.session.commit()
    return jsonify(body)


@bp.get("/orders")
def list_orders():
    """List orders newest first, filtered by broadcast_id and status, 50 a page."""
    broadcast_id = validation.query_int(request.args, "broadcast_id", default=0)
    status = request.args.get("status") or None
    if status is not None and status not in ORDER_STATUSES:
        raise ApiError(400, "invalid_query", f"status must be one of {', '.join(ORDER_STATUSES)}", "status")
    page = validation.query_int(request.args, "page", default=1)
    rows, total = orders.list_orders(db.session, broadcast_id or None, status, page, 50)
    items = [present_order(db.session, g.principal, order_to_dict(o), "api") for o in rows]
    db.session.commit()
    return jsonify({"orders": items, "page": page, "per_page": 50, "total": total})
