"""Customer pages: the list (/customers), one record (/customers/<buyer_id>) and the offers (/offers)."""
from __future__ import annotations

import math

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.models import PII_ROLES
from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http.pages import page_roles
from orders.backoffice.pages import NOTICE_KINDS, NOTICE_STATUSES, SOURCE_LABELS, STATUS_LABELS
from orders.customers import care
from orders.customers.api import check_buyer_id, read_platform
from orders.customers.listing import NO_TIER, SORTS, read_filter
from orders.customers.listing import customer_page as listing_page
from orders.customers.offers import audience, list_offers
from orders.customers.policy import load_policy, recalculated_at
from orders.customers.queries import customer_record
from orders.customers.rfm import SEGMENTS
from orders.customers.strings import EVENT_LABELS, SEGMENT_HINTS, SEGMENT_LABELS, SORT_LABELS, page_strings
from orders.lookup.pages import PAGE_ROLES as LOOKUP_ROLES
from orders.lookup.params import read_paging

bp = Blueprint("customers", __name__)

PAGE_ROLES = ("auditor", "admin", "host", "aftersales")
EDIT_ROLES = ("aftersales", "admin")
BLOCKLIST_LABELS = {"buyer_id": _l("buyer account"), "phone": _l("phone"), "address": _l("address")}
LIST_PER_PAGE = 50


def _abort_400(error: ApiError):
    abort(400, error.message)


def tier_names() -> dict[str, str]:
    """Return the tier names by code as shown: the default names translated, names set by an admin as they are."""
    return {rule.code: gettext(rule.name) for rule in load_policy(db.session).tiers}


def _roles() -> dict[str, bool]:
    role = current_user.role
    return {"can_edit": role in EDIT_ROLES, "can_export": role in PII_ROLES, "can_erase": role == "admin",
            "can_look_up": role in LOOKUP_ROLES}


@bp.app_context_processor
def customer_links() -> dict[str, bool]:
    """Give every template whether the user's role may open the customer pages (the nav shows the link)."""
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    return {"can_open_customers": signed_in and current_user.role in PAGE_ROLES}


@bp.get("/customers")
@page_roles(*PAGE_ROLES)
def customer_list():
    """Customers as of the last recalculation: filters by segment and tier, a search, newest buyers first."""
    names = tier_names()
    try:
        wanted = read_filter(request.args)
        page, _per_page = read_paging(request.args)
    except ApiError as error:
        _abort_400(error)
    rows, total = listing_page(db.session, wanted, page, LIST_PER_PAGE)
    args = {key: request.args[key] for key in ("q", "segment", "tier", "platform", "sort") if request.args.get(key)}
    return render_template("customers/list.html", customers=rows, total=total, page=page,
                           pages=max(1, math.ceil(total / LIST_PER_PAGE)), wanted=wanted, args=args,
                           segments=SEGMENTS, segment_labels=SEGMENT_LABELS, tier_names=names, no_tier=NO_TIER,
                           sorts=list(SORTS), sort_labels=SORT_LABELS, recalculated_at=recalculated_at(db.session),
                           strings=page_strings(), **_roles())


@bp.get("/customers/<buyer_id>")
@page_roles(*PAGE_ROLES)
def customer_page(buyer_id: str):
    """A buyer's record: tier, RFM and totals first, then tags, offers, care records, orders (paged), notices."""
    try:
        check_buyer_id(buyer_id)
        platform = read_platform(request.args)
        page, per_page = read_paging(request.args)
    except ApiError as error:
        if error.field == "buyer_id":
            abort(404)
        _abort_400(error)
    record = customer_record(db.session, buyer_id, page, per_page, utcnow(), platform)
    if record is None:
        abort(404)
    pages = max(1, math.ceil(record["totals"]["orders"] / per_page))
    return render_template("customers/customer.html", customer=record, page=page, pages=pages,
                           labels=STATUS_LABELS, sources=SOURCE_LABELS, notice_kinds=NOTICE_KINDS,
                           notice_statuses=NOTICE_STATUSES, blocklist_labels=BLOCKLIST_LABELS,
                           segment_labels=SEGMENT_LABELS, segment_hints=SEGMENT_HINTS, tier_names=tier_names(),
                           event_labels=EVENT_LABELS, care_labels=care.labels(), strings=page_strings(),
                           **_roles())


@bp.get("/offers")
@page_roles(*PAGE_ROLES)
def offers_page():
    """Offers issued to segments and tiers, and (after-sales, admins) the form to issue one."""
    names = tier_names()
    return render_template("customers/offers.html", offers=list_offers(db.session), audience=audience(db.session),
                           segments=SEGMENTS, segment_labels=SEGMENT_LABELS, tier_names=names,
                           recalculated_at=recalculated_at(db.session), strings=page_strings(), **_roles())
