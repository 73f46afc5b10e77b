"""OpenAPI fragment of comment selling (orders/claims/api.py): claims, claim policy, reconciliation, reminders."""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, MONEY, array, integer, nullable, obj, ref, string
from orders.claims.status import CLAIM_STATUSES
from orders.claims.models import CLAIM_MODES, CLAIM_REASONS


def parameters() -> dict:
    """Return the claims' query parameters."""
    return {
        "ClaimStatus": parameter("status", "query", {"type": "string", "enum": list(CLAIM_STATUSES)},
                                 "Only claims of this status."),
        "ClaimPage": parameter("page", "query", {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1},
                               "Page number, from 1."),
        "ClaimPerPage": parameter("per_page", "query", {"type": "integer", "minimum": 1, "maximum": 500,
                                                        "default": 100}, "Claims per page."),
        "ClaimOrder": parameter("order", "query", {"type": "string", "enum": ["asc", "desc"], "default": "asc"},
                                "By comment time: oldest first (asc) or newest first (desc)."),
        "CommentId": parameter("comment_id", "path", {"type": "string", "minLength": 1, "maxLength": 128},
                               "The claim's comment id (the chat message's platform id)."),
        "UnpaidMinutes": parameter("unpaid_minutes", "query", {"type": "integer", "minimum": 0, "maximum": 1440,
                                                               "default": 5},
                                   "An order unpaid for this long is on the 催付 (payment reminder) list."),
    }


def paths() -> dict:
    """Return the comment-selling operations."""
    base = "/api/v1/broadcasts/{broadcast_id}"
    return {
        f"{base}/claims": {"get": operation(
            "listClaims", "List a broadcast's chat claims with their status, order or reason", "orders",
            ("200", "One page of claims by comment time, and how many match.", ref("ClaimPage")),
            errors="400 401 403 404", roles="host, auditor, moderator, service",
            params=("BroadcastId", "ClaimStatus", "ClaimOrder", "ClaimPage", "ClaimPerPage"))},
        f"{base}/claim-policy": {
            "get": operation("getClaimPolicy", "Show how a broadcast treats chat claims", "orders",
                             ("200", "The saved policy, or the defaults.", ref("ClaimPolicy")),
                             errors="401 403 404", roles="host, auditor, moderator, service", params=("BroadcastId",)),
            "put": operation("putClaimPolicy", "Change how a broadcast treats chat claims", "orders",
                             ("200", "The policy as saved.", ref("ClaimPolicy")), errors="400 401 403 404",
                             roles="host, auditor", params=("BroadcastId",),
                             body=request("ClaimPolicyInput", {"mode": "draft", "hold_minutes": 10}),
                             description="The fields sent replace the saved ones; an unknown field or a bad value "
                                         "answers 400 invalid_policy naming it."),
        },
        f"{base}/reconciliation": {"get": operation(
            "getReconciliation", "Reconcile a broadcast's chat claims with its orders", "orders",
            ("200", "Counts, lists and the comment → order lag.", ref("Reconciliation")),
            errors="400 401 403 404", roles="host, auditor, moderator, service",
            params=("BroadcastId", "UnpaidMinutes"),
            description="Claims with no order, drafts not completed, orders not paid within `unpaid_minutes` (催付), "
                        "orders whose comment was never seen, and the lag between comment and order. Each list "
                        "holds at most 1000 rows; its `total` counts them all. CSV: /broadcasts/{id}/reconciliation.csv.")},
        f"{base}/rejected-events": {"get": operation(
            "listRejectedEvents", "List the events refused for a broadcast, as received, with their error", "events",
            ("200", "One page of rejected events, newest first.", ref("RejectedEventPage")),
            errors="400 401 403 404", roles="host, auditor, service",
            params=("BroadcastId", "ClaimPage", "ClaimPerPage"),
            description="Every event the events API answered `rejected` is kept with the error, so a platform's "
                        "malformed deliveries can be found later.")},
        f"{base}/claims/{{comment_id}}/cancel": {"post": operation(
            "cancelClaimDraft", "Cancel a chat claim's draft order", "orders",
            ("200", "The claim, now cancelled.", ref("Claim")),
            errors="400 401 403 404 409", roles="host, auditor", params=("BroadcastId", "CommentId"),
            body=request("ClaimCancelInput", {"reason": "buyer asked to cancel"}, required=False),
            description="Only a draft (claim status claimed, order status claimed) can be cancelled (409 "
                        "not_a_draft otherwise): its reserved units go back through the order cancel path, so the "
                        "next claim or order waiting in line gets them; pushes order.updated and claims.changed.")},
        f"{base}/reminders": {"post": operation(
            "sendPaymentReminders", "Remind buyers of unpaid orders to pay (催付)", "orders",
            ("200", "The orders reminded and the ones skipped, with why.", ref("Reminders")),
            errors="400 401 403 404", roles="host, auditor, service", params=("BroadcastId",),
            body=request("RemindersInput", {"order_ids": ["DY-1001"]}),
            description="One payment_reminder notice per order through the buyer notice outbox; an order reminded "
                        "in the same minute, paid, closed or not of the broadcast is skipped.")},
    }


def schemas() -> dict:
    """Return the claim, claim page, policy, reconciliation and reminder bodies."""
    claim = obj({
        "comment_id": string(), "viewer_id": string(), "nickname": nullable(string()), "text": string(),
        "at": DATETIME, "link": nullable(string("The link named: a link number (3 for 3号) or a product code.")),
        "product_sku": nullable(string()), "variant_sku": nullable(string()), "qty": integer(minimum=1),
        "status": string(enum=list(CLAIM_STATUSES)), "order_id": string("Present when it has an order."),
        "order_status": nullable(string()), "ordered_at": nullable(DATETIME),
        "reason": string("Present when it could not be resolved or was held by moderation.",
                         enum=list(CLAIM_REASONS)),
    }, required=("comment_id", "viewer_id", "text", "product_sku", "variant_sku", "qty", "status"))
    policy_fields = {"mode": string("off: tag only; draft: a draft order reserving stock.", enum=list(CLAIM_MODES)),
                     "hold_minutes": integer("How long a draft holds its units unpaid.", minimum=1, maximum=1440),
                     "max_qty": integer("A claim for more units is left unresolved.", minimum=1, maximum=999)}
    listing = obj({"total": integer(), "items": array({"type": "object"})}, required=("total", "items"))
    counts = obj({name: integer() for name in (*CLAIM_STATUSES, "total")}, required=(*CLAIM_STATUSES, "total"))
    lag = obj({"count": integer(), "median": nullable({"type": "number"}), "p90": nullable({"type": "number"}),
               "max": nullable({"type": "number"})}, required=("count", "median", "p90", "max"),
              description="Seconds from comment to the platform's order (negative: the order came first).")
    unpaid_item = obj({"order_id": string(), "buyer_id": nullable(string()), "status": string(), "total": MONEY,
                       "comment_id": nullable(string()), "placed_at": DATETIME, "minutes_unpaid": integer(),
                       "reminded_at": nullable(DATETIME)})
    return {
        "Claim": claim,
        "ClaimPage": obj({"claims": array(ref("Claim")), "total": integer(), "page": integer(),
                          "per_page": integer(),
                          "counts": obj({name: integer() for name in CLAIM_STATUSES},
                                        description="Claims of the broadcast by status, whatever the filter.")},
                         required=("claims", "total")),
        "ClaimPolicy": obj(policy_fields, required=tuple(policy_fields)),
        "ClaimPolicyInput": obj(policy_fields, additionalProperties=False),
        "Reconciliation": obj({
            "broadcast_id": integer(), "generated_at": DATETIME, "counts": counts,
            "claims_without_order": listing, "open_drafts": listing,
            "unpaid": obj({"total": integer(), "minutes": integer(), "items": array(unpaid_item)},
                          required=("total", "minutes", "items")),
            "orders_without_comment": listing, "lag_seconds": lag,
        }, required=("counts", "claims_without_order", "open_drafts", "unpaid", "orders_without_comment",
                     "lag_seconds")),
        "RejectedEventPage": obj({
            "events": array(obj({"id": integer(), "source": string(), "event_id": nullable(string()),
                                 "type": nullable(string()), "error": {"type": "object"},
                                 "payload": {"description": "The event as received (any JSON value)."},
                                 "received_at": DATETIME}, required=("id", "error", "received_at"))),
            "total": integer(), "page": integer(), "per_page": integer()}, required=("events", "total")),
        "ClaimCancelInput": obj({"reason": string("Why, kept in the order's history (default: cancelled by the "
                                                  "host).", maxLength=500)}, additionalProperties=False),
        "RemindersInput": obj({"order_ids": array(string(minLength=1, maxLength=64), minItems=1, maxItems=200)},
                              required=("order_ids",), additionalProperties=False),
        "Reminders": obj({"queued": array(string()),
                          "skipped": array(obj({"order_id": string(), "reason": string(
                              enum=["unknown_order", "not_unpaid", "waiting_for_stock", "already_reminded"])}))},
                         required=("queued", "skipped")),
    }
