"""OpenAPI fragment of fulfilment (orders/fulfilment/api): shipments, tracking, packing, lists, carriers, ship-by
policy, and the tracking providers' signed callbacks.
"""
from __future__ import annotations

from app.openapi.operations import json_body, operation, parameter, request
from app.openapi.schemas import DATETIME, array, integer, nullable, obj, ref, string, text
from orders.fulfilment.models import SHIP_BY_MODES, SHIPMENT_STATUSES
from orders.fulfilment.neutral import MAX_CHECKPOINTS, NEUTRAL_STATUSES
from orders.fulfilment.providers import PROVIDERS
from orders.fulfilment.queries import TO_PACK_FILTERS

AGENTS = "aftersales"
READERS = "aftersales, auditor, host (tokens: scope aftersales or display)"
UNPROCESSABLE = {"description": "Well-formed but impossible: an unknown carrier or SKU, a tracking number that does "
                                "not fit the carrier, or more units than are left to ship; nothing was written.",
                 "content": json_body(ref("Error"), {"error": {"code": "qty_exceeds_remaining", "field": "lines[0].qty",
                                                               "message": "1 unit(s) of TEE are left to ship"}})}


def _with_422(op: dict) -> dict:
    op["responses"]["422"] = UNPROCESSABLE
    return op


def parameters() -> dict:
    """Return fulfilment's path and query parameters."""
    return {
        "ShipmentOrderId": parameter("order_id", "path", {"type": "string", "minLength": 1, "maxLength": 64},
                                     "The platform's order id."),
        "ShipmentId": parameter("shipment_id", "path", {"type": "string", "minLength": 1, "maxLength": 64},
                                "The shipment's id (SHP-…)."),
        "FulfilmentBroadcast": parameter("broadcast_id", "query", {"type": "integer", "minimum": 1,
                                                                   "maximum": 999_999_999_999_999_999},
                                         "Only orders of this broadcast."),
        "FulfilmentStatus": parameter("status", "query", {"type": "string", "enum": list(TO_PACK_FILTERS)},
                                      "Only orders in this status."),
        "TrackingProvider": parameter("provider", "path", {"type": "string", "enum": list(PROVIDERS)},
                                      "Who pushes: kuaidi100, kdniao, or the generic signed form."),
    }


def paths() -> dict:
    """Return the fulfilment operations."""
    shipments = "/api/v1/orders/{order_id}/shipments"
    return {
        shipments: {
            "get": operation("listShipments", "List an order's shipments", "fulfilment",
                             ("200", "The order's status and its shipments, oldest first.", ref("ShipmentList")),
                             errors="401 403 404", roles=READERS, params=("ShipmentOrderId",)),
            "post": _with_422(operation(
                "createShipment", "Ship an order, in full or in part", "fulfilment",
                ("201", "The shipment; order_status is the order's new status.", ref("Shipment")),
                errors="400 401 403 404 409", roles=f"{AGENTS} (tokens: scope aftersales)", params=("ShipmentOrderId",),
                body=request("ShipmentInput", {"carrier": "SF", "tracking_no": "SF1234567890123",
                                               "lines": [{"sku": "TEE-M", "qty": 1}]}),
                description="Without lines, every unit left ships (units refunded before shipping are not left). "
                            "The order must be paid, packed or partly shipped (409 invalid_state; 409 refunded when a "
                            "refund in full closed it before it shipped; 409 refund_requested while a refund_only "
                            "case of it is requested or approved); it becomes `shipped`, or `partially_shipped` "
                            "while units are left. "
                            "The buyer gets a `shipped` notice with the carrier, number and expected arrival. Refused "
                            "with 422, though the schema allows it: an unknown carrier, a number that does not fit the "
                            "carrier's pattern, an SKU not in the order or more units than are left "
                            "(`lines[i].qty`); 409 shipment_exists when the order already has that parcel."))},
        "/api/v1/shipments/{shipment_id}": {"get": operation(
            "getShipment", "Show a shipment with its tracking", "fulfilment", ("200", "The shipment.", ref("Shipment")),
            errors="401 403 404", roles=READERS, params=("ShipmentId",))},
        "/api/v1/shipments/{shipment_id}/tracking": {"post": operation(
            "postTracking", "Add tracking checkpoints to a shipment (the neutral form)", "fulfilment",
            ("200", "The shipment as it is now, with how many checkpoints were new.", ref("Shipment")),
            errors="400 401 403 404", roles=f"{AGENTS} (tokens: scope aftersales or ingest)", params=("ShipmentId",),
            body=request("TrackingInput", {"checkpoints": [{"at": "2026-12-07T03:45:00Z", "status": "delivered",
                                                            "description": "已签收，签收人：本人"}]}),
            description="A checkpoint already stored (same time and description) is ignored, so posting twice is "
                        "safe; the status follows the checkpoints in time order, whatever order they arrive in. "
                        "`delivered` on every shipment makes the order `delivered`; exception, returned or lost make "
                        "the order's status that problem, add a logistics_exception finding (物流问题) and tell the "
                        "buyer. Refused with 400, though the schema allows it: a time more than a year before now "
                        "or more than a day after it.")},
        "/api/v1/orders/pack": {"post": operation(
            "packOrders", "Mark paid orders packed", "fulfilment", ("200", "What happened to each order.", ref("PackResult")),
            errors="400 401 403", roles=f"{AGENTS} (tokens: scope aftersales)",
            body=request("PackInput", {"order_ids": ["DY-1001", "DY-1002"]}),
            description="Paid orders become `packing`; others are reported as already packed, refused (with the "
                        "reason: invalid_state, or refund_requested while a refund of the order is asked for) or "
                        "unknown. Nothing is refused as a whole.")},
        "/api/v1/fulfilment/overdue": {"get": operation(
            "listOverdue", "List orders past their ship-by deadline, and late-dispatch rates", "fulfilment",
            ("200", "Overdue orders (earliest deadline first), counts and the rate per broadcast.", ref("Overdue")),
            errors="400 401 403 404", roles=READERS, params=("FulfilmentBroadcast",))},
        "/api/v1/fulfilment/packing-list": {"get": operation(
            "getPackingList", "The packing list: units left to ship by SKU", "fulfilment",
            ("200", "Rows by SKU, most units first, and the totals; without units refunded before shipping and "
                    "orders whose refund is asked for.", ref("PackingList")),
            errors="400 401 403 404", roles=READERS, params=("FulfilmentBroadcast", "FulfilmentStatus"))},
        "/api/v1/fulfilment/packing-list.csv": {"get": _csv(operation(
            "getPackingListCsv", "The packing list as CSV", "fulfilment", ("200", "CSV", {"type": "string"}),
            errors="400 401 403 404", roles=READERS, params=("FulfilmentBroadcast", "FulfilmentStatus")))},
        "/api/v1/fulfilment/tracking-issues": {"get": operation(
            "listTrackingIssues", "List parcels with a delivery problem or no update for days", "fulfilment",
            ("200", "Shipments, oldest news first.", obj({"shipments": array(ref("Shipment"))}, required=("shipments",))),
            errors="401 403", roles=READERS)},
        "/api/v1/carriers": {
            "get": operation("listCarriers", "List the carriers", "fulfilment",
                             ("200", "Built-in carriers, then the ones admins added.",
                              obj({"carriers": array(ref("Carrier"))}, required=("carriers",))),
                             errors="401 403", roles=READERS),
            "post": operation("addCarrier", "Add a carrier", "fulfilment", ("201", "The carrier.", ref("Carrier")),
                              errors="400 401 403 409", roles="admin only (no token)",
                              body=request("CarrierInput", {"code": "DB", "name_en": "Deppon", "name_zh": "德邦快递",
                                                            "tracking_pattern": "DPK\\d{12}", "kuaidi100_code": "debangkuaidi",
                                                            "kdniao_code": "DBL", "eta_days": 3}),
                              description="Refused with 409, though the schema allows it: a code a carrier has already.")},
        "/api/v1/broadcasts/{broadcast_id}/ship-by-policy": {
            "get": operation("getShipByPolicy", "Show a broadcast's ship-by deadline", "fulfilment",
                             ("200", "Hours or business days after payment.", ref("ShipByPolicy")),
                             errors="401 403 404", roles=READERS, params=("BroadcastId",)),
            "put": operation("putShipByPolicy", "Give a broadcast its own ship-by deadline", "fulfilment",
                             ("200", "The policy as saved.", ref("ShipByPolicy")), errors="400 401 403 404",
                             roles=f"{AGENTS} (tokens: scope aftersales)", params=("BroadcastId",),
                             body=request("ShipByPolicyInput", {"mode": "business_days", "amount": 2}),
                             description="Orders paid from now on get deadlines from it (default: 48 hours). "
                                         "Refused with 400, though the schema allows it: more than 20 business days.")},
        "/api/v1/tracking/{provider}": {"post": _callback(operation(
            "trackingCallback", "Take a tracking provider's push", "fulfilment",
            ("200", "Acknowledged as the provider expects (kuaidi100: result/returnCode/message; kdniao: "
                    "EBusinessID/UpdateTime/Success; generic: stored/unknown).", {"type": "object"}),
            errors="400 401 404", params=("TrackingProvider",),
            description="No token or login: the provider's signature authenticates the push (kuaidi100: form "
                        "fields param and sign = upper(md5(param + TRACKING_KUAIDI100_SALT)); kdniao: RequestData and "
                        "DataSign = base64(md5_hex(RequestData + TRACKING_KDNIAO_APP_KEY)); generic: a JSON body "
                        "{carrier, tracking_no, checkpoints} with X-Tracking-Signature: sha256=<hex HMAC-SHA256 "
                        "under TRACKING_WEBHOOK_SECRET>). A missing or bad signature, or an unset secret, answers 401 "
                        "and writes nothing; an unknown parcel is acknowledged. See docs/fulfilment.md."))},
    }


def _csv(op: dict) -> dict:
    op["responses"]["200"]["content"] = {"text/csv": {"schema": {"type": "string"}}}
    return op


def _callback(op: dict) -> dict:
    op["security"] = [{}]  # anonymous as far as tokens go: the body's signature is checked instead
    form = {"type": "object", "properties": {"param": string(), "sign": string(), "RequestData": string(),
                                             "DataSign": string(), "RequestType": string()}}
    op["requestBody"] = {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": form},
                                                       "application/json": {"schema": ref("GenericTrackingInput")}}}
    return op


def schemas() -> dict:
    """Return the shipment, tracking, packing, list, carrier and policy bodies."""
    line = obj({"sku": text(64), "qty": integer(minimum=1, maximum=100_000)}, required=("sku", "qty"))
    checkpoint_in = obj({"at": DATETIME, "status": string(enum=list(NEUTRAL_STATUSES)),
                         "description": string(maxLength=500), "location": string(maxLength=200)},
                        required=("at", "status"))
    checkpoint = obj({"at": DATETIME, "status": string(), "description": nullable(string()),
                      "location": nullable(string()), "provider": string(), "raw_state": nullable(string())},
                     required=("at", "status"))
    order_row = obj({"order_id": string(), "broadcast_id": integer(), "status": string(), "paid_at": nullable(DATETIME),
                     "ship_by_at": nullable(DATETIME), "packed_at": nullable(DATETIME),
                     "left_to_ship": array(obj({"sku": string(), "qty": integer()}))},
                    required=("order_id", "status", "ship_by_at", "left_to_ship"))
    carrier_fields = {"code": string(pattern="^[A-Za-z0-9]{2,16}$"), "name_en": string(maxLength=80),
                      "name_zh": string(maxLength=80), "tracking_pattern": nullable(string(maxLength=200)),
                      "kuaidi100_code": nullable(string(maxLength=32)), "kdniao_code": nullable(string(maxLength=16)),
                      "eta_days": integer(minimum=1, maximum=60)}
    return {
        "ShipmentInput": obj({
            "carrier": text(16, "A carrier code: SF, ZTO, YTO, YD, STO, JD, EMS, JT, or one an admin added."),
            "tracking_no": text(64, "Spaces are taken out and letters upper-cased; it must fit the carrier."),
            "lines": array(line, "Units in this parcel; left out: every unit left.", minItems=1, maxItems=200),
            "eta": string("Expected arrival (default: the carrier's typical days).", format="date-time")},
            required=("carrier", "tracking_no")),
        "Shipment": obj({
            "shipment_id": string(), "order_id": string(), "status": string(enum=list(SHIPMENT_STATUSES)),
            "carrier": string(), "tracking_no": string(), "lines": array(obj({"sku": string(), "qty": integer()})),
            "eta": nullable(DATETIME), "shipped_at": nullable(DATETIME), "delivered_at": nullable(DATETIME),
            "last_checkpoint_at": nullable(DATETIME), "stale_since": nullable(DATETIME), "created_by": string(),
            "checkpoints": array(checkpoint, "Newest first."), "order_status": string("After the change."),
            "stored": integer("Checkpoints that were new (POST tracking)."), "ignored": integer()},
            required=("shipment_id", "order_id", "status", "carrier", "tracking_no", "lines")),
        "ShipmentList": obj({"order_id": string(), "status": string(), "shipments": array(ref("Shipment"))},
                            required=("order_id", "status", "shipments")),
        "TrackingInput": obj({"checkpoints": array(checkpoint_in, minItems=1, maxItems=MAX_CHECKPOINTS)},
                             required=("checkpoints",)),
        "GenericTrackingInput": obj({"carrier": text(16), "tracking_no": text(64),
                                     "checkpoints": array(checkpoint_in, minItems=1, maxItems=MAX_CHECKPOINTS)},
                                    required=("carrier", "tracking_no", "checkpoints")),
        "PackInput": obj({"order_ids": array(string(minLength=1, maxLength=64), minItems=1, maxItems=500)},
                         required=("order_ids",)),
        "PackResult": obj({"packed": array(string()), "already_packed": array(string()),
                           "refused": array(obj({"order_id": string(), "code": string(), "status": string(),
                                                 "message": string()})),
                           "unknown": array(string())}, required=("packed", "already_packed", "refused", "unknown")),
        "Overdue": obj({
            "generated_at": DATETIME, "orders": array(order_row),
            "counts": obj({k: integer() for k in ("to_pack", "packed", "partly_shipped", "overdue")}),
            "late_dispatch": array(obj({"broadcast_id": integer(), "title": string(), "shipped": integer(),
                                        "late": integer(), "rate": nullable({"type": "number", "minimum": 0,
                                                                             "maximum": 1})}))},
            required=("orders", "counts", "late_dispatch")),
        "PackingList": obj({
            "broadcast_id": nullable(integer()), "status": nullable(string()),
            "rows": array(obj({"sku": string(), "name": nullable(string()), "units": integer(), "orders": integer(),
                               "order_ids": array(string())})),
            "total_units": integer(), "total_orders": integer()}, required=("rows", "total_units", "total_orders")),
        "Carrier": obj({**carrier_fields, "builtin": {"type": "boolean"}}, required=("code", "name_en", "name_zh")),
        "CarrierInput": obj(carrier_fields, required=("code",)),
        "ShipByPolicy": obj({"mode": string(enum=list(SHIP_BY_MODES)), "amount": integer(), "zone": string()},
                            required=("mode", "amount")),
        "ShipByPolicyInput": obj({"mode": string(enum=list(SHIP_BY_MODES)),
                                  "amount": integer("Hours (1–720) or business days (1–20).", minimum=1, maximum=720)},
                                 required=("amount",)),
    }
