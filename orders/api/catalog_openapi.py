"""OpenAPI of the catalogue (orders/api/catalog.py): products, their stock and its history, the CSV import.

orders.api.openapi merges these into the orders domain's fragment.
"""
from __future__ import annotations

from app.openapi.operations import json_body, operation, parameter, request
from app.openapi.schemas import (DATETIME, MONEY, MONEY_INPUT, NO_NUL, array, filled, integer, nullable, obj, ref,
                                 string)
from orders.catalog.csvfile import COLUMNS, MAX_BYTES, MAX_ROWS
from orders.catalog.inputs import ATTRIBUTE_LEN, MAX_VARIANTS, REASON_LEN, URL_LEN, URL_PATTERN
from orders.models import STOCK_CHANGE_KINDS

STOCK_UNITS = integer("Units available now.", minimum=0, maximum=10_000_000)
WRITERS = "service, host"
STOCK_WRITERS = "service, host, auditor"
IMAGE_URL = string("An http(s) address of a picture; null clears it. Shown as a link: the console loads no remote "
                   "images.", maxLength=URL_LEN, pattern=URL_PATTERN)
CSV_EXAMPLE = "sku,name,price,variant_sku,size,colour,variant_price,stock\r\nTEE,T-shirt,59,TEE-M,M,Black,,10\r\n"


def parameters() -> dict:
    """Return the catalogue list's search and paging, and the import's dry-run switch."""
    return {
        "ProductQuery": parameter("q", "query", {"type": "string", "maxLength": 100, "pattern": NO_NUL},
                                  "Only products whose name or SKU, or a variant's, contains this (any case)."),
        "ProductPerPage": parameter("per_page", "query", {"type": "integer", "minimum": 1, "maximum": 200,
                                                          "default": 50}, "Products a page."),
        "HistoryPage": parameter("page", "query", {"type": "integer", "minimum": 1, "maximum": 1_000_000,
                                                   "default": 1}, "Page number, 1 first."),
        "DryRun": parameter("dry_run", "query", {"type": "string", "enum": ["0", "1", "true", "false"],
                                                 "default": "0"}, "1: only say what each line would do."),
    }


def _stock_change(op_id: str, summary: str, body: tuple, description: str) -> dict:
    """Return a stock-changing operation answering the SKU's new level."""
    return operation(op_id, summary, "catalogue", ("200", "The SKU's new level.", ref("StockLevel")),
                     errors="400 401 403 404 409", roles=STOCK_WRITERS, body=request(*body), params=("Sku",),
                     description=description + " Use the SKU stock is kept under: the variant SKU for products "
                                               "with variants. Waitlisted orders take new units first; pushes "
                                               "`stock.changed` to broadcasts selling the product.")


def paths() -> dict:
    """Return the catalogue operations."""
    csv_body = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}}}
    return {
        "/api/v1/products": {
            "get": operation("listProducts", "List the catalogue with stock, a page at a time", "catalogue",
                             ("200", "One page of products, by creation order.", ref("ProductList")),
                             errors="400 401", params=("ProductQuery", "Page", "ProductPerPage")),
            "post": operation(
                "createProduct", "Create a product (with optional variants)", "catalogue",
                ("201", "The product as stored.", ref("Product")), errors="400 401 403 409", roles=WRITERS,
                body=request("ProductInput", {"sku": "TEA-01", "name": "Longjing tea 250 g", "price": "89.00",
                                              "stock": 100}),
                description="With variants, stock is kept per variant SKU and `stock` is ignored; a variant's name "
                            "defaults to its size and colour (\"M / Black\"). Refused though the schema allows it: "
                            "a variant SKU repeating the product's or another variant's (400 duplicate_sku, field "
                            "`variants`); a SKU taken already answers 409 sku_exists."),
        },
        "/api/v1/products/{sku}": {
            "get": operation("getProduct", "Show a product by its SKU or a variant's SKU", "catalogue",
                             ("200", "The product owning the SKU.", ref("Product")), errors="401 404",
                             params=("Sku",)),
            "patch": _update_op(),
        },
        "/api/v1/products/{sku}/stock": {
            "put": _stock_change("setStock", "Set the units available now (a count)",
                                 ("StockInput", {"stock": 120}),
                                 "An integration's count; with a `reason` it is kept as a correction."),
        },
        "/api/v1/products/{sku}/restock": {
            "post": _stock_change("restockSku", "Add units received, with the reason",
                                  ("RestockInput", {"units": 24, "reason": "delivery 2024-11-02"}),
                                  "Adds to the units available now, kept in the stock history."),
        },
        "/api/v1/products/{sku}/stock-corrections": {
            "post": _stock_change("correctStock", "Set the units available after a count, with the reason",
                                  ("CorrectionInput", {"stock": 40, "reason": "counted the shelf"}),
                                  "Replaces the units available now, kept in the stock history."),
        },
        "/api/v1/products/{sku}/stock-history": {
            "get": operation("listStockHistory", "List a product's stock changes, newest first, 50 a page",
                             "catalogue", ("200", "One page of changes.", ref("StockHistoryPage")),
                             errors="400 401 404", params=("Sku", "HistoryPage"),
                             description="Who changed stock, when, why, and the units before and after; a variant "
                                         "SKU shows that variant only. Orders' reservations and sales are not "
                                         "listed: each order's history is their record. Units an after-sales "
                                         "return puts back on sale are (kind `return`, the case named in reason)."),
        },
        "/api/v1/products/import": {"post": _import_op(csv_body)},
    }


def _update_op() -> dict:
    """Return the product PATCH: a product SKU takes a ProductPatch, a variant SKU a VariantOwnPatch."""
    op = operation(
        "updateProduct", "Change a product's name, price, picture or variants, or one variant by its SKU", "catalogue",
        ("200", "The product as stored (for a variant SKU: the product owning it, as GET shows it).", ref("Product")),
        errors="400 401 403 404 409", roles=WRITERS, params=("Sku",),
        description="With a product SKU (ProductPatch), variants are matched by SKU: a known one is renamed, sized "
                    "or re-priced (price null: the product's), an unknown one is added with its `stock`. With a "
                    "variant SKU (VariantOwnPatch), only that variant changes: its `name`, `size`, `colour` or "
                    "`price` (null: the product's again); the product and its other variants stay. SKUs never "
                    "change; stock has its own operations. Refused though the schema allows it: a new variant "
                    "without `stock` or without a name, size or colour, or a SKU listed twice (400, field "
                    "`variants[i]...`); a new variant of a product sold under its own SKU (409 no_variants) or "
                    "under a SKU taken (409 sku_exists); with a variant SKU, a field only the product has "
                    "(`image_url`, `variants`: 400 product_field, naming the product's SKU), and a ProductPatch "
                    "body sent to a variant SKU or the other way round (400 unknown_field / product_field).")
    example = {"price": "79.00", "variants": [{"sku": "TEE-XL", "size": "XL", "stock": 10}]}
    op["requestBody"] = {"required": True, "content": json_body(
        {"anyOf": [ref("ProductPatch"), ref("VariantOwnPatch")]}, example)}
    return op


def _import_op(csv_body: dict) -> dict:
    """Return the import operation with its CSV body (the request helper builds JSON bodies only)."""
    op = operation(
        "importProducts", "Check or import a catalogue CSV", "catalogue",
        ("200", "What each line does (dry run) or did.", ref("ImportResult")),
        errors="400 401 403 409 413", roles=WRITERS, params=("DryRun",),
        description=f"A CSV (UTF-8 with or without BOM, or GB18030) of at most {MAX_BYTES // 1024} KiB and "
                    f"{MAX_ROWS} rows with the columns {', '.join(COLUMNS)} (sku required; docs/catalogue.md). "
                    "Refused though the schema allows it: a file that is not such a CSV (400 naming the column or "
                    "`body`), and an import where any line has an error (400 invalid_rows, with every line's plan; "
                    "nothing is written).")
    op["requestBody"] = csv_body
    return op


def _levels() -> dict:
    """Return the stock counters shared by products, variants and stock levels."""
    return {"stock": integer("Units available now."), "reserved": integer("Units held by accepted, unpaid orders."),
            "sold": integer("Units of paid orders.")}


def schemas() -> dict:
    """Return products, variants, stock levels, their history, the import's answer and the request bodies."""
    attribute = nullable(filled(ATTRIBUTE_LEN))
    variant = obj({"sku": string(), "name": string(), "size": nullable(string()), "colour": nullable(string()),
                   "price": MONEY, "own_price": {"type": "boolean", "description": "False: the product's price."},
                   **_levels()},
                  required=("sku", "name", "price", "stock", "reserved", "sold"),
                  description="A variant; its price falls back to the product's.")
    product_props = {"sku": string(), "name": string(), "price": MONEY, "image_url": nullable(string()),
                     **_levels(), "variants": array(ref("Variant"))}
    product = obj(product_props, required=tuple(product_props),
                  description="A product; with variants, stock is kept per variant and its counters are their sums.")
    variant_input = obj({"sku": filled(64), "name": filled(200), "size": attribute, "colour": attribute,
                         "stock": STOCK_UNITS, "price": MONEY_INPUT}, required=("sku", "stock"),
                        anyOf=[{"required": ["name"]}, {"required": ["size"]}, {"required": ["colour"]}])
    product_input = obj({
        "sku": filled(64), "name": filled(200), "price": MONEY_INPUT, "image_url": nullable(IMAGE_URL),
        "stock": {**STOCK_UNITS, "description": "Initial units; required without variants, ignored with them."},
        "variants": array(ref("VariantInput"), maxItems=MAX_VARIANTS),
    }, required=("sku", "name", "price"),
        anyOf=[{"required": ["stock"]}, {"required": ["variants"], "properties": {"variants": {"minItems": 1}}}])
    variant_patch = obj({"sku": filled(64), "name": filled(200), "size": attribute, "colour": attribute,
                         "price": nullable(MONEY_INPUT), "stock": STOCK_UNITS}, required=("sku",),
                        description="A known SKU is changed; an unknown one is added (then `stock` is needed).")
    product_patch = obj({"name": filled(200), "price": MONEY_INPUT, "image_url": nullable(IMAGE_URL),
                         "variants": array(ref("VariantPatch"), maxItems=MAX_VARIANTS)},
                        additionalProperties=False, minProperties=1)
    variant_own_patch = obj({"name": filled(200), "size": attribute, "colour": attribute,
                             "price": nullable(MONEY_INPUT)}, additionalProperties=False, minProperties=1,
                            description="Sent to a variant's SKU: changes that variant alone (price null: the "
                                        "product's price).")
    reason = filled(REASON_LEN, "Why: kept in the stock history.")
    entry = {"sku": string(), "kind": string(enum=list(STOCK_CHANGE_KINDS)),
             "actor": string("A user's name, token:<name>, or system (a timer)."), "reason": nullable(string()),
             "available_before": integer(), "available_after": integer(),
             "reserved": integer("Units reserved when the change was made."),
             "sold": integer("Units sold when the change was made."), "at": DATETIME}
    line_error = obj({"field": string(), "code": string(), "message": string()}, required=("field", "code", "message"))
    line = obj({"line": integer("Line number in the file, the header being 1."), "sku": nullable(string()),
                "variant_sku": nullable(string()),
                "action": string(enum=["create", "update", "unchanged", "error"]),
                "changes": array(string()), "errors": array(line_error)},
               required=("line", "sku", "variant_sku", "action", "changes", "errors"))
    counts = obj({key: integer() for key in ("create", "update", "unchanged", "error")},
                 required=("create", "update", "unchanged", "error"))
    return {
        "Variant": variant,
        "Product": product,
        "ProductList": obj({"products": array(ref("Product")), "total": integer("Products matching q."),
                            "page": integer(minimum=1), "per_page": integer(minimum=1)},
                           required=("products", "total", "page", "per_page")),
        "VariantInput": variant_input,
        "ProductInput": product_input,
        "VariantPatch": variant_patch,
        "ProductPatch": product_patch,
        "VariantOwnPatch": variant_own_patch,
        "StockInput": obj({"stock": STOCK_UNITS, "reason": string(maxLength=REASON_LEN, pattern=NO_NUL)},
                          required=("stock",)),
        "RestockInput": obj({"units": integer("Units received.", minimum=1, maximum=10_000_000), "reason": reason},
                            required=("units", "reason")),
        "CorrectionInput": obj({"stock": STOCK_UNITS, "reason": reason}, required=("stock", "reason")),
        "StockLevel": obj({"sku": string(), "available": integer(), "reserved": integer(), "sold": integer(),
                           "stock": integer("Same as available.")},
                          required=("sku", "available", "reserved", "sold", "stock")),
        "StockChange": obj(entry, required=tuple(entry)),
        "StockHistoryPage": obj({"sku": string(), "product_sku": string(), "entries": array(ref("StockChange")),
                                 "total": integer(), "page": integer(minimum=1), "per_page": integer(minimum=1)},
                                required=("sku", "product_sku", "entries", "total", "page", "per_page")),
        "ImportResult": obj({"dry_run": {"type": "boolean"}, "valid": {"type": "boolean"}, "summary": counts,
                             "rows": array(line)}, required=("dry_run", "valid", "summary", "rows")),
    }
