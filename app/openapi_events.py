"""Component schemas of the ingestion events (POST /api/v1/broadcasts/<id>/events) in the v1 OpenAPI document."""
from __future__ import annotations

from app.openapi_schemas import (
    EVENT_AMOUNT, STORED_ID, TIMESTAMP_INPUT, array, camel, integer, nullable, obj, ref, string, text,
)
from live.events import EVENT_TYPES, MAX_ID, MAX_TEXT, ORDER_SOURCES

MAX_EVENTS = 1000  # live/api.py MAX_EVENTS (not imported: that pulls in the blueprint); a test keeps them equal


def event_schema_name(event_type: str) -> str:
    """Return the component name of an event type's schema (order_cancel -> OrderCancelEvent)."""
    return camel(event_type) + "Event"


_VIEWER_ID = text(STORED_ID, "The platform's viewer id.", examples=["u-88"])
_NICKNAME = text(100)
_SKU = text(STORED_ID, examples=["TEA-01"])
_ORDER_ID = text(64, "The platform's order id; unique across LiveDesk.", examples=["DY-778899"])


def _order_event_fields() -> dict:
    """Return the fields of an order event beyond the envelope."""
    address = nullable(obj({key: nullable(text(300 if key == "detail" else 64))
                            for key in ("province", "city", "district", "detail")}))
    buyer = nullable(obj({"id": nullable(text(STORED_ID)), "name": nullable(text(100)),
                          "phone": nullable(text(32)), "address": address},
                         description="Missing values are stored as null and left for the audit to flag."))
    item = obj({"sku": _SKU,
                "qty": integer("Orders with no item or a quantity of 0 or less are held.",
                               minimum=-1_000_000, maximum=1_000_000),
                "unit_price": nullable({**EVENT_AMOUNT, "description": "Absent or null: the broadcast's live price, "
                                        "else the variant's, else the product's."})},
               required=("sku", "qty"))
    return {
        "order_id": _ORDER_ID,
        "source": string(enum=list(ORDER_SOURCES)),
        "buyer": buyer,
        "items": nullable(array(item, maxItems=100)),
        "coupon_codes": nullable(array(text(64), "Coupon codes the buyer used.")),
        "comment_id": nullable(text(STORED_ID, "The chat comment the order came from.")),
    }


def event_fields() -> dict[str, tuple[dict, tuple]]:
    """Return, per event type, its own fields and which of them are required."""
    return {
        "viewer_join": ({"viewer_id": _VIEWER_ID, "nickname": _NICKNAME}, ("viewer_id",)),
        "viewer_leave": ({"viewer_id": _VIEWER_ID}, ("viewer_id",)),
        "product_click": ({"viewer_id": _VIEWER_ID, "sku": _SKU}, ("viewer_id", "sku")),
        "product_pin": ({"sku": _SKU}, ("sku",)),
        "product_unpin": ({"sku": _SKU}, ("sku",)),
        "chat": ({"viewer_id": _VIEWER_ID, "nickname": _NICKNAME, "text": text(MAX_TEXT)}, ("viewer_id", "text")),
        "order": (_order_event_fields(), ("order_id", "source")),
        "payment": ({"order_id": _ORDER_ID, "status": string(enum=["paid", "failed"]), "amount": EVENT_AMOUNT,
                     "method": text(32, examples=["alipay"])}, ("order_id", "status", "amount")),
        "order_cancel": ({"order_id": _ORDER_ID, "reason": nullable(text(500))}, ("order_id",)),
    }


def event_schemas() -> dict:
    """Return one schema per event type, the Event oneOf over them, the batch and the per-event results."""
    schemas = {}
    for event_type, (fields, required) in event_fields().items():
        envelope = {"id": text(MAX_ID, "Unique per API token across all broadcasts; a repeat is a duplicate."),
                    "type": string(const=event_type), "ts": TIMESTAMP_INPUT}
        schemas[event_schema_name(event_type)] = obj({**envelope, **fields}, required=("id", "type", "ts", *required))
    mapping = {t: f"#/components/schemas/{event_schema_name(t)}" for t in EVENT_TYPES}
    schemas["Event"] = {"oneOf": [ref(event_schema_name(t)) for t in EVENT_TYPES],
                        "discriminator": {"propertyName": "type", "mapping": mapping}}
    schemas["EventBatch"] = obj({"events": array(ref("Event"), f"1 to {MAX_EVENTS:,} events. An event that is "
                                                 "not valid is answered as rejected; it does not fail the batch.",
                                                 minItems=1, maxItems=MAX_EVENTS)}, required=("events",))
    schemas["EventError"] = obj({"code": string(), "field": string(), "message": string()},
                                required=("code", "field", "message"))
    schemas["EventResult"] = obj({
        "id": nullable(string("The event's id; null when it had no string id.")),
        "status": string(enum=["accepted", "duplicate", "rejected"]),
        "error": ref("EventError"),
        "order": {**ref("Order"), "description": "The order the event created or changed (order, payment, "
                  "order_cancel), or for a duplicate order event the order already stored. Buyer data is not masked."},
        "action": string("Accepted chat events: the moderation decision (hide: moderators only; hold: waits for "
                         "a moderator).", enum=["allow", "hide", "hold"]),
        "viewer_action": {**ref("ViewerAction"), "description": "Accepted chat events: the timeout or ban applied "
                          "to the viewer; absent when none."},
    }, required=("id", "status"), **{"if": {"properties": {"status": {"const": "rejected"}}},
                                     "then": {"required": ["error"]}})
    schemas["EventResults"] = obj({"results": array(ref("EventResult"), "One per event, in request order.")},
                                  required=("results",))
    return schemas
