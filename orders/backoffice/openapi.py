"""OpenAPI fragment of the back office (orders/backoffice/api.py, blocklist.py): queue, actions, blocklist, policy.

app.openapi.spec merges ``paths()``, ``schemas()`` and ``parameters()`` into the v1 document.
"""
from __future__ import annotations

from app.openapi.operations import json_body, operation, parameter, request
from app.openapi.schemas import EVENT_AMOUNT, MONEY, array, integer, nullable, obj, ref, string, text
from orders.backoffice.actions import CLAIM_TIMEOUT


def parameters() -> dict:
    """Return the blocklist entry and finding path parameters and the audit queue's filters."""
    return {
        "EntryId": parameter("entry_id", "path", {"type": "integer"}, "The blocklist entry's id."),
        "FindingCode": parameter("code", "path", {"type": "string"}, "The finding's code, e.g. phone_missing."),
        "QueueBroadcast": parameter("broadcast_id", "query", {"type": "integer", "minimum": 0},
                                    "Only held orders of this broadcast."),
        "QueueCode": parameter("code", "query", {"type": "string", "pattern": r"^[a-z0-9_]{0,48}$"},
                               "Only orders with this active finding."),
        "MinAge": parameter("min_age", "query", {"type": "integer", "minimum": 0},
                            "Only orders held at least this many seconds."),
        "QueuePage": parameter("page", "query", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
                               "Which page, 1 (the oldest orders) first."),
        "QueuePerPage": parameter("per_page", "query", {"type": "integer", "minimum": 1, "maximum": 200,
                                                        "default": 200}, "Orders per page."),
    }


def _order_action(op_id: str, summary: str, body: dict | None, description: str) -> dict:
    """Return a back-office operation on one order; it answers the order as the auditor sees it."""
    return operation(op_id, summary, "back office", ("200", "The order after the action.", ref("Order")),
                     errors="400 401 403 404 409", roles="auditor", body=body, params=("OrderId",),
                     description=description + " Claims the order for the caller first (409 claimed when another "
                                 "auditor holds a fresh claim). API tokens cannot act (403).")


def _add_to_blocklist() -> dict:
    """Return the blocklist insert, which answers 201 for a new entry and 200 for one already there."""
    op = operation("addToBlocklist", "Blocklist a buyer id, phone or address", "back office",
                   ("201", "The new entry.", ref("BlocklistEntry")), errors="400 401 403", roles="auditor",
                   body=request("BlocklistInput", {"kind": "phone", "value": "13812345678", "reason": "chargebacks"}))
    op["responses"]["200"] = {"description": "The entry was there already; it is answered unchanged.",
                              "content": json_body(ref("BlocklistEntry"))}
    return op


def paths() -> dict:
    """Return the back-office operations: the audit queue, order decisions, audit policies and the blocklist."""
    reason = request("ReasonInput", {"reason": "buyer confirmed the address by phone"})
    edit = request("BuyerEdit", {"buyer": {"phone": "13912345678"}, "reason": "buyer called"})
    found = {"/api/v1/orders/{order_id}": {"patch": _order_action(
        "editBuyer", "Correct an order's buyer fields", edit,
        "Changes `buyer.name`, `buyer.phone` and `buyer.address.*` (not of a paid order), and the SKU (or variant) "
        "and quantity of a held or waitlisted order's lines (`items`, by line position); a received, held or "
        "waitlisted order is audited again. Changed lines are re-reserved at once, all or nothing: 409 stock_short "
        "(naming the line) when they are not in stock, and the order keeps the units it had. History records each "
        "changed field with its value before and after.")}}
    decisions = {
        "approve": "Approve a held order: its blocking findings are overridden and it is reviewed again, keeping "
                   "its reservation or its place in line. 409 needs_fix (naming the line) when its items must be "
                   "fixed first (variant_missing, sku_unknown, qty_invalid…).",
        "reject": "Reject an order (not a paid one): stock and promotions go back.",
        "hold": "Hold an accepted, waitlisted or received order for a closer look.",
    }
    found |= {f"/api/v1/orders/{{order_id}}/{action}": {"post": _order_action(
        f"{action}Order", f"{action.capitalize()} an order", reason, text)} for action, text in decisions.items()}
    found["/api/v1/orders/{order_id}/extend"] = {"post": _order_action(
        "extendOrder", "Extend a held order's reservation",
        request("ExtendInput", {"reason": "waiting for the buyer's call", "minutes": 60}),
        "A held order reserves its units and expires unpaid like an accepted one; this sets its reservation to "
        "`minutes` from now (default: the broadcast's reservation_minutes). 409 when it reserves nothing.")}
    claim_minutes = int(CLAIM_TIMEOUT.total_seconds() // 60)
    claims = {
        "claim": ("Claim an order",
                  f"Mark the order as being worked on by the caller (for {claim_minutes} minutes of inactivity)."),
        "release": ("Give a claim back", "Nothing happens when the caller did not hold the claim."),
    }
    found |= {f"/api/v1/orders/{{order_id}}/{action}": {"post": _order_action(
        f"{action}Order", summary, None, text)} for action, (summary, text) in claims.items()}
    return found | {
        "/api/v1/orders/{order_id}/findings/{code}/override": {"post": operation(
            "overrideFinding", "Override one finding of an order", "back office",
            ("200", "The order after the override.", ref("Order")), errors="400 401 403 404 409",
            roles="auditor", body=reason, params=("OrderId", "FindingCode"),
            description="A held order with nothing left blocking is reviewed again. 404 unknown_finding when "
                        "the order has no such active finding.")},
        "/api/v1/orders/bulk-approve": {"post": operation(
            "bulkApprove", "Approve several held orders with one reason", "back office",
            ("200", "One result per order id; a failed one does not stop the others.", ref("BulkApproveResults")),
            errors="400 401 403", roles="auditor",
            body=request("BulkApproveInput", {"order_ids": ["DY-778899", "DY-778900"], "reason": "checked"}))},
        "/api/v1/audit/queue": {"get": operation(
            "auditQueue", "Held orders waiting for a person, oldest first", "back office",
            ("200", "A page of held orders with their age and SLA, and how many match in all.", ref("Queue")),
            errors="400 401 403", roles="auditor",
            params=("QueueBroadcast", "QueueCode", "MinAge", "QueuePage", "QueuePerPage"))},
        "/api/v1/broadcasts/{broadcast_id}/audit-policy": {
            "get": operation("getAuditPolicy", "Show a broadcast's audit thresholds", "back office",
                             ("200", "The saved thresholds, or the defaults.", ref("AuditPolicy")), errors="401 404",
                             params=("BroadcastId",)),
            "put": operation("putAuditPolicy", "Replace a broadcast's audit thresholds", "back office",
                             ("200", "The thresholds as saved.", ref("AuditPolicy")), errors="400 401 403 404",
                             roles="auditor", params=("BroadcastId",),
                             body=request("AuditPolicyInput", {"max_qty_per_buyer_per_product": 5,
                                                               "price_tolerance": "0.50", "sla_seconds": 300}),
                             description="Missing fields take their defaults; an unknown field or a bad value "
                                         "answers 400 invalid_policy."),
        },
        "/api/v1/blocklist": {
            "get": operation("listBlocklist", "List blocklisted buyer ids, phones and addresses", "back office",
                             ("200", "Every entry.", ref("Blocklist")), errors="401 403", roles="auditor"),
            "post": _add_to_blocklist(),
        },
        "/api/v1/blocklist/{entry_id}": {"delete": operation(
            "removeFromBlocklist", "Remove a blocklist entry", "back office",
            ("200", "The id removed.", ref("Deleted")), errors="401 403 404", roles="auditor",
            params=("EntryId",))},
    }


def schemas() -> dict:
    """Return the back-office bodies: queue items, buyer edits, bulk approval, audit policy, blocklist."""
    policy = {"max_qty_per_buyer_per_product": nullable(integer("No limit when null.", minimum=1)),
              "abnormal_qty_per_sku": integer(minimum=1),
              "duplicate_window_seconds": integer("0 turns duplicate detection off.", minimum=0),
              "price_tolerance": MONEY, "reservation_minutes": integer(minimum=1), "sla_seconds": integer(minimum=1)}
    address = obj({key: text(300 if key == "detail" else 64) for key in ("province", "city", "district", "detail")})
    entry = {"id": integer(), "kind": string(enum=["buyer_id", "phone", "address"]), "value": string(),
             "reason": nullable(string())}
    result = obj({"order_id": string(), "status": string(
                      "approved: the order is now accepted or paid; waitlisted: approved, no stock yet; held: "
                      "still held (a finding the approval did not cover); failed: not approved (see error).",
                      enum=["approved", "waitlisted", "held", "failed"]),
                  "order_status": string("The order's status after the approval."), "order": ref("Order"),
                  "error": ref("ErrorDetail")}, required=("order_id", "status"))
    outcomes = {key: integer(minimum=0) for key in ("approved", "waitlisted", "held", "failed")}
    return {
        "QueueItem": {"allOf": [ref("Order"), obj({"age_seconds": integer(), "sla_seconds": integer(),
                                                   "late": {"type": "boolean"},
                                                   "phone_masked": nullable(string(
                                                       "The buyer's phone as the queue shows it: 138****5678."))},
                                                  required=("age_seconds", "sla_seconds", "late"))]},
        "Queue": obj({"orders": array(ref("QueueItem"), "This page of held orders, oldest first."),
                      "total": integer("How many held orders match the filters, on every page.", minimum=0),
                      "page": integer(minimum=1), "per_page": integer(minimum=1, maximum=200),
                      "by_broadcast": obj({}, additionalProperties=integer(minimum=0),
                                          description="Matching held orders per broadcast id.")},
                     required=("orders", "total", "page", "per_page", "by_broadcast")),
        "ReasonInput": obj({"reason": text(500)}, required=("reason",), additionalProperties=False,
                           description="Only the reason; another field answers 400 unknown_field."),
        "BuyerEdit": obj({"buyer": obj({"name": text(100), "phone": text(32), "address": address},
                                       description="Only these keys; another one answers 400 unknown_field."),
                          "items": array(obj({"sku": text(64), "qty": integer(minimum=1, maximum=10_000)},
                                             additionalProperties=False), "Line edits by position; {} keeps a line.",
                                         minItems=1, maxItems=50),
                          "reason": text(500)}, description="Send buyer, items or both."),
        "ExtendInput": obj({"reason": text(500), "minutes": integer(minimum=1, maximum=1440)}, required=("reason",)),
        "BulkApproveInput": obj({"order_ids": array(string(), minItems=1, maxItems=200), "reason": text(500)},
                                required=("order_ids", "reason")),
        "BulkApproveResults": obj({"results": array(result, "One per order id, in request order."),
                                   "summary": obj(outcomes, required=tuple(outcomes),
                                                  description="How many results ended each way.")},
                                  required=("results", "summary")),
        "AuditPolicy": obj(policy, required=tuple(policy)),
        "AuditPolicyInput": obj(policy | {"price_tolerance": EVENT_AMOUNT}, additionalProperties=False,
                                description="Missing fields take their defaults; unknown ones answer 400."),
        "BlocklistEntry": obj(entry, required=tuple(entry)),
        "BlocklistInput": obj({"kind": entry["kind"], "value": text(300), "reason": text(500)},
                              required=("kind", "value")),
        "Blocklist": obj({"entries": array(ref("BlocklistEntry"))}, required=("entries",)),
        "Deleted": obj({"deleted": integer()}, required=("deleted",)),
    }
