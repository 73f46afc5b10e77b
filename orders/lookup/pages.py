"""The look-up pages: search results with filters and paging (/orders) and the CSV of every match (/orders.csv)."""
from __future__ import annotations

import math

from flask import Blueprint, Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user

from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http.pages import page_roles
from app.privacy import mask_order
from live.models import broadcast_choices
from orders.backoffice.pages import SOURCE_LABELS, STATUS_LABELS
from orders.lookup import csv_export
from orders.lookup.params import link_args, read_filter, read_paging
from orders.lookup.query import lookup_chunks, lookup_page
from orders.models import ORDER_SOURCES, ORDER_STATUSES
from orders.serialize import order_to_dict

bp = Blueprint("lookup", __name__)

# The look-up's page roles: auditors, after-sales agents and admins, hosts read-only (orders/api/orders.py LOOKUP_ROLES).
PAGE_ROLES = ("auditor", "aftersales", "admin", "host")


@bp.app_context_processor
def lookup_box() -> dict[str, bool]:
    """Give every template whether the user's role may look orders up (the top bar shows the search box)."""
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    return {"can_look_up_orders": signed_in and current_user.role in PAGE_ROLES}


def _read() -> tuple:
    """Return (filter, page, per_page) of the request, or a 400 page naming the bad parameter."""
    try:
        return (read_filter(request.args), *read_paging(request.args))
    except ApiError as error:
        abort(400, error.message)


@bp.get("/orders")
@page_roles(*PAGE_ROLES)
def search():
    """Orders matching the search box and the filters, newest first, a page at a time; contacts masked."""
    lookup, page, per_page = _read()
    rows, total = lookup_page(db.session, lookup, page, per_page)
    orders = [mask_order(order_to_dict(row)) for row in rows]
    pages = max(1, math.ceil(total / per_page))
    args = link_args(request.args)
    if per_page != 50:
        args["per_page"] = str(per_page)
    strings = {"failed": _("Could not show the contact. Try again."),
               "offline": _("The server could not be reached. Try again.")}
    return render_template("orders/search.html", orders=orders, total=total, page=page, pages=pages, args=args,
                           lookup=lookup, raw=request.args, broadcasts=broadcast_choices(db.session, 200), statuses=ORDER_STATUSES,
                           sources=ORDER_SOURCES, labels=STATUS_LABELS, source_labels=SOURCE_LABELS,
                           strings=strings, kinds=lookup.terms.kinds if lookup.terms else ())


@bp.get("/orders.csv")
@page_roles(*PAGE_ROLES)
def search_csv():
    """Every order matching the look-up as CSV, streamed a chunk at a time; contacts masked for every role."""
    lookup, _page, _per_page = _read()

    def body():
        # The byte-order mark makes Excel read the file as UTF-8, so Chinese names survive a double-click.
        yield "\ufeff"
        chunks = ([mask_order(order_to_dict(row)) for row in rows] for rows in lookup_chunks(db.session, lookup))
        yield from csv_export.lookup_csv_parts(chunks)

    filename = f"orders-{utcnow():%Y%m%dT%H%M%SZ}.csv"
    return Response(stream_with_context(body()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
