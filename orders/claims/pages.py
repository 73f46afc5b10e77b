"""The reconciliation page (/broadcasts/<id>/reconciliation) and its CSV export: claims against orders, 催付."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from flask_babel import lazy_gettext as _l

from app.csv import csv_text
from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http import validation
from app.http.pages import page_roles
from live.models import Broadcast
from orders.claims.api import DEFAULT_UNPAID_MINUTES
from orders.claims.policy import load_claim_policy
from orders.claims.queries import claims_page
from orders.claims.reconciliation import load_reconciliation

bp = Blueprint("claims", __name__)
PAGE_ROLES = ("host", "auditor", "moderator", "admin")
CSV_LIMIT = 100_000
CLAIM_LABELS = {"unresolved": _l("unresolved"), "claimed": _l("claimed"), "ordered": _l("ordered"), "paid": _l("paid"),
                "expired": _l("expired"), "cancelled": _l("cancelled")}
REASON_LABELS = {"link_missing": _l("no link named, nothing pinned"), "unknown_link": _l("unknown link"),
                 "variant_missing": _l("size or colour missing"), "unknown_variant": _l("no such size or colour"),
                 "qty_over_limit": _l("quantity over the limit"), "held_by_moderation": _l("held by moderation"),
                 "hidden_by_moderation": _l("hidden by moderation")}
MODE_LABELS = {"off": _l("Off: tag claims only"), "draft": _l("Draft orders that reserve stock")}


def _broadcast(broadcast_id: int) -> Broadcast:
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        abort(404)
    return broadcast


def _minutes() -> int:
    try:
        return validation.query_int(request.args, "unpaid_minutes", DEFAULT_UNPAID_MINUTES, minimum=0, maximum=1440)
    except ApiError as error:
        abort(400, error.message)



@bp.app_context_processor
def reconciliation_links() -> dict[str, bool]:
    """Give every template can_open_reconciliation: whether the user's role may open the reconciliation page."""
    return {"can_open_reconciliation": bool(getattr(current_user, "is_authenticated", False))
            and current_user.role in PAGE_ROLES}

@bp.get("/broadcasts/<int:broadcast_id>/reconciliation")
@page_roles(*PAGE_ROLES)
def reconciliation_page(broadcast_id: int):
    """Claims against orders: counts, claims with no order, open drafts, the 催付 list, unseen comments, lag."""
    broadcast = _broadcast(broadcast_id)
    minutes = _minutes()
    report = load_reconciliation(db.session, broadcast_id, utcnow(), minutes)
    strings = {"sent": str(_l("Reminder queued")), "skipped": str(_l("Not sent")), "saved": str(_l("Saved")),
               "failed": str(_l("Could not send"))}
    return render_template("claims/reconciliation.html", broadcast=broadcast, report=report, minutes=minutes,
                           policy=load_claim_policy(db.session, broadcast_id), labels=CLAIM_LABELS,
                           reasons=REASON_LABELS, modes=MODE_LABELS, strings=strings)


@bp.get("/broadcasts/<int:broadcast_id>/reconciliation.csv")
@page_roles(*PAGE_ROLES)
def reconciliation_csv(broadcast_id: int):
    """Every claim of the broadcast with its status, order, reason and comment → order lag, as a CSV file."""
    _broadcast(broadcast_id)
    claims, _total = claims_page(db.session, broadcast_id, None, 1, CSV_LIMIT)
    header = ("comment_id", "at", "viewer_id", "nickname", "text", "link", "product_sku", "variant_sku", "qty",
              "status", "reason", "order_id", "order_status", "ordered_at", "lag_seconds")
    rows = [(c["comment_id"], c["at"], c["viewer_id"], c["nickname"], c["text"], c["link"], c["product_sku"],
             c["variant_sku"], c["qty"], c["status"], c.get("reason"), c.get("order_id"), c["order_status"],
             c["ordered_at"], _lag(c)) for c in claims]
    return Response(csv_text(header, rows, bom=True), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=reconciliation-{broadcast_id}.csv"})


def _lag(claim: dict):
    """Return seconds from comment to the platform's order, or None when there is no order yet."""
    if not claim["ordered_at"]:
        return None
    return round((datetime.fromisoformat(claim["ordered_at"]) - datetime.fromisoformat(claim["at"])).total_seconds(), 3)
