"""GET /api/v1/customers/<buyer_id>: a buyer's orders across broadcasts, totals, tier, flags and notices."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.errors import ApiError
from app.extensions import db
from app.http.api import install_api, roles
from orders.customers.queries import customer_record
from orders.lookup.params import read_paging

bp = install_api(Blueprint("customers_api", __name__, url_prefix="/api/v1"))
# The look-up's roles (orders/api/orders.py); contact data is masked for all of them here.
CUSTOMER_ROLES = ("auditor", "host", "service")
MAX_BUYER_ID = 64


@bp.get("/customers/<buyer_id>")
@roles(*CUSTOMER_ROLES)
def get_customer(buyer_id: str):
    """Show a buyer: totals over every broadcast, member tier, blocklist flags, a page of orders, notices sent."""
    if len(buyer_id) > MAX_BUYER_ID:
        raise ApiError(400, "invalid_path", f"buyer_id must be at most {MAX_BUYER_ID} characters", "buyer_id")
    page, per_page = read_paging(request.args)
    record = customer_record(db.session, buyer_id, page, per_page)
    if record is None:
        raise ApiError(404, "not_found", f"no order of buyer {buyer_id!r}", "buyer_id")
    return jsonify(record)
