"""/api/v1 customer endpoints: the list, one record, tags, export, erasure and recalculation.

Tier rules and offers are in orders/customers/rules_api.py. Reading is for the look-up's roles and after-sales;
tags and recalculation for after-sales; the export (contact in full, logged) for the PII roles; erasure for admins.
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from app.http.api import install_api, roles
from app.realtime import commit as commit_with_pushes
from orders.customers.actions import read_tags, set_tags
from orders.customers.erasure import erase_contact
from orders.customers.export import export_customer
from orders.customers.listing import customer_page, read_filter
from orders.customers.policy import recalculated_at
from orders.customers.queries import buyer_platforms, customer_record, is_known, resolve_platform
from orders.customers.recalculate import recalculate
from orders.lookup.params import read_paging

bp = install_api(Blueprint("customers_api", __name__, url_prefix="/api/v1"))
# The look-up's roles (orders/api/orders.py) and after-sales; contact data is masked for all of them here.
CUSTOMER_ROLES = ("auditor", "host", "aftersales", "service")
READ_SCOPES = ("display", "aftersales")
EDIT_ROLES = ("aftersales",)
EXPORT_ROLES = ("auditor", "aftersales")  # the PII roles (admins pass every role check)
MAX_BUYER_ID = 64
MAX_PLATFORM = 32
MAX_REASON = 500


def check_buyer_id(buyer_id: str) -> None:
    """Raise a 400 naming buyer_id when it is too long or holds control characters."""
    if len(buyer_id) > MAX_BUYER_ID or any(ch < " " for ch in buyer_id) or not validation.encodable(buyer_id):
        raise ApiError(400, "invalid_path", f"buyer_id must be at most {MAX_BUYER_ID} characters of text", "buyer_id")


def read_platform(args) -> str | None:
    """Return the platform query parameter (None when absent), or raise a 400 naming it."""
    raw = (args.get("platform") or "").strip()
    if len(raw) > MAX_PLATFORM or any(ch < " " for ch in raw) or not validation.encodable(raw):
        raise ApiError(400, "invalid_query", f"platform must be at most {MAX_PLATFORM} characters", "platform")
    return raw or None


def unknown_buyer(buyer_id: str, platform: str | None) -> ApiError:
    """Return the 404 of a buyer id LiveDesk knows nothing about (on the platform named)."""
    where = f" on {platform!r}" if platform else ""
    return ApiError(404, "not_found", f"no order, complaint or customer record of buyer {buyer_id!r}{where}",
                    "buyer_id")


def stored_platform(buyer_id: str, named: str | None) -> str:
    """Return the platform whose customer row a change of the buyer goes to (queries.resolve_platform); raise a 404
    for an unknown buyer, a 409 for one known on no platform (a back-office complaint alone: rows are per platform)."""
    platforms = buyer_platforms(db.session, buyer_id)
    platform = resolve_platform(db.session, buyer_id, named, platforms)
    if platform is None:
        if named is None and is_known(db.session, buyer_id, platforms):
            raise ApiError(409, "no_platform", f"buyer {buyer_id!r} has no order and no platform yet; customer "
                           "records are kept per platform", "buyer_id")
        raise unknown_buyer(buyer_id, named)
    return platform


def platform_of(buyer_id: str) -> str:
    """Return the platform of the request's buyer (query ``platform``, else stored_platform's), or raise 404/409."""
    check_buyer_id(buyer_id)
    return stored_platform(buyer_id, read_platform(request.args))


@bp.get("/customers")
@api.scope(*READ_SCOPES)
@roles(*CUSTOMER_ROLES)
def list_customers():
    """List customers (as of the last recalculation) by segment, tier, platform and a search, paged."""
    wanted = read_filter(request.args)
    page, per_page = read_paging(request.args)
    rows, total = customer_page(db.session, wanted, page, per_page)
    moment = recalculated_at(db.session)
    return jsonify({"customers": rows, "total": total, "page": page, "per_page": per_page,
                    "recalculated_at": moment.isoformat() if moment else None})


@bp.get("/customers/<buyer_id>")
@api.scope(*READ_SCOPES)
@roles(*CUSTOMER_ROLES)
def get_customer(buyer_id: str):
    """Show a buyer: live totals, RFM, tier, tags, offers, blocklist flags, a page of orders, notices, care records."""
    check_buyer_id(buyer_id)
    platform = read_platform(request.args)
    page, per_page = read_paging(request.args)
    record = customer_record(db.session, buyer_id, page, per_page, utcnow(), platform)
    if record is None:
        raise unknown_buyer(buyer_id, platform)
    return jsonify(record)


@bp.post("/customers/<buyer_id>/tags")
@api.scope("aftersales")
@roles(*EDIT_ROLES)
def put_tags(buyer_id: str):
    """Replace the buyer's tags ({"tags": [...]}, at most 20 of 24 characters); answers the tags."""
    platform = platform_of(buyer_id)
    tags = read_tags(api.json_body())
    customer = set_tags(db.session, platform, buyer_id, tags, g.principal.username, utcnow())
    db.session.commit()
    return jsonify({"buyer_id": buyer_id, "platform": platform, "tags": list(customer.tags)})


@bp.get("/customers/<buyer_id>/export")
@api.scope()
@roles(*EXPORT_ROLES)
def export(buyer_id: str):
    """Download everything kept about the buyer as JSON, contact in full; the PII access log records it."""
    platform = platform_of(buyer_id)
    document = export_customer(db.session, platform, buyer_id, g.principal, utcnow())
    db.session.commit()
    response = jsonify(document)
    response.headers["Content-Disposition"] = f'attachment; filename="{download_name(platform, buyer_id)}"'
    return response


@bp.post("/customers/<buyer_id>/erase")
@api.scope()
@roles("admin")
def erase(buyer_id: str):
    """Erase the buyer's name, phone and street address everywhere (PIPL art. 47), keeping totals; admins only.

    The body must repeat the buyer id as {"confirm": "<buyer_id>"}, with an optional reason.
    """
    platform = platform_of(buyer_id)
    data = api.json_body()
    if data.get("confirm") != buyer_id:
        raise ApiError(400, "confirmation_mismatch", "confirm must repeat the buyer id exactly", "confirm")
    reason = validation.text(data, "reason", max_len=MAX_REASON, required=False) or "erasure on request (PIPL art. 47)"
    result = erase_contact(db.session, platform, buyer_id, g.principal, reason, utcnow())
    commit_with_pushes(db.session)
    return jsonify({"buyer_id": buyer_id, "platform": platform, "erased": result.as_dict()})


@bp.post("/customers/recalculate")
@api.scope("aftersales")
@roles(*EDIT_ROLES)
def recalculate_customers():
    """Recalculate totals, RFM and tiers now: every customer, or one ({"buyer_id", optional "platform"})."""
    data = request.get_json(silent=True) or {}
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object", "body")
    buyer_id = validation.text(data, "buyer_id", max_len=MAX_BUYER_ID, required=False)
    platform = None
    if buyer_id is not None:
        check_buyer_id(buyer_id)
        platform = stored_platform(buyer_id, validation.text(data, "platform", max_len=MAX_PLATFORM, required=False))
    result = recalculate(db.session, utcnow(), g.principal.username, platform, buyer_id)
    db.session.commit()
    return jsonify(result.as_dict())


def download_name(platform: str, buyer_id: str) -> str:
    """Return the file name of an export (ASCII letters, digits, - and _ only)."""
    def safe(text: str) -> str:
        return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in text)

    return f"customer-{safe(platform[:16])}-{safe(buyer_id)}.json"
