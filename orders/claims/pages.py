"""The reconciliation page (/broadcasts/<id>/reconciliation) and its CSV export: claims against orders, 催付."""
from __future__ import annotations

import json
import math
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
from orders.claims.evidence import rejected_events
from orders.claims.policy import load_claim_policy
from orders.claims.queries import claims_page
from orders.claims.reconciliation import load_reconciliation

bp = Blueprint("claims", __name__)
PAGE_ROLES = ("host", "auditor", "moderator", "admin")
CSV_LIMIT = 100_000
REJECTED_ROLES = ("host", "auditor", "admin")  # as the rejected-events and claim-cancel APIs allow
REJECTED_PER_PAGE = 50
RAW_SHOWN_CHARS = 2000  # a raw event longer than this is cut for display (the API gives it whole)
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
    """Give every template whether the user's role may open the reconciliation and rejected-events pages and
    cancel a draft claim (the host page's claims strip offers it)."""
    signed_in = bool(getattr(current_user, "is_authenticated", False))
    return {"can_open_reconciliation": signed_in and current_user.role in PAGE_ROLES,
            "can_open_rejected_events": signed_in and current_user.role in REJECTED_ROLES,
            "can_cancel_claims": signed_in and current_user.role in REJECTED_ROLES}

@bp.get("/broadcasts/<int:broadcast_id>/reconciliation")
@page_roles(*PAGE_ROLES)
def reconciliation_page(broadcast_id: int):
    """Claims against orders: counts, claims with no order, open drafts, the 催付 list, unseen comments, lag."""
    broadcast = _broadcast(broadcast_id)
    minutes = _minutes()
    report = load_reconciliation(db.session, broadcast_id, utcnow(), minutes)
    strings = {"sent": str(_l("Reminder queued")), "skipped": str(_l("Not sent")), "saved": str(_l("Saved")),
               "failed": str(_l("Could not send")), "draft_cancelled": str(_l("Draft cancelled"))}
    return render_template("claims/reconciliation.html", broadcast=broadcast, report=report, minutes=minutes,
                           policy=load_claim_policy(db.session, broadcast_id), labels=CLAIM_LABELS,
                           reasons=REASON_LABELS, modes=MODE_LABELS, strings=strings,
                           can_cancel=current_user.role in REJECTED_ROLES)


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


@bp.get("/broadcasts/<int:broadcast_id>/rejected-events")
@page_roles(*REJECTED_ROLES)
def rejected_events_page(broadcast_id: int):
    """The events the events API refused for this broadcast, newest first: raw JSON as received (cut when long),
    the error's code, field and message, and when it came."""
    broadcast = _broadcast(broadcast_id)
    try:
        page = validation.query_int(request.args, "page", 1, maximum=100_000)
    except ApiError as error:
        abort(400, error.message)
    events, total = rejected_events(db.session, broadcast_id, page, REJECTED_PER_PAGE)
    for event in events:
        event["raw"], event["truncated"] = _shown_raw(event["payload"])
    return render_template("claims/rejected_events.html", broadcast=broadcast, events=events, total=total, page=page,
                           pages=max(1, math.ceil(total / REJECTED_PER_PAGE)))


def _shown_raw(payload) -> tuple[str, bool]:
    """Return the event as JSON text, cut to RAW_SHOWN_CHARS, and whether it was cut."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=False)
    return (text[:RAW_SHOWN_CHARS], True) if len(text) > RAW_SHOWN_CHARS else (text, False)
