"""/api/v1 order endpoints: one order with its findings, history, payments and notices; the look-up; a contact."""
from __future__ import annotations

from flask import g, jsonify, request

from app.auth.pii import log_unmasked_view, present_order
from app.errors import ApiError
from app.extensions import db
from app.http.api import roles, scope
from orders import actions as orders
from orders.api.blueprint import bp
from orders.lookup.params import read_filter, read_paging
from orders.lookup.query import lookup_page
from orders.notices.service import notices_for_order
from orders.push import order_payload
from orders.serialize import buyer_to_dict, history_to_dict, order_to_dict, payments_for

# Who may look orders up (issue 11): auditors and admins, after-sales agents (a buyer calls with a phone number or
# an order id), hosts (masked) and API tokens (masked); not moderators or analysts, whose work needs no buyer's orders.
LOOKUP_ROLES = ("auditor", "aftersales", "host", "service")


@bp.get("/orders/<order_id>")
@scope("display", "backoffice")
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
@scope("display", "backoffice")
@roles(*LOOKUP_ROLES)
def list_orders():
    """Look orders up, newest first: q (order id, buyer id, phone or its last 4, SKU, name start) and filters."""
    lookup = read_filter(request.args)
    page, per_page = read_paging(request.args)
    rows, total = lookup_page(db.session, lookup, page, per_page)
    items = [present_order(db.session, g.principal, order_to_dict(o), "api") for o in rows]
    db.session.commit()
    return jsonify({"orders": items, "page": page, "per_page": per_page, "total": total})


@bp.post("/orders/<order_id>/contact")
@roles("auditor", "aftersales")
def show_contact(order_id: str):
    """Return an order's buyer contact in full for an auditor, after-sales agent or admin (the roles that see
    buyers' data), writing the PII access log."""
    order = orders.find_order(db.session, order_id)
    if order is None:
        raise ApiError(404, "not_found", f"no order {order_id!r}", "order_id")
    log_unmasked_view(db.session, g.principal, f"order:{order.order_id}", "contact", buyer_id=order.buyer_id)
    db.session.commit()
    return jsonify({"order_id": order.order_id, "buyer": buyer_to_dict(order)})
