"""/api/v1 order endpoints: one order with its findings, history, payments and notices; the order list."""
from __future__ import annotations

from flask import g, jsonify, request

from app.auth.pii import present_order
from app.errors import ApiError
from app.extensions import db
from app.http import validation
from orders import actions as orders
from orders.api.blueprint import bp
from orders.models import ORDER_STATUSES
from orders.notices.service import notices_for_order
from orders.push import order_payload
from orders.serialize import history_to_dict, order_to_dict, payments_for


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
    broadcast_id = validation.query_int(request.args, "broadcast_id", default=0, maximum=validation.MAX_ID)
    status = request.args.get("status") or None
    if status is not None and status not in ORDER_STATUSES:
        raise ApiError(400, "invalid_query", f"status must be one of {', '.join(ORDER_STATUSES)}", "status")
    page = validation.query_int(request.args, "page", default=1)
    rows, total = orders.list_orders(db.session, broadcast_id or None, status, page, 50)
    items = [present_order(db.session, g.principal, order_to_dict(o), "api") for o in rows]
    db.session.commit()
    return jsonify({"orders": items, "page": page, "per_page": 50, "total": total})
