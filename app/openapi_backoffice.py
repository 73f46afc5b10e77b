"""OpenAPI operations of orders, the back office (audit queue, order actions, blocklist, policy) and promotions."""
from __future__ import annotations

from app.openapi_schemas import ref
from app.openapi_spec import json_body, operation, request


def order_paths() -> dict:
    """Return the order read operations."""
    masked = "Buyer data is masked unless the caller's role sees PII; unmasked views are logged."
    return {
        "/api/v1/orders": {
            "get": operation("listOrders", "List orders, newest first, 50 a page", "orders",
                             ("200", "One page of orders.", ref("OrderPage")), errors="400 401",
                             params=("BroadcastFilter", "StatusFilter", "Page"), description=masked),
        },
        "/api/v1/orders/{order_id}": {
            "get": operation("getOrder", "Show an order with its history", "orders",
                             ("200", "The order.", ref("OrderDetail")), errors="401 404", params=("OrderId",),
                             description=masked),
            "patch": _order_action("editBuyer", "Correct an order's buyer fields",
                                   request("BuyerEdit", {"buyer": {"phone": "13912345678"}, "reason": "buyer called"}),
                                   "Changes `buyer.name`, `buyer.phone` and `buyer.address.*` (not of a paid order); "
                                   "a received, held or waitlisted order is audited again."),
        },
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


def audit_paths() -> dict:
    """Return the back-office operations: the audit queue, order decisions, audit policies and the blocklist."""
    reason = request("ReasonInput", {"reason": "buyer confirmed the address by phone"})
    paths = {
        f"/api/v1/orders/{{order_id}}/{action}": {"post": _order_action(
            f"{action}Order", f"{action.capitalize()} an order", reason, text)}
        for action, text in (("approve", "Approve a held order: its blocking findings are overridden and it is "
                                         "reviewed again."),
                             ("reject", "Reject an order (not a paid one): stock and promotions go back."),
                             ("hold", "Hold an accepted, waitlisted or received order for a closer look."))
    }
    paths |= {
        f"/api/v1/orders/{{order_id}}/{action}": {"post": _order_action(
            f"{action}Order", summary, None, text)}
        for action, summary, text in (
            ("claim", "Claim an order", "Mark the order as being worked on by the caller (for 10 minutes of "
                                        "inactivity)."),
            ("release", "Give a claim back", "Nothing happens when the caller did not hold the claim."))
    }
    return paths | {
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
            ("200", "At most 200 held orders with their age and SLA.", ref("Queue")), errors="400 401 403",
            roles="auditor", params=("QueueBroadcast", "QueueCode", "MinAge"))},
        "/api/v1/broadcasts/{broadcast_id}/audit-policy": {
            "get": operation("getAuditPolicy", "Show a broadcast's audit thresholds", "back office",
                             ("200", "The saved thresholds, or the defaults.", ref("AuditPolicy")), errors="401",
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


def promotion_paths() -> dict:
    """Return the promotion operations."""
    managers = "service, auditor, host"
    example = {"code": "SPRING10", "kind": "coupon", "coupon_type": "percent", "value": "10", "max_discount": "30",
               "min_spend": "99.00", "uses_left": 500}
    return {
        "/api/v1/promotions": {
            "get": operation("listPromotions", "List promotions, newest first", "promotions",
                             ("200", "At most 500 promotions.", ref("PromotionList")), errors="400 401",
                             params=("PromotionBroadcast",)),
            "post": operation("createPromotion", "Create a flash sale, coupon, threshold (满减) or member price",
                              "promotions", ("201", "The promotion.", ref("Promotion")), errors="400 401 403 409",
                              roles=managers, body=request("PromotionInput", example),
                              description="Every field is checked: the first problem is `error`, all of them are "
                                          "`errors`. A taken code answers 409 code_exists."),
        },
        "/api/v1/promotions/{code}": {
            "get": operation("getPromotion", "Show a promotion", "promotions",
                             ("200", "The promotion.", ref("Promotion")), errors="401 404",
                             params=("PromotionCode",)),
            "put": operation("updatePromotion", "Change some fields of a promotion (counters included)",
                             "promotions", ("200", "The promotion after the change.", ref("Promotion")),
                             errors="400 401 403 404", roles=managers, params=("PromotionCode",),
                             body=request("PromotionUpdate", {"uses_left": 200, "priority": 50})),
            "delete": operation("deactivatePromotion", "Deactivate a promotion (it stays listed)", "promotions",
                                ("200", "The promotion, now inactive.", ref("Promotion")), errors="401 403 404",
                                roles=managers, params=("PromotionCode",)),
        },
    }
