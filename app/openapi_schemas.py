"""Component schemas of the v1 OpenAPI document, built from small helpers (JSON Schema 2020-12)."""
from __future__ import annotations

from live.api import MAX_EVENTS
from live.events import EVENT_TYPES, MAX_ID, MAX_TEXT, ORDER_SOURCES
from live.models import BROADCAST_STATUSES
from orders.models import ORDER_STATUSES

STORED_ID = 64  # viewer, buyer, comment and SKU columns hold 64 characters


# --- helpers -------------------------------------------------------------------------------------------------

def ref(name: str) -> dict:
    """Return a $ref to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """Return schema that also accepts null."""
    if "$ref" in schema or "oneOf" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def string(description: str | None = None, **keywords) -> dict:
    """Return a string schema."""
    return {"type": "string", **({"description": description} if description else {}), **keywords}


def integer(description: str | None = None, **keywords) -> dict:
    """Return an integer schema."""
    return {"type": "integer", **({"description": description} if description else {}), **keywords}


def array(items: dict, description: str | None = None, **keywords) -> dict:
    """Return an array schema of items."""
    return {"type": "array", "items": items, **({"description": description} if description else {}), **keywords}


def obj(properties: dict, required: tuple | list = (), description: str | None = None, **keywords) -> dict:
    """Return an object schema; required lists the keys that must be present."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return {**schema, **keywords}


def text(max_len: int, description: str | None = None, **keywords) -> dict:
    """Return a non-empty string of at most max_len characters."""
    return string(description, minLength=1, maxLength=max_len, **keywords)


def camel(name: str) -> str:
    """Return snake_case name as CamelCase."""
    return "".join(part.capitalize() for part in name.split("_"))


def event_schema_name(event_type: str) -> str:
    """Return the component name of an event type's schema (order_cancel -> OrderCancelEvent)."""
    return camel(event_type) + "Event"


# --- scalars -------------------------------------------------------------------------------------------------

MONEY = string("Amount with exactly 2 decimals, e.g. \"79.00\".", pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["79.00"])
DATETIME = string("ISO-8601 date-time in UTC.", format="date-time", examples=["2025-03-01T04:02:00+00:00"])
MONEY_INPUT = {
    "description": "A JSON number or a numeric string, 0 to 100000000, at most 2 decimal places.",
    "oneOf": [{"type": "number", "minimum": 0, "maximum": 100000000},
              {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$"}],
    "examples": ["79.00", 79],
}
EVENT_AMOUNT = {
    "description": "A JSON number or a numeric string, 0 to 100000000; stored rounded half-up to the cent.",
    "oneOf": [{"type": "number", "minimum": 0, "maximum": 100000000},
              {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"}],
    "examples": ["158.00"],
}
TIMESTAMP_INPUT = {
    "description": "ISO-8601 with a time zone (Z or +08:00), or epoch milliseconds. Stored in UTC.",
    "oneOf": [string(format="date-time"), {"type": "number", "description": "epoch milliseconds"}],
    "examples": ["2025-03-01T12:02:00+08:00", 1740801720000],
}
STOCK_UNITS = integer("Units available now.", minimum=0, maximum=10_000_000)


# --- errors ---------------------------------------------------------------------------------------------------

def error_schemas() -> dict:
    """Return the error body and the error object it wraps."""
    detail = obj({
        "code": string("Stable machine-readable code, e.g. missing_field, invalid_amount, not_found."),
        "field": string("The field at fault (dotted path, e.g. buyer.phone or items[0].qty); absent when none."),
        "message": string("A sentence for people."),
    }, required=("code", "message"))
    example = {"error": {"code": "missing_field", "field": "sku", "message": "sku is required"}}
    return {"ErrorDetail": detail, "Error": obj({"error": ref("ErrorDetail")}, required=("error",), examples=[example])}


# --- catalogue ------------------------------------------------------------------------------------------------

def _levels() -> dict:
    """Return the stock counters shared by products, variants and stock levels."""
    return {"stock": integer("Units available now."), "reserved": integer("Units held by accepted, unpaid orders."),
            "sold": integer("Units of paid orders.")}


def catalogue_schemas() -> dict:
    """Return products, variants, stock levels and their request bodies."""
    variant = obj({"sku": string(), "name": string(), "price": MONEY, **_levels()},
                  required=("sku", "name", "price", "stock", "reserved", "sold"),
                  description="A variant; its price falls back to the product's.")
    product_props = {"sku": string(), "name": string(), "price": MONEY, **_levels(),
                     "variants": array(ref("Variant"))}
    product = obj(product_props, required=tuple(product_props),
                  description="A product; with variants, stock is kept per variant and the product's counters are sums.")
    variant_input = obj({"sku": text(64), "name": text(200), "stock": STOCK_UNITS, "price": MONEY_INPUT},
                        required=("sku", "name", "stock"))
    product_input = obj({
        "sku": text(64), "name": text(200), "price": MONEY_INPUT,
        "stock": {**STOCK_UNITS, "description": "Initial units; required without variants, ignored with them."},
        "variants": array(ref("VariantInput"), maxItems=200),
    }, required=("sku", "name", "price"))
    return {
        "Variant": variant,
        "Product": product,
        "ProductList": obj({"products": array(ref("Product"))}, required=("products",)),
        "VariantInput": variant_input,
        "ProductInput": product_input,
        "StockInput": obj({"stock": STOCK_UNITS}, required=("stock",)),
        "StockLevel": obj({"sku": string(), "available": integer(), "reserved": integer(), "sold": integer(),
                           "stock": integer("Same as available.")},
                          required=("sku", "available", "reserved", "sold", "stock")),
    }


# --- broadcasts -----------------------------------------------------------------------------------------------

def broadcast_schemas() -> dict:
    """Return broadcasts, the line-up entry, totals, the snapshot and their request bodies."""
    broadcast_props = {"id": integer(), "title": string(), "platform": string(),
                       "status": string(enum=list(BROADCAST_STATUSES)),
                       "started_at": nullable(DATETIME), "ended_at": nullable(DATETIME)}
    totals_props = {"orders": integer("Orders not rejected, cancelled or expired."), "units": integer(),
                    "gmv": MONEY, "paid_orders": integer(), "paid_gmv": MONEY}
    snapshot_props = {
        "broadcast": ref("Broadcast"),
        "seq": integer("The last push seq this snapshot includes; join /live with last_seq=seq."),
        "orders": array(ref("Order"), "The latest 200 orders, newest first (masked unless the caller sees PII)."),
        "stock": array(ref("SnapshotProduct"), "The line-up in order, or the whole catalogue when it is empty."),
        "totals": ref("Totals"),
        "pinned_sku": nullable(string()),
    }
    return {
        "Broadcast": obj(broadcast_props, required=tuple(broadcast_props)),
        "BroadcastList": obj({"broadcasts": array(ref("Broadcast"), "Newest first, at most 200.")},
                             required=("broadcasts",)),
        "BroadcastInput": obj({"title": text(200), "platform": text(32, examples=["douyin"])},
                              required=("title", "platform")),
        "BroadcastStateInput": obj({"at": TIMESTAMP_INPUT}, description="Optional; `at` defaults to now."),
        "LineupInput": obj({"sku": text(64, "A product SKU (not a variant's)."), "live_price": MONEY_INPUT},
                           required=("sku",)),
        "LineupEntry": obj({"broadcast_id": integer(), "sku": string(), "live_price": nullable(MONEY)},
                           required=("broadcast_id", "sku", "live_price")),
        "Totals": obj(totals_props, required=tuple(totals_props)),
        "SnapshotProduct": {"allOf": [ref("Product"), obj({"live_price": nullable(MONEY)}, required=("live_price",))]},
        "Snapshot": obj(snapshot_props, required=tuple(snapshot_props)),
    }


# --- orders ---------------------------------------------------------------------------------------------------

def order_schemas() -> dict:
    """Return orders as the API shows them, with their history and paging."""
    address = obj({key: nullable(string()) for key in ("province", "city", "district", "detail")},
                  required=("province", "city", "district", "detail"),
                  description="Masked roles see `detail` as \"****\".")
    buyer = obj({"id": nullable(string()), "name": nullable(string()),
                 "phone": nullable(string("Masked roles see 138****5678.")), "address": ref("Address")},
                required=("id", "name", "phone", "address"))
    item = obj({"sku": string(), "qty": integer(), "unit_price": MONEY, "line_total": MONEY},
               required=("sku", "qty", "unit_price", "line_total"))
    order_props = {
        "order_id": string(), "broadcast_id": integer(), "status": string(enum=list(ORDER_STATUSES)),
        "source": string(enum=list(ORDER_SOURCES)), "buyer": ref("Buyer"), "items": array(ref("OrderItem")),
        "units": integer(), "total": MONEY, "paid_amount": nullable(MONEY),
        "coupon_codes": array(string()), "comment_id": nullable(string()),
        "placed_at": DATETIME, "received_at": DATETIME,
        "findings": array({"type": "object"}, "Audit findings; always empty in this version."),
    }
    history_props = {"action": string(examples=["received", "status_changed", "payment_paid", "note"]),
                     "from_status": nullable(string()), "to_status": nullable(string()), "actor": string(),
                     "reason": nullable(string()), "data": nullable({"type": "object"}), "at": DATETIME}
    return {
        "Address": address,
        "Buyer": buyer,
        "OrderItem": item,
        "Order": obj(order_props, required=tuple(order_props)),
        "HistoryEntry": obj(history_props, required=tuple(history_props)),
        "OrderDetail": {"allOf": [ref("Order"), obj({"history": array(ref("HistoryEntry"))}, required=("history",))]},
        "OrderPage": obj({"orders": array(ref("Order")), "page": integer(minimum=1), "per_page": integer(const=50),
                          "total": integer("Orders matching the filters.")},
                         required=("orders", "page", "per_page", "total")),
    }


# --- events ---------------------------------------------------------------------------------------------------

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
    }, required=("id", "status"), **{"if": {"properties": {"status": {"const": "rejected"}}},
                                     "then": {"required": ["error"]}})
    schemas["EventResults"] = obj({"results": array(ref("EventResult"), "One per event, in request order.")},
                                  required=("results",))
    return schemas


def all_schemas() -> dict:
    """Return every component schema of the document."""
    return {**error_schemas(), **catalogue_schemas(), **broadcast_schemas(), **order_schemas(), **event_schemas()}
