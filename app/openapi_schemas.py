"""Component schemas of the v1 OpenAPI document, built from small helpers (JSON Schema 2020-12)."""
from __future__ import annotations

from live.events import ORDER_SOURCES
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
    body = obj({"error": ref("ErrorDetail"),
                "errors": array(ref("ErrorDetail"), "Promotion bodies only: every problem found, the first "
                                "one repeated in `error`.")}, required=("error",), examples=[example])
    return {"ErrorDetail": detail, "Error": body}


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
                  description="A product; with variants, stock is kept per variant and its counters are their sums.")
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
    held = {"held": integer("Held orders among them.")}
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
        "Totals": obj(totals_props | held, required=tuple(totals_props)),
        "SnapshotProduct": {"allOf": [ref("Product"), obj({"live_price": nullable(MONEY)}, required=("live_price",))]},
        "Snapshot": obj(snapshot_props, required=tuple(snapshot_props)),
    }


# --- orders ---------------------------------------------------------------------------------------------------

def _finding() -> dict:
    """Return one audit finding as orders show it (docs/audit.md)."""
    override = obj({"by": string(), "reason": nullable(string()), "at": DATETIME}, required=("by", "reason", "at"))
    return obj({"code": string(examples=["phone_missing"]), "severity": string(enum=["block", "warn", "info"]),
                "field": string("Dotted path into the order; absent when about the whole order."),
                "message": obj({"en": string(), "zh-CN": string()}, description="One text per language."),
                "data": nullable({"type": "object"}), "override": override},
               required=("code", "severity", "message"))


def order_schemas() -> dict:
    """Return orders as the API shows them, with their history and paging."""
    address = obj({key: nullable(string()) for key in ("province", "city", "district", "detail")},
                  required=("province", "city", "district", "detail"),
                  description="Masked roles see `detail` as \"****\".")
    buyer = obj({"id": nullable(string()), "name": nullable(string()),
                 "phone": nullable(string("Masked roles see 138****5678.")), "address": ref("Address")},
                required=("id", "name", "phone", "address"))
    item = obj({"sku": string(), "qty": integer(), "unit_price": MONEY, "line_total": MONEY,
                "list_price": nullable(MONEY), "platform_unit_price": nullable(MONEY),
                "promotion": nullable(string()), "order_discount": MONEY},
               required=("sku", "qty", "unit_price", "line_total"))
    core = {
        "order_id": string(), "broadcast_id": integer(), "status": string(enum=list(ORDER_STATUSES)),
        "source": string(enum=list(ORDER_SOURCES)), "buyer": ref("Buyer"), "items": array(ref("OrderItem")),
        "units": integer(), "total": MONEY, "paid_amount": nullable(MONEY),
        "coupon_codes": array(string()), "comment_id": nullable(string()),
        "placed_at": DATETIME, "received_at": DATETIME,
        "findings": array(ref("Finding"), "The active findings of the order audit; empty when none."),
    }
    audit = {  # pricing and back-office state added by the order audit
        "subtotal": MONEY, "discount": MONEY, "refund_due": {"type": "boolean"},
        "promotions": array({"type": "object"}, "Every promotion applied or refused, with the reason."),
        "reserved_until": nullable(DATETIME), "held_at": nullable(DATETIME), "waitlisted_at": nullable(DATETIME),
        "claimed_by": nullable(integer("The id of the auditor working on the order.")),
    }
    history_props = {"action": string(examples=["received", "status_changed", "note"]),
                     "from_status": nullable(string()), "to_status": nullable(string()), "actor": string(),
                     "reason": nullable(string()), "data": nullable({"type": "object"}), "at": DATETIME}
    detail = obj({"history": array(ref("HistoryEntry")),
                  "payments": array({"type": "object"}, "The platform's payment reports, oldest first."),
                  "notices": array({"type": "object"}, "Messages queued for the buyer.")}, required=("history",))
    return {
        "Address": address,
        "Buyer": buyer,
        "OrderItem": item,
        "Finding": _finding(),
        "Order": obj(core | audit, required=tuple(core)),
        "HistoryEntry": obj(history_props, required=tuple(history_props)),
        "OrderDetail": {"allOf": [ref("Order"), detail]},
        "OrderPage": obj({"orders": array(ref("Order")), "page": integer(minimum=1), "per_page": integer(const=50),
                          "total": integer("Orders matching the filters.")},
                         required=("orders", "page", "per_page", "total")),
    }


def audit_schemas() -> dict:
    """Return the back-office bodies: queue items, buyer edits, bulk approval, audit policy, blocklist."""
    policy = {"max_qty_per_buyer_per_product": nullable(integer("No limit when null.", minimum=1)),
              "abnormal_qty_per_sku": integer(minimum=1),
              "duplicate_window_seconds": integer("0 turns duplicate detection off.", minimum=0),
              "price_tolerance": MONEY, "reservation_minutes": integer(minimum=1), "sla_seconds": integer(minimum=1)}
    address = obj({key: text(300 if key == "detail" else 64) for key in ("province", "city", "district", "detail")})
    entry = {"id": integer(), "kind": string(enum=["buyer_id", "phone", "address"]), "value": string(),
             "reason": nullable(string())}
    result = obj({"order_id": string(), "status": string(enum=["approved", "failed"]), "order": ref("Order"),
                  "error": ref("ErrorDetail")}, required=("order_id", "status"))
    return {
        "QueueItem": {"allOf": [ref("Order"), obj({"age_seconds": integer(), "sla_seconds": integer(),
                                                   "late": {"type": "boolean"}},
                                                  required=("age_seconds", "sla_seconds", "late"))]},
        "Queue": obj({"orders": array(ref("QueueItem"), "Held orders, oldest first, at most 200.")},
                     required=("orders",)),
        "ReasonInput": obj({"reason": text(500)}, required=("reason",)),
        "BuyerEdit": obj({"buyer": obj({"name": text(100), "phone": text(32), "address": address},
                                       description="Only these keys; another one answers 400 unknown_field."),
                          "reason": text(500)}, required=("buyer",)),
        "BulkApproveInput": obj({"order_ids": array(string(), minItems=1, maxItems=200), "reason": text(500)},
                                required=("order_ids", "reason")),
        "BulkApproveResults": obj({"results": array(result, "One per order id, in request order.")},
                                  required=("results",)),
        "AuditPolicy": obj(policy, required=tuple(policy)),
        "AuditPolicyInput": obj(policy | {"price_tolerance": EVENT_AMOUNT}, additionalProperties=False,
                                description="Missing fields take their defaults; unknown ones answer 400."),
        "BlocklistEntry": obj(entry, required=tuple(entry)),
        "BlocklistInput": obj({"kind": entry["kind"], "value": text(300), "reason": text(500)},
                              required=("kind", "value")),
        "Blocklist": obj({"entries": array(ref("BlocklistEntry"))}, required=("entries",)),
        "Deleted": obj({"deleted": integer()}, required=("deleted",)),
    }


def all_schemas() -> dict:
    """Return the component schemas of this module (promotions and events have their own modules)."""
    return {**error_schemas(), **catalogue_schemas(), **broadcast_schemas(), **order_schemas(), **audit_schemas()}
