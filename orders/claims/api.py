"""/api/v1 comment selling: a broadcast's claims, its claim policy, the reconciliation and payment reminders (催付)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from app.http.api import install_api
from live.models import Broadcast
from orders.claims.cancel import ClaimCancelRefused, cancel_claim
from orders.claims.evidence import rejected_events
from orders.claims.policy import ClaimPolicy, ClaimPolicyError, load_claim_policy, save_claim_policy
from orders.claims.queries import claims_page
from orders.claims.reconciliation import load_reconciliation
from orders.claims.reminders import MAX_REMINDERS, remind_unpaid
from orders.claims.status import CLAIM_STATUSES
from orders.claims.totals import read_claim_counts

bp = install_api(Blueprint("claims_api", __name__, url_prefix="/api/v1"))
READERS = ("host", "auditor", "moderator", "service")
ACTORS = ("host", "auditor", "service")
MAX_PER_PAGE = 500
DEFAULT_UNPAID_MINUTES = 5


def find_broadcast(broadcast_id: int) -> Broadcast:
    """Return the broadcast, or raise 404."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise ApiError(404, "not_found", f"no broadcast {broadcast_id}", "broadcast_id")
    return broadcast


def _actor() -> str:
    principal = g.principal
    return getattr(principal, "username", None) or principal.role


@bp.get("/broadcasts/<int:broadcast_id>/claims")
@api.roles(*READERS)
def list_claims(broadcast_id: int):
    """List a broadcast's chat claims by comment time, optionally of one status, with their order or reason."""
    status = validation.query_code(request.args, "status")
    if status is not None and status not in CLAIM_STATUSES:
        raise ApiError(400, "invalid_query", f"status must be one of {', '.join(CLAIM_STATUSES)}", "status")
    order = validation.query_code(request.args, "order") or "asc"
    if order not in ("asc", "desc"):
        raise ApiError(400, "invalid_query", "order must be asc or desc", "order")
    page = validation.query_int(request.args, "page", 1, maximum=100_000)
    per_page = validation.query_int(request.args, "per_page", 100, maximum=MAX_PER_PAGE)
    find_broadcast(broadcast_id)
    claims, total = claims_page(db.session, broadcast_id, status, page, per_page, newest_first=order == "desc")
    return jsonify({"claims": claims, "total": total, "page": page, "per_page": per_page,
                    "counts": read_claim_counts(db.session, broadcast_id)})


@bp.get("/broadcasts/<int:broadcast_id>/claim-policy")
@api.roles(*READERS)
def get_claim_policy(broadcast_id: int):
    """Show how the broadcast treats claims (the defaults when none was saved)."""
    find_broadcast(broadcast_id)
    return jsonify(load_claim_policy(db.session, broadcast_id).to_dict())


@bp.put("/broadcasts/<int:broadcast_id>/claim-policy")
@api.roles("host", "auditor")
def put_claim_policy(broadcast_id: int):
    """Change the claim policy: the fields sent replace the saved ones, the others stay."""
    data = api.json_body()
    find_broadcast(broadcast_id)
    try:
        policy = ClaimPolicy.from_dict(data, load_claim_policy(db.session, broadcast_id))
    except ClaimPolicyError as error:
        raise ApiError(400, "invalid_policy", error.message, error.field) from None
    save_claim_policy(db.session, broadcast_id, policy, _actor())
    db.session.commit()
    return jsonify(policy.to_dict())


@bp.get("/broadcasts/<int:broadcast_id>/reconciliation")
@api.roles(*READERS)
def get_reconciliation(broadcast_id: int):
    """Reconcile the broadcast's claims with its orders: claims with no order, open drafts, unpaid orders (催付),
    orders whose comment was never seen, and the comment → order lag."""
    minutes = validation.query_int(request.args, "unpaid_minutes", DEFAULT_UNPAID_MINUTES, minimum=0, maximum=1440)
    find_broadcast(broadcast_id)
    return jsonify({"broadcast_id": broadcast_id, "generated_at": utcnow().isoformat(),
                    **load_reconciliation(db.session, broadcast_id, utcnow(), minutes)})


@bp.post("/broadcasts/<int:broadcast_id>/reminders")
@api.roles(*ACTORS)
def send_reminders(broadcast_id: int):
    """Queue a payment reminder (催付) to the buyers of the given unpaid orders; at most one per order per minute."""
    data = api.json_body()
    validation.refuse_unknown_fields(data, ("order_ids",))
    order_ids = data.get("order_ids")
    if not isinstance(order_ids, list) or not 1 <= len(order_ids) <= MAX_REMINDERS:
        raise ApiError(400, "invalid_type", f"order_ids must be a list of 1 to {MAX_REMINDERS} order ids", "order_ids")
    for index, order_id in enumerate(order_ids):
        if not isinstance(order_id, str) or not 0 < len(order_id) <= 64:
            raise ApiError(400, "invalid_type", "each order id is a string of 1 to 64 characters",
                           f"order_ids[{index}]")
    find_broadcast(broadcast_id)
    actor = _actor()

    def work():
        result = remind_unpaid(db.session, broadcast_id, order_ids, actor, utcnow())
        realtime.commit(db.session)
        return result

    return jsonify(run_with_retry(work))


@bp.get("/broadcasts/<int:broadcast_id>/rejected-events")
@api.roles("host", "auditor", "service")
def list_rejected_events(broadcast_id: int):
    """List the events the events API refused for this broadcast, newest first, as received with their error."""
    page = validation.query_int(request.args, "page", 1, maximum=100_000)
    per_page = validation.query_int(request.args, "per_page", 100, maximum=MAX_PER_PAGE)
    find_broadcast(broadcast_id)
    events, total = rejected_events(db.session, broadcast_id, page, per_page)
    return jsonify({"events": events, "total": total, "page": page, "per_page": per_page})


@bp.post("/broadcasts/<int:broadcast_id>/claims/<comment_id>/cancel")
@api.roles("host", "auditor")
def cancel_draft_claim(broadcast_id: int, comment_id: str):
    """Cancel a claim's draft order (status claimed): its units go to the next in line; the claim reads cancelled."""
    if len(comment_id) > 128:
        raise ApiError(400, "invalid_path", "comment_id has at most 128 characters", "comment_id")
    data = api.json_body(optional=True)
    validation.refuse_unknown_fields(data, ("reason",))  # a misspelt reason would be lost from the record
    reason = validation.text(data, "reason", max_len=500, required=False)
    find_broadcast(broadcast_id)
    actor = _actor()

    def work():
        try:
            claim = cancel_claim(db.session, broadcast_id, comment_id, actor, reason, utcnow())
        except ClaimCancelRefused as refused:
            raise ApiError(refused.status, refused.code, refused.message, "comment_id") from None
        realtime.commit(db.session)
        return claim

    return jsonify(run_with_retry(work))
