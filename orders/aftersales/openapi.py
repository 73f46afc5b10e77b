"""OpenAPI fragment of after-sales (orders/aftersales/api.py): cases, their steps, refunds and the timer policy."""
from __future__ import annotations

from app.openapi.operations import json_body, operation, parameter, request
from app.openapi.schemas import DATETIME, MONEY, MONEY_INPUT, array, integer, nullable, obj, ref, string, text
from orders.aftersales.flow import ACTIONS
from orders.aftersales.models import (CASE_REASONS, CASE_STATUSES, CASE_TYPES, REFUND_STATUSES, RESPONSIBILITIES,
                                      SYSTEM_REASONS)

TAG = "after-sales"
ROLES_ACT = "aftersales (token scope aftersales)"
ROLES_READ = "aftersales, auditor (token scope aftersales)"
_CASE = "/api/v1/aftersales/{case_id}"
UNPROCESSABLE = {"description": "A limit of the case or the ledger: the error names the field (amount, lines[i].qty, "
                                "reason); nothing was written.", "content": json_body(ref("Error"), {"error": {
                                    "code": "amount_exceeds_refundable", "field": "amount",
                                    "message": "120.00 is more than the 99.00 paid and not yet refunded"}})}


def parameters() -> dict:
    """Return the case id, refund id and list filters."""
    return {
        "CaseId": parameter("case_id", "path", {"type": "string", "maxLength": 32}, "The case id (AS-…)."),
        "RefundId": parameter("refund_id", "path", {"type": "string", "maxLength": 32}, "The refund id (RF-…)."),
        "CaseStatus": parameter("status", "query", {"type": "string", "enum": ["open", "all", *CASE_STATUSES]},
                                "Only cases of this status; `open`: every case still running (the queue page's "
                                "default), `all` or none: every case."),
        "CaseType": parameter("type", "query", {"type": "string", "enum": list(CASE_TYPES)},
                              "Only cases of this type."),
        "CaseReason": parameter("reason", "query", {"type": "string", "enum": list(CASE_REASONS)},
                                "Only cases opened for this reason."),
        "CaseBroadcast": parameter("broadcast_id", "query", {"type": "integer", "minimum": 1},
                                   "Only cases of orders of this broadcast."),
        "CasePage": parameter("page", "query", {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1},
                              "Page number, from 1."),
        "CasePerPage": parameter("per_page", "query", {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
                                 "Cases per page."),
        "OrderIdPath": parameter("order_id", "path", {"type": "string", "maxLength": 64}, "The platform order id."),
    }


def _step(op_id: str, summary: str, body: str | None, example: dict | None, description: str,
          errors: str = "400 401 403 404 409", required: bool = False) -> dict:
    op = operation(op_id, summary, TAG, ("200", "The case after the step, with its timeline.", ref("Case")),
                   errors=errors, roles=ROLES_ACT, params=("CaseId",), description=description,
                   body=None if body is None else request(body, example or {}, required=required))
    op["responses"]["422"] = UNPROCESSABLE
    return op


def paths() -> dict:
    """Return the after-sales operations."""
    opened = operation("openAftersale", "Open an after-sales case for an order", TAG,
                       ("201", "The new case (status requested, its respond deadline).", ref("Case")),
                       errors="400 401 403 404 409", roles=ROLES_ACT, params=("OrderIdPath",),
                       body=request("CaseInput", {"type": "return_refund", "reason": "quality",
                                                  "lines": [{"sku": "TEA-01", "qty": 1}]}),
                       description="Only a paid order; goods types (return_refund, exchange, reship, repair) need a "
                                   "shipped one (409 not_paid / not_shipped). `lines` defaults to every unit not yet "
                                   "in a case (refund_only: none). `amount` (refund types) defaults to the lines' "
                                   "value, and may not exceed what was paid and not yet refunded (422 naming amount).")
    opened["responses"]["422"] = UNPROCESSABLE
    return {
        "/api/v1/orders/{order_id}/aftersales": {"post": opened},
        "/api/v1/aftersales": {"get": operation(
            "listAftersales", "List after-sales cases, nearest deadline first", TAG,
            ("200", "One page of cases and how many match.", ref("CasePage")), errors="400 401 403",
            roles=ROLES_READ,
            params=("CaseStatus", "CaseType", "CaseReason", "CaseBroadcast", "CasePage", "CasePerPage"))},
        "/api/v1/aftersales/policy": {"get": operation(
            "getAftersalePolicy", "Show the after-sales timers", TAG,
            ("200", "Each timer in seconds, and the SKUs sold without 七天无理由.", ref("AftersalePolicy")),
            errors="401 403", roles=ROLES_READ)},
        _CASE: {"get": operation(
            "getAftersale", "Show a case with its lines, refunds and timeline", TAG,
            ("200", "The case.", ref("Case")), errors="401 403 404", roles=ROLES_READ, params=("CaseId",))},
        f"{_CASE}/approve": {"post": _step("approveAftersale", "Approve a request", "CaseStepInput",
                                           {"reason": "photos show the defect", "responsibility": "seller"},
                                           "A return case then waits for the buyer's parcel (7 days).")},
        f"{_CASE}/reject": {"post": _step("rejectAftersale", "Reject a request", "CaseStepInput",
                                          {"reason": "the tag was removed"},
                                          "`reason` is required and shown to the buyer, who may appeal once.",
                                          required=True)},
        f"{_CASE}/appeal": {"post": _step("appealAftersale", "Record the buyer's one appeal", "CaseStepInput",
                                          {"reason": "the tag came off in the box"},
                                          "The case is requested again (409 when the appeal was used or lapsed).",
                                          required=True)},
        f"{_CASE}/cancel": {"post": _step("cancelAftersale", "Withdraw a case for the buyer", "CaseStepInput",
                                          {"reason": "buyer keeps the item"},
                                          "Before any goods came back; 409 refund_pending while a refund of the case "
                                          "waits for its payout (record it first).")},
        f"{_CASE}/complete": {"post": _step("completeAftersale", "Complete a case", "CaseStepInput", {},
                                            "After the replacement, missing or repaired item was shipped.")},
        f"{_CASE}/receive": {"post": _step("receiveAftersale", "Confirm the returned parcel", "CaseLinesInput",
                                           {"lines": [{"sku": "TEA-01", "qty": 1}]},
                                           "Units received per line (default: every unit asked about).")},
        f"{_CASE}/inspect": {"post": _step("inspectAftersale", "Inspect what came back", "CaseInspectInput",
                                           {"lines": [{"sku": "TEA-01", "sellable_qty": 1}]},
                                           "Sellable units per line, at most those received (default: all "
                                           "received). Only these go back on stock, when refunded or exchanged.")},
        f"{_CASE}/return-shipment": {"post": _step("returnShipmentAftersale", "Record the buyer's return parcel",
                                                   "ParcelInput", {"carrier": "SF", "tracking": "SF1234567890"},
                                                   "Starts the 10-day receipt timer.", required=True)},
        f"{_CASE}/replacement": {"post": _step("replacementAftersale", "Ship the replacement", "ParcelInput",
                                               {"carrier": "SF", "tracking": "SF1234567890123"},
                                               "Exchange and reship take the units from stock (409 out_of_stock); "
                                               "an exchange sends only SKUs of the returned lines' products (another "
                                               "size or colour, or the same SKU: 400 not_a_variant_of_returned naming "
                                               "lines[i].sku), no more units of a product than came back of it (422 "
                                               "lines[i].qty), and puts the sellable returned units back. The "
                                               "carrier is one of the carriers table (422 unknown_carrier naming "
                                               "carrier) and the number fits its pattern (422 invalid_tracking_no "
                                               "naming tracking), as a shipment's; both are stored normalised.",
                                               required=True)},
        f"{_CASE}/claim": {"post": _step("claimAftersale", "Claim a case for 10 minutes", None, None,
                                         "Others get 409 claimed while the claim is fresh.")},
        f"{_CASE}/release": {"post": _step("releaseAftersale", "Give a claim back", None, None, "")},
        f"{_CASE}/refunds": {"post": _refund_op()},
        f"{_CASE}/refunds/{{refund_id}}/succeed": {"post": _settle_op("succeedRefund", "Confirm a pending payout")},
        f"{_CASE}/refunds/{{refund_id}}/fail": {"post": _settle_op("failRefund", "Record a failed payout")},
    }


def _refund_op() -> dict:
    op = operation("refundAftersale", "Refund a case", TAG, ("201", "The refund.", ref("Refund")),
                   errors="400 401 403 404 409", roles=ROLES_ACT, params=("CaseId",),
                   body=request("RefundInput", {"amount": "99.00", "lines": [{"sku": "TEA-01", "qty": 1}]}),
                   description="`amount` (goods) + `freight` may not exceed what was paid minus what was refunded "
                               "or is pending (422 amount_exceeds_refundable naming amount); `amount` may not exceed "
                               "the value of the lines it covers (422 amount_exceeds_lines). Succeeds at once unless "
                               "`status` is pending; a succeeded refund moves the case to refunded and puts the "
                               "sellable returned units back on stock.")
    op["responses"]["422"] = UNPROCESSABLE
    return op


def _settle_op(op_id: str, summary: str) -> dict:
    return operation(op_id, summary, TAG, ("200", "The refund, settled.", ref("Refund")),
                     errors="400 401 403 404 409", roles=ROLES_ACT, params=("CaseId", "RefundId"),
                     body=request("CaseStepInput", {"reason": "card closed"}, required=False),
                     description="Only a pending refund (409 refund_settled), whatever the case's status: a payout "
                                 "that went through is recorded even after the case ended or moved on. A failed "
                                 "payout needs a reason.")


def schemas() -> dict:
    """Return the case, refund, input and policy bodies."""
    line_in = obj({"sku": text(64), "qty": integer(minimum=1, maximum=100_000)}, required=("sku", "qty"))
    line = obj({"sku": string(), "qty": integer(), "unit_price": MONEY, "received_qty": integer(),
                "sellable_qty": integer(), "restocked_qty": integer()})
    parcel = obj({"carrier": nullable(string()), "tracking": nullable(string())})
    event = obj({"action": string(), "from_status": nullable(string()), "to_status": nullable(string()),
                 "actor": string(), "reason": nullable(string()), "data": nullable({"type": "object"}),
                 "timer": nullable(string("kind@deadline of the timer that fired the step.")), "version": integer(),
                 "at": DATETIME})
    case = obj({
        "case_id": string(), "order_id": string(), "broadcast_id": integer(), "type": string(enum=list(CASE_TYPES)),
        "reason": string(enum=list(CASE_REASONS)), "responsibility": nullable(string(enum=list(RESPONSIBILITIES))),
        "status": string(enum=list(CASE_STATUSES)), "ended": {"type": "boolean"},
        "deadline_at": nullable(DATETIME), "deadline_kind": nullable(string()),
        "deadline_source": nullable(string(enum=["policy", "platform"])),
        "platform": nullable(string()), "aftersale_id": nullable(string()),
        "requested_amount": nullable(MONEY), "freight_amount": MONEY, "freight_payer": nullable(string()),
        "note": nullable(string()), "appeal_used": {"type": "boolean"}, "rejection_reason": nullable(string()),
        "return_shipment": parcel, "replacement_shipment": parcel, "claimed_by": nullable(integer()),
        "claimed_at": nullable(DATETIME), "requested_by": string(), "version": integer(), "created_at": DATETIME,
        "updated_at": nullable(DATETIME), "closed_at": nullable(DATETIME), "order_paid": {**nullable(MONEY), "description": "What the buyer paid for the order: every paid payment, "
                                                   "a duplicate payment included (the refund ledger's paid)."},
        "order_refunded": MONEY, "lines": array(line), "refunds": array(ref("Refund")),
        "actions": array(string(enum=list(ACTIONS)), "What a person may do next."),
        "timeline": array(event, "Every step, oldest first (the case's detail and step answers)."),
    }, required=("case_id", "order_id", "type", "reason", "status", "deadline_at", "version", "lines", "actions"))
    refund = obj({"refund_id": string(), "case_id": nullable(string()), "order_id": nullable(string()),
                  "amount": MONEY, "freight": MONEY, "total": MONEY, "status": string(enum=list(REFUND_STATUSES)),
                  "lines": array(obj({"sku": string(), "qty": integer(), "amount": MONEY})),
                  "failure_reason": nullable(string()), "created_by": string(), "created_at": DATETIME,
                  "settled_at": nullable(DATETIME),
                  "case": obj({"case_id": string(), "status": string()}, description="The case after the refund.")},
                 required=("refund_id", "amount", "freight", "total", "status"))
    version = integer("The case version you read; 409 stale_version when someone changed it since.", minimum=0)
    return {
        "Case": case,
        "CasePage": obj({"cases": array(ref("Case")), "total": integer(), "page": integer(), "per_page": integer()},
                        required=("cases", "total", "page", "per_page")),
        "Refund": refund,
        "CaseInput": obj({"type": string(enum=list(CASE_TYPES)),
                          "reason": string(enum=[r for r in CASE_REASONS if r not in SYSTEM_REASONS]),
                          "lines": array(line_in, maxItems=100), "amount": MONEY_INPUT, "freight": MONEY_INPUT,
                          "note": text(1000)}, required=("type", "reason")),
        "CaseStepInput": obj({"reason": text(500), "responsibility": string(enum=list(RESPONSIBILITIES)),
                              "version": version}),
        "CaseLinesInput": obj({"lines": array(line_in, maxItems=100), "reason": text(500), "version": version}),
        "CaseInspectInput": obj({"lines": array(obj({"sku": text(64), "sellable_qty": integer(minimum=0)},
                                                    required=("sku", "sellable_qty")), maxItems=100),
                                 "reason": text(500), "version": version}),
        "ParcelInput": obj({"carrier": text(64), "tracking": text(64), "lines": array(line_in, maxItems=100),
                            "version": version}, required=("carrier", "tracking")),
        "RefundInput": obj({"amount": MONEY_INPUT, "freight": MONEY_INPUT, "lines": array(line_in, maxItems=100),
                            "status": string(enum=["succeeded", "pending"], default="succeeded"), "version": version},
                           required=("amount",)),
        "AftersalePolicy": obj({"timers": obj({name: integer() for name in (
            "respond", "return_ship", "confirm_receipt", "refund", "appeal", "no_reason")}),
            "no_reason_excluded_skus": array(string())}, required=("timers",)),
    }
