"""OpenAPI fragment of the catalogue and order reads (orders/api/catalog.py, orders.py): paths, schemas, parameters.

app.openapi.spec merges ``paths()``, ``schemas()`` and ``parameters()`` into the v1 document.
"""
from __future__ import annotations

from app.openapi.operations import operation, parameter
from app.openapi.schemas import DATETIME, MONEY, array, integer, nullable, obj, ref, string
from orders.api import catalog_openapi
from orders.models import ORDER_SOURCES, ORDER_STATUSES

# A day of the years 2000–2099, the range look-ups accept.
DAY = {"type": "string", "format": "date", "pattern": "^20[0-9]{2}-"}


def parameters() -> dict:
    """Return the SKU and order id path parameters and the order list's filters."""
    return {
        "Sku": parameter("sku", "path", {"type": "string"}, "A product SKU or a variant SKU."),
        "OrderId": parameter("order_id", "path", {"type": "string"}, "The platform's order id."),
        "BroadcastFilter": parameter("broadcast_id", "query", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                                     "Only orders of this broadcast."),
        "StatusFilter": parameter("status", "query", {"type": "string", "enum": list(ORDER_STATUSES)},
                                  "Only orders in this status."),
        **catalog_openapi.parameters(),
        "Page": parameter("page", "query", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
                          "Page number, from 1; a page past the last is empty."),
        "PerPage": parameter("per_page", "query", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                             "Orders a page (1–200)."),
        "LookupText": parameter("q", "query", {"type": "string", "maxLength": 64},
                                "Search text: an order id, a buyer id, a phone (any format, or its last 4 digits), "
                                "a SKU, or the start of a buyer name."),
        "SourceFilter": parameter("source", "query", {"type": "string", "enum": list(ORDER_SOURCES)},
                                  "Only orders from this source."),
        "SkuFilter": parameter("sku", "query", {"type": "string", "maxLength": 64, "pattern": "^[^\\u0000-\\u001f]*$"},
                               "Only orders with a line of this SKU."),
        "PlacedFrom": parameter("from", "query", DAY,
                                "Placed at or after: a date (2026-05-01, from the start of that UTC day); an "
                                "ISO-8601 time with a zone (2026-05-01T00:00:00+08:00) is accepted too."),
        "PlacedTo": parameter("to", "query", DAY,
                              "Placed at or before: a date (to the end of that UTC day) or an ISO-8601 time with a "
                              "zone. A range ending before it starts matches nothing."),
    }


def paths() -> dict:
    """Return the product, stock and order read operations."""
    masked = "Buyer data is masked unless the caller's role sees PII; unmasked views are logged."
    return catalog_openapi.paths() | {
        "/api/v1/orders": {
            "get": operation(
                "listOrders", "Look orders up, newest first, a page at a time", "orders",
                ("200", "One page of orders and how many match.", ref("OrderPage")), errors="400 401 403",
                roles="service, auditor, host",
                params=("LookupText", "BroadcastFilter", "StatusFilter", "SourceFilter", "SkuFilter", "PlacedFrom",
                        "PlacedTo", "Page", "PerPage"),
                description=masked + " Every filter narrows the match; paging reaches every order (no cap). "
                                     "Phone search uses the stored normalised phone (digits, +86 stripped)."),
        },
        "/api/v1/orders/{order_id}/contact": {
            "post": operation(
                "showOrderContact", "Show an order's buyer contact in full (logged)", "orders",
                ("200", "The buyer, unmasked.", ref("OrderContact")), errors="401 403 404", roles="auditor",
                params=("OrderId",),
                description="Writes one entry of the PII access log (channel `contact`); pages show contacts "
                            "masked until a person asks with this operation."),
        },
        "/api/v1/orders/{order_id}": {
            "get": operation("getOrder", "Show an order with its history", "orders",
                             ("200", "The order.", ref("OrderDetail")), errors="401 404", params=("OrderId",),
                             description=masked),
        },
    }


def schemas() -> dict:
    """Return the catalogue's and the orders' component schemas."""
    return {**catalog_openapi.schemas(), **_order_schemas()}


def _finding() -> dict:
    """Return one audit finding as orders show it (docs/audit.md)."""
    override = obj({"by": string(), "reason": nullable(string()), "at": DATETIME}, required=("by", "reason", "at"))
    return obj({"code": string(examples=["phone_missing"]), "severity": string(enum=["block", "warn", "info"]),
                "field": string("Dotted path into the order; absent when about the whole order."),
                "message": obj({"en": string(), "zh-CN": string()}, description="One text per language."),
                "data": nullable({"type": "object"}), "override": override},
               required=("code", "severity", "message"))


def _order_schemas() -> dict:
    """Return orders as the API shows them, with their history and paging."""
    address = obj({key: nullable(string()) for key in ("province", "city", "district", "detail")},
                  required=("province", "city", "district", "detail"),
                  description="Masked roles see `detail` as \"****\".")
    buyer = obj({"id": nullable(string()), "name": nullable(string()),
                 "phone": nullable(string("Masked roles see 138****5678.")),
                 "member_tier": nullable(string("The platform's membership tier, when it sends one.")),
                 "contact_masked": {"type": "boolean", "description": "The platform masked the contact and keeps "
                                    "it (it prints the waybill): missing name, phone or street are not asked for."},
                 "address": ref("Address")},
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
        "claim": nullable(obj({"comment_id": string(), "text": string()}, required=("comment_id", "text"),
                              description="The chat claim the order came from or answers (docs/claims.md).")),
        "placed_at": DATETIME, "received_at": DATETIME,
        "findings": array(ref("Finding"), "The active findings of the order audit; empty when none."),
    }
    audit = {  # pricing and back-office state added by the order audit
        "subtotal": MONEY, "discount": MONEY, "refund_due": {"type": "boolean"},
        "refunded": {**MONEY, "description": "The sum of the order's succeeded refunds (docs/aftersales.md)."},
        "cases": array(obj({"case_id": string(), "type": string(), "reason": string(), "status": string(),
                            "deadline_at": nullable(DATETIME)}, required=("case_id", "type", "status")),
                       "The order's after-sales cases in brief, oldest first."),
        "promotions": array({"type": "object"}, "Every promotion applied or refused, with the reason."),
        "reserved_until": nullable(DATETIME), "held_at": nullable(DATETIME), "waitlisted_at": nullable(DATETIME),
        "claimed_by": nullable(integer("The id of the auditor working on the order.")),
    }
    history_props = {"action": string(examples=["received", "status_changed", "edit", "note"]),
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
        "OrderContact": obj({"order_id": string(), "buyer": ref("Buyer")}, required=("order_id", "buyer")),
        "OrderPage": obj({"orders": array(ref("Order")), "page": integer(minimum=1),
                          "per_page": integer(minimum=1, maximum=200),
                          "total": integer("Orders matching the filters.")},
                         required=("orders", "page", "per_page", "total")),
    }
