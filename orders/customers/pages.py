"""The customer page (/customers/<buyer_id>): one buyer's orders across broadcasts, totals, tier, flags, notices."""
from __future__ import annotations

import math

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l

from app.errors import ApiError
from app.extensions import db
from app.http.pages import page_roles
from orders.backoffice.pages import NOTICE_KINDS, NOTICE_STATUSES, SOURCE_LABELS, STATUS_LABELS
from orders.customers.api import MAX_BUYER_ID
from orders.customers.queries import customer_record
from orders.lookup.params import read_paging
from orders.lookup.pages import PAGE_ROLES

bp = Blueprint("customers", __name__)

BLOCKLIST_LABELS = {"buyer_id": _l("buyer account"), "phone": _l("phone"), "address": _l("address")}


@bp.get("/customers/<buyer_id>")
@page_roles(*PAGE_ROLES)
def customer_page(buyer_id: str):
    """A buyer's record: totals, tier and blocklist flags first, then their orders (paged) and notices sent."""
    if len(buyer_id) > MAX_BUYER_ID:
        abort(404)
    try:
        page, per_page = read_paging(request.args)
    except ApiError as error:
        abort(400, error.message)
    record = customer_record(db.session, buyer_id, page, per_page)
    if record is None:
        abort(404)
    pages = max(1, math.ceil(record["totals"]["orders"] / per_page))
    return render_template("customers/customer.html", customer=record, page=page, pages=pages,
                           labels=STATUS_LABELS, sources=SOURCE_LABELS, notice_kinds=NOTICE_KINDS,
                           notice_statuses=NOTICE_STATUSES, blocklist_labels=BLOCKLIST_LABELS)
