"""OpenAPI fragment of the catalogue and order reads (orders/api/catalog.py, orders.py): paths, schemas, parameters.

app.openapi.spec merges ``paths()``, ``schemas()`` and ``parameters()`` into the v1 document.
"""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, MONEY, MONEY_INPUT, array, filled, integer, nullable, obj, ref, string
from orders.models import ORDER_SOURCES, ORDER_STATUSES

STOCK_UNITS = integer("Units available now.", minimum=0, maximum=10_000_000)


def parameters() -> dict:
    """Return the SKU and order id path parameters and the order list's filters."""
    return {
        "Sku": parameter("sku", "path", {"type": "string"}, "A product SKU or a variant SKU."),
        "OrderId": parameter("order_id", "path", {"type": "string"}, "The platform's order id."),
        "BroadcastFilter": parameter("broadcast_id", "query", {"type": "integer", "minimum": 1},
                                     "Only orders of this broadcast."),
        "StatusFilter": parameter("status", "query", {"type": "string", "enum": list(ORDER_STATUSES)},
                                  "Only orders in this status."),
        "Page": parameter("page", "query", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
                          "Page number; 50 orders a page."),
    }


def paths() -> dict:
    """Return the product, stock and order read operations."""
    masked = "Buyer data is masked unless the caller's role sees PII; unmasked views are logged."
    return {
        "/api/v1/products": {
            "get": operation("listProducts", "List the catalogue with stock", "catalogue",
                             ("200", "Every product, by creation order.", ref("ProductList")), errors="401"),
            "post": operation(
                "createProduct", "Create a product (with optional variants)", "catalogue",
                ("201", "The product as stored.", ref("Product")), errors="400 401 403 409", roles="service",
                body=request("ProductInput", {"sku": "TEA-01", "name": "Longjing tea 250 g", "price": "89.00",
                                              "stock": 100}),
                description="With variants, stock is kept per variant SKU and `stock` is ignored. Refused though "
                            "the schema allows it: a variant SKU repeating the product's or another variant's "
                            "(400 duplicate_sku, field `variants`); a SKU taken already answers 409 sku_exists."),
        },
        "/api/v1/products/{sku}": {
            "get": operation("getProduct", "Show a product by its SKU or a variant's SKU", "catalogue",
                             ("200", "The product owning the SKU.", ref("Product")), errors="401 404",
                             params=("Sku",)),
        },
        "/api/v1/products/{sku}/stock": {
            "put": operation(
                "setStock", "Set the units available now (a restock or count)", "catalogue",
                ("200", "The SKU's new level.", ref("StockLevel")), errors="400 401 403 404",
                roles="service, auditor", body=request("StockInput", {"stock": 120}), params=("Sku",),
                description="Use the SKU stock is kept under: the variant SKU for products with variants. "
                            "Pushes `stock.changed` to every scheduled or live broadcast selling the product."),
        },
        "/api/v1/orders": {
            "get": operation("listOrders", "List orders, newest first, 50 a page", "orders",
                             ("200", "One page of orders.", ref("OrderPage")), errors="400 401",
                             params=("BroadcastFilter", "StatusFilter", "Page"), description=masked),
        },
        "/api/v1/orders/{order_id}": {
            "get": operation("getOrder", "Show an order with its history", "orders",
                             ("200", "The order.", ref("OrderDetail")), errors="401 404", params=("OrderId",),
                             description=masked),
        },
    }


def schemas() -> dict:
    """Return the catalogue's and the orders' component schemas."""
    return {**_catalogue_schemas(), **_order_schemas()}


def _levels() -> dict:
    """Return the stock counters shared by products, variants and stock levels."""
    return {"stock": integer("Units available now."), "reserved": integer("Units held by accepted, unpaid orders."),
            "sold": integer("Units of paid orders.")}


def _catalogue_schemas() -> dict:
    """Return products, variants, stock levels and their request bodies."""
    variant = obj({"sku": string(), "name": string(), "price": MONEY, **_levels()},
                  required=("sku", "name", "price", "stock", "reserved", "sold"),
                  description="A variant; its price falls back to the product's.")
    product_props = {"sku": string(), "name": string(), "price": MONEY, **_levels(),
                     "variants": array(ref("Variant"))}
    product = obj(product_props, required=tuple(product_props),
                  description="A product; with variants, stock is kept per variant and its counters are their sums.")
    variant_input = obj({"sku": filled(64), "name": filled(200), "stock": STOCK_UNITS, "price": MONEY_INPUT},
                        required=("sku", "name", "stock"))
    product_input = obj({
        "sku": filled(64), "name": filled(200), "price": MONEY_INPUT,
        "stock": {**STOCK_UNITS, "description": "Initial units; required without variants, ignored with them."},
        "variants": array(ref("VariantInput"), maxItems=200),
    }, required=("sku", "name", "price"),
        anyOf=[{"required": ["stock"]}, {"required": ["variants"], "properties": {"variants": {"minItems": 1}}}])
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
