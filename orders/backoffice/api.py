"""/api/v1 back-office endpoints: the audit queue, order actions and audit policies (the blocklist: blocklist.py)."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app import realtime
from app.auth.pii import present_order
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from app.http.api import install_api
from live.models import Broadcast
from orders.actions import OrderRejected
from orders.audit import AuditPolicy, PolicyError
from orders.backoffice import actions as backoffice
from orders.backoffice.queue import MAX_PER_PAGE, QUEUE_EXTRAS, QueueFilter, held_queue
from orders.models import AuditPolicyRecord
from orders.push import order_payload
from orders.review.context import load_policy

bp = install_api(Blueprint("audit_api", __name__, url_prefix="/api/v1"))
AUDITORS = ("auditor",)
# An approved order is one the approval let through; the outcomes of a bulk approval, as the summary counts them.
APPROVED_STATUSES = frozenset({"accepted", "paid"})
BULK_OUTCOMES = ("approved", "waitlisted", "held", "failed")


def _actor() -> tuple[int, str]:
    """Return (user id, username) of the person acting; API tokens cannot take back-office decisions."""
    principal = g.principal
    if not hasattr(principal, "username"):
        raise ApiError(403, "forbidden", "back-office actions are taken by a logged-in auditor")
    return principal.id, principal.username


def _act(action, *args):
    """Run a back-office action (it queues its pushes) in one retried transaction; answer the changed order."""
    user_id, username = _actor()

    def work():
        try:
            outcome = action(db.session, *args[:1], user_id, username, *args[1:], utcnow())
        except OrderRejected as error:
            db.session.rollback()
            raise ApiError(error.status, error.code, error.message, error.field) from None
        body = present_order(db.session, g.principal, order_payload(db.session, outcome.order), "api")
        realtime.commit(db.session)
        return body

    return jsonify(run_with_retry(work))


def _reason() -> str:
    """Return the required reason of a body that holds only a reason (approve, reject, hold, override); 400 naming
    any other field, which would otherwise pass unnoticed (a misspelt reason, a field the action does not take)."""
    data = api.json_body()
    validation.refuse_unknown_fields(data, ("reason",))
    return validation.text(data, "reason", max_len=500)  # type: ignore[return-value]


@bp.get("/audit/queue")
@api.scope("backoffice")
@api.roles("auditor")
def queue():
    """List a page of held orders, oldest first, filtered by broadcast_id, finding code and minimum age in seconds,
    with the count of every held order that matches (`total`) and per broadcast (`by_broadcast`)."""
    page = validation.query_int(request.args, "page", default=1, maximum=1_000_000)
    per_page = validation.query_int(request.args, "per_page", default=MAX_PER_PAGE, maximum=MAX_PER_PAGE)
    broadcast_id = validation.query_int(request.args, "broadcast_id", default=0, minimum=0,
                                        maximum=validation.MAX_ID) or None
    min_age = validation.query_int(request.args, "min_age", default=0, minimum=0) or None
    code = validation.query_code(request.args, "code")
    found = held_queue(db.session, utcnow(), QueueFilter(broadcast_id, code, min_age), page, per_page)
    items = [present_order(db.session, g.principal, item, "queue") | {k: item[k] for k in QUEUE_EXTRAS}
             for item in found.orders]
    db.session.commit()
    return jsonify({"orders": items, "total": found.total, "page": page, "per_page": per_page,
                    "by_broadcast": {str(b): n for b, n in sorted(found.by_broadcast.items())}})


@bp.post("/orders/<order_id>/<any(approve, reject, hold):action>")
@api.scope("backoffice")
@api.roles("auditor")
def decide(order_id: str, action: str):
    """Approve, reject or hold an order with a reason."""
    reason = _reason()
    handler = {"approve": backoffice.approve, "reject": backoffice.reject, "hold": backoffice.hold}[action]
    return _act(handler, order_id, reason)


@bp.post("/orders/<order_id>/<any(claim, release):action>")
@api.scope("backoffice")
@api.roles("auditor")
def claim(order_id: str, action: str):
    """Claim an order (so no other auditor acts on it) or release the claim."""
    user_id, username = _actor()
    try:
        if action == "claim":
            order = backoffice.claim(db.session, order_id, user_id, username, utcnow())
        else:
            order = backoffice.release_claim(db.session, order_id, user_id, username)
    except OrderRejected as error:
        db.session.rollback()
        raise ApiError(error.status, error.code, error.message, error.field) from None
    body = order_payload(db.session, order)
    db.session.commit()
    return jsonify(present_order(db.session, g.principal, body, "api"))


@bp.post("/orders/<order_id>/findings/<code>/override")
@api.scope("backoffice")
@api.roles("auditor")
def override(order_id: str, code: str):
    """Override one finding of an order with a reason."""
    reason = _reason()
    return _act(lambda s, oid, uid, un, why, now: backoffice.override_finding(s, oid, uid, un, code, why, now), order_id, reason)


@bp.patch("/orders/<order_id>")
@api.scope("backoffice")
@api.roles("auditor")
def edit(order_id: str):
    """Correct buyer fields (`buyer.name`, `buyer.phone`, `buyer.address.*`) and lines (`items[i].sku`, `.qty`); re-audited."""
    data = api.json_body()
    unknown = set(data) - {"buyer", "items", "reason"}
    if unknown:  # status, total…: a 200 that changed nothing would let a script believe it had
        field = min(unknown)
        raise ApiError(400, "unknown_field", f"{field} cannot be edited here (buyer, items and reason can)", field)
    buyer, items = data.get("buyer"), data.get("items")
    if (not isinstance(buyer, dict) or not buyer) and items is None:
        raise ApiError(400, "missing_field", "send the buyer fields or the items to change", "buyer")
    changes = _buyer_edits(buyer or {})
    item_edits = _item_edits(items) if items is not None else {}
    reason = validation.text(data, "reason", max_len=500, required=False)
    return _act(lambda s, oid, uid, un, now: backoffice.edit_order(s, oid, uid, un, changes, item_edits, reason, now),
                order_id)


def _buyer_edits(buyer: dict) -> dict[str, str | None]:
    """Return the buyer fields to change, keyed as backoffice.BUYER_FIELDS; 400 naming a bad or unknown field."""
    if not isinstance(buyer, dict):
        raise ApiError(400, "invalid_type", "buyer must be an object", "buyer")
    changes: dict[str, str | None] = {}
    for key in ("name", "phone"):
        if key in buyer:
            changes[key] = validation.text(buyer, key, f"buyer.{key}", max_len=100 if key == "name" else 32)
    address = buyer.get("address", {})
    if not isinstance(address, dict):
        raise ApiError(400, "invalid_type", "buyer.address must be an object", "buyer.address")
    for key in ("province", "city", "district", "detail"):
        if key in address:
            changes[f"address.{key}"] = validation.text(address, key, f"buyer.address.{key}", max_len=300 if key == "detail" else 64)
    unknown_address = set(address) - {"province", "city", "district", "detail"}
    if unknown_address:  # ignored, it answered 200 and wrote an edit that changed nothing
        field = f"buyer.address.{sorted(unknown_address)[0]}"
        raise ApiError(400, "unknown_field", f"{field} cannot be edited", field)
    unknown = set(buyer) - {"name", "phone", "address"}
    if unknown:
        field = sorted(unknown)[0]
        raise ApiError(400, "unknown_field", f"buyer.{field} cannot be edited", f"buyer.{field}")
    return changes


def _item_edits(items) -> dict[int, dict]:
    """Return {line index: {"sku"?, "qty"?}} from a list by line position ({} leaves a line as it is, but its position
    must still be one of the order's lines)."""
    if not isinstance(items, list) or not 1 <= len(items) <= 50:
        raise ApiError(400, "invalid_type", "items must be a list of 1 to 50 line edits, by line position", "items")
    edits: dict[int, dict] = {}
    for index, item in enumerate(items):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            raise ApiError(400, "invalid_type", f"{path} must be an object", path)
        unknown = set(item) - {"sku", "qty"}
        if unknown:
            field = f"{path}.{min(unknown)}"
            raise ApiError(400, "unknown_field", f"{field} cannot be edited", field)
        edit = {}
        if "sku" in item:
            edit["sku"] = validation.text(item, "sku", f"{path}.sku", max_len=64)
        if "qty" in item:
            edit["qty"] = validation.whole_number(item, "qty", f"{path}.qty", minimum=1, maximum=10_000)
        edits[index] = edit
    return edits


@bp.post("/orders/<order_id>/extend")
@api.scope("backoffice")
@api.roles("auditor")
def extend(order_id: str):
    """Extend a held order's reservation to `minutes` from now (default: the broadcast's reservation time), with a reason."""
    data = api.json_body()
    reason = validation.text(data, "reason", max_len=500)
    minutes = validation.whole_number(data, "minutes", minimum=1, maximum=24 * 60, required=False)
    return _act(lambda s, oid, uid, un, why, now: backoffice.extend(s, oid, uid, un, why, minutes, now), order_id, reason)


@bp.post("/orders/bulk-approve")
@api.scope("backoffice")
@api.roles("auditor")
def bulk_approve():
    """Approve several held orders with one reason; answers one result per order id, naming where each order ended
    (approved: accepted or paid; waitlisted; still held; failed), and how many ended each way."""
    data = api.json_body()
    order_ids = data.get("order_ids")
    if not isinstance(order_ids, list) or not 1 <= len(order_ids) <= 200 or not all(isinstance(o, str) for o in order_ids):
        raise ApiError(400, "invalid_type", "order_ids must be a list of 1 to 200 order ids", "order_ids")
    for index, order_id in enumerate(order_ids):
        # Ids as the routes take them: PostgreSQL text cannot hold NUL (the lookup was a 500), and none is longer.
        validation.text({"id": order_id}, "id", f"order_ids[{index}]", max_len=64)
    reason = validation.text(data, "reason", max_len=500)
    results = []
    for order_id in order_ids:
        try:
            order = _act(backoffice.approve, order_id, reason).get_json()
        except ApiError as error:
            db.session.rollback()
            results.append({"order_id": order_id, "status": "failed", "error": error.to_dict()["error"]})
            continue
        # Approval re-audits the order: without stock it is waitlisted, a new finding keeps it held.
        outcome = "approved" if order["status"] in APPROVED_STATUSES else order["status"]
        results.append({"order_id": order_id, "status": outcome, "order_status": order["status"], "order": order})
    summary = {outcome: 0 for outcome in BULK_OUTCOMES}
    for result in results:
        summary[result["status"]] = summary.get(result["status"], 0) + 1
    return jsonify({"results": results, "summary": summary})


@bp.get("/broadcasts/<int:broadcast_id>/audit-policy")
@api.scope("backoffice", "display")
def get_policy(broadcast_id: int):
    """Show a broadcast's audit thresholds (defaults when none were saved); 404 for an unknown broadcast."""
    _require_broadcast(broadcast_id)
    return jsonify(load_policy(db.session, broadcast_id).to_dict())


def _require_broadcast(broadcast_id: int) -> None:
    """Raise a 404 naming broadcast_id unless that broadcast exists."""
    if db.session.get(Broadcast, broadcast_id) is None:
        raise ApiError(404, "not_found", f"no broadcast {broadcast_id}", "broadcast_id")


@bp.put("/broadcasts/<int:broadcast_id>/audit-policy")
@api.scope("backoffice")
@api.roles("auditor")
def put_policy(broadcast_id: int):
    """Replace a broadcast's audit thresholds; missing fields take their defaults."""
    _require_broadcast(broadcast_id)
    try:
        policy = AuditPolicy.from_dict(api.json_body())
    except PolicyError as error:
        raise ApiError(400, "invalid_policy", error.message, error.field or "body") from None
    record = db.session.get(AuditPolicyRecord, broadcast_id) or AuditPolicyRecord(broadcast_id=broadcast_id)
    record.policy, record.updated_by = policy.to_dict(), getattr(g.principal, "username", g.principal.role)
    db.session.add(record)
    db.session.commit()
    return jsonify(policy.to_dict())
