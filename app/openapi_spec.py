"""The OpenAPI 3.1 description of /api/v1 (kept next to the code it describes); schemas live in openapi_schemas."""
from __future__ import annotations

from app.openapi_events import event_schemas
from app.openapi_promotions import promotion_schemas
from app.openapi_schemas import all_schemas, ref
from orders.models import ORDER_STATUSES

SIGNATURE_HELP = (
    "Required only when the calling token was created with `--signing-secret`. Format "
    "`t=<unix seconds>,v1=<hex>`: v1 is the hex HMAC-SHA256, keyed with a signing secret, of the ASCII "
    "timestamp, a dot and the raw request body (`t.raw_body`). `t` must be within 300 seconds of the server's "
    "clock. Several `v1=` parts may be sent (one per secret while rotating); one match with any of the token's "
    "secrets is enough."
)

ERRORS = {
    "BadRequest": ("The body, a field or a query parameter is not valid; nothing was written.", {
        "missing_field": ("missing_field", "sku", "sku is required"),
        "invalid_amount": ("invalid_amount", "price", "price has more than 2 decimal places"),
        "invalid_json": ("invalid_json", "body", "the body must be a JSON object"),
        "invalid_events": ("invalid_events", "events", "events must be a list of 1 to 1000 events"),
    }),
    "Unauthorized": ("No valid credentials (or, on event ingestion, no valid signature).", {
        "unauthenticated": ("unauthenticated", "Authorization", "send Authorization: Bearer <token> or log in"),
        "invalid_token": ("invalid_token", "Authorization", "the bearer token is unknown or revoked"),
        "bad_signature": ("bad_signature", "X-LiveDesk-Signature",
                          "X-LiveDesk-Signature is missing, stale or does not match"),
    }),
    "Forbidden": ("The principal's role may not do this, or a cookie session sent no valid X-CSRFToken.", {
        "forbidden": ("forbidden", None, "this needs one of the roles: service, host"),
        "csrf_failed": ("csrf_failed", "X-CSRFToken", "missing or invalid X-CSRFToken header"),
    }),
    "NotFound": ("The broadcast, product, SKU, order, chat message or term named does not exist.", {
        "not_found": ("not_found", "broadcast_id", "no broadcast 99"),
        "unknown_sku": ("unknown_sku", "sku", "no product has SKU 'NOPE'"),
    }),
    "Conflict": ("The request conflicts with the current state.", {
        "sku_exists": ("sku_exists", "sku", "SKU 'TEA-01' exists already"),
        "invalid_state": ("invalid_state", "status", "a live broadcast cannot be started"),
        "not_started": ("not_started", "broadcast_id",
                        "the broadcast has not started, so it has no period to measure"),
    }),
    "PayloadTooLarge": ("The body is larger than 8 MiB (MAX_CONTENT_LENGTH).", {
        "too_large": ("request_entity_too_large", None, "The data value transmitted exceeds the capacity limit."),
    }),
}
STATUS_OF = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound", "409": "Conflict",
             "413": "PayloadTooLarge"}


def json_body(schema: dict, example=None) -> dict:
    """Return a JSON content map for schema, with an example when given."""
    media = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def error_response(description: str, examples: dict) -> dict:
    """Return a reusable error response with one named example per error code."""
    def body(code, field, message):
        detail = {"code": code, "message": message}
        if field is not None:
            detail["field"] = field
        return {"error": detail}

    media = {"schema": ref("Error"), "examples": {name: {"value": body(*e)} for name, e in examples.items()}}
    return {"description": description, "content": {"application/json": media}}


def operation(op_id: str, summary: str, tag: str, ok: tuple, *, errors: str = "", roles: str | None = None,
              body: dict | None = None, params: tuple = (), description: str = "") -> dict:
    """Return an operation: ok is (status, description, schema); errors lists the error statuses ("400 404")."""
    status, ok_text, schema = ok
    if roles:
        description = f"{description}\n\nRoles: {roles} (and admin).".strip()
    op = {"operationId": op_id, "summary": summary, "tags": [tag],
          "responses": {status: {"description": ok_text, "content": json_body(schema)}}}
    for code in errors.split():
        op["responses"][code] = {"$ref": f"#/components/responses/{STATUS_OF[code]}"}
    if description:
        op["description"] = description
    if params:
        op["parameters"] = [{"$ref": f"#/components/parameters/{name}"} for name in params]
    if body is not None:
        op["requestBody"] = body
    return op


def request(schema_name: str, example: dict, required: bool = True) -> dict:
    """Return a JSON request body of a component schema."""
    return {"required": required, "content": json_body(ref(schema_name), example)}


def parameters() -> dict:
    """Return the path, query and header parameters used by the operations."""
    def param(name, where, schema, description, required=True):
        return {"name": name, "in": where, "required": required, "schema": schema, "description": description}

    return {
        "BroadcastId": param("broadcast_id", "path", {"type": "integer"}, "The broadcast's id."),
        "Sku": param("sku", "path", {"type": "string"}, "A product SKU or a variant SKU."),
        "OrderId": param("order_id", "path", {"type": "string"}, "The platform's order id."),
        "BroadcastFilter": param("broadcast_id", "query", {"type": "integer", "minimum": 1},
                                 "Only orders of this broadcast.", required=False),
        "StatusFilter": param("status", "query", {"type": "string", "enum": list(ORDER_STATUSES)},
                              "Only orders in this status.", required=False),
        "Page": param("page", "query", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
                      "Page number; 50 orders a page.", required=False),
        "EntryId": param("entry_id", "path", {"type": "integer"}, "The blocklist entry's id."),
        "FindingCode": param("code", "path", {"type": "string"}, "The finding's code, e.g. phone_missing."),
        "QueueBroadcast": param("broadcast_id", "query", {"type": "integer", "minimum": 0},
                                "Only held orders of this broadcast.", required=False),
        "QueueCode": param("code", "query", {"type": "string"}, "Only orders with this active finding.",
                           required=False),
        "MinAge": param("min_age", "query", {"type": "integer", "minimum": 0},
                        "Only orders held at least this many seconds.", required=False),
        "PromotionCode": param("code", "path", {"type": "string"}, "The promotion's code, in any case."),
        "PromotionBroadcast": param("broadcast_id", "query", {"type": "integer", "minimum": 1},
                                   "Only promotions applying to this broadcast (its own and global ones).",
                                   required=False),
        "Signature": param("X-LiveDesk-Signature", "header", {"type": "string"}, SIGNATURE_HELP, required=False)
        | {"example": "t=1740801720,v1=6e5e0a9b3e986b54897db6bec80a7f9958f96036954e452f5188b8f0de5850cd"},
    }


def catalogue_paths() -> dict:
    """Return the product and stock operations."""
    return {
        "/api/v1/products": {
            "get": operation("listProducts", "List the catalogue with stock", "catalogue",
                             ("200", "Every product, by creation order.", ref("ProductList")), errors="401"),
            "post": operation(
                "createProduct", "Create a product (with optional variants)", "catalogue",
                ("201", "The product as stored.", ref("Product")), errors="400 401 403 409", roles="service",
                body=request("ProductInput", {"sku": "TEA-01", "name": "Longjing tea 250 g", "price": "89.00",
                                              "stock": 100}),
                description="With variants, stock is kept per variant SKU and `stock` is ignored."),
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
    }


def _state_change(action: str) -> dict:
    """Return the path item that starts or ends a broadcast."""
    return {"post": operation(
        f"{action}Broadcast", f"{action.capitalize()} a broadcast", "broadcasts",
        ("200", "The broadcast after the change.", ref("Broadcast")), errors="400 401 403 404 409",
        roles="service, host", params=("BroadcastId",),
        body=request("BroadcastStateInput", {"at": "2025-03-01T12:00:00+08:00"}, required=False),
        description="Only a scheduled broadcast can start and only a live one can end (409 invalid_state "
                    "otherwise). `at` is the platform's time; now when absent. Pushes `broadcast.changed`.")}


EVENTS_EXAMPLE = {"events": [
    {"id": "evt-1002", "type": "chat", "ts": "2025-03-01T04:01:05Z", "viewer_id": "u-88",
     "text": "Is link 1 still in stock?"},
    {"id": "evt-1004", "type": "order", "ts": "2025-03-01T04:02:00Z", "order_id": "DY-778899",
     "source": "in_stream", "items": [{"sku": "TEA-01", "qty": 2}],
     "buyer": {"id": "b-5521", "name": "张三", "phone": "13812345678",
               "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}}},
]}


def broadcast_paths() -> dict:
    """Return the broadcast, line-up, snapshot and event ingestion operations."""
    return {
        "/api/v1/broadcasts": {
            "get": operation("listBroadcasts", "List broadcasts, newest first", "broadcasts",
                             ("200", "At most 200 broadcasts.", ref("BroadcastList")), errors="401"),
            "post": operation(
                "createBroadcast", "Create a scheduled broadcast", "broadcasts",
                ("201", "The new broadcast.", ref("Broadcast")), errors="400 401 403", roles="service, host",
                body=request("BroadcastInput", {"title": "Spring tea special", "platform": "douyin"})),
        },
        "/api/v1/broadcasts/{broadcast_id}": {
            "get": operation("getBroadcast", "Show a broadcast", "broadcasts",
                             ("200", "The broadcast.", ref("Broadcast")), errors="401 404", params=("BroadcastId",)),
        },
        "/api/v1/broadcasts/{broadcast_id}/start": _state_change("start"),
        "/api/v1/broadcasts/{broadcast_id}/end": _state_change("end"),
        "/api/v1/broadcasts/{broadcast_id}/products": {
            "post": operation(
                "addToLineup", "Put a product in the line-up, with an optional live price", "broadcasts",
                ("201", "The line-up entry.", ref("LineupEntry")), errors="400 401 403 404", roles="service, host",
                body=request("LineupInput", {"sku": "TEA-01", "live_price": "79.00"}), params=("BroadcastId",),
                description="Adding a product again updates its live price (absent or null clears it). "
                            "An unknown SKU answers 404 unknown_sku."),
        },
        "/api/v1/broadcasts/{broadcast_id}/snapshot": {
            "get": operation(
                "getSnapshot", "Starting state for a live page", "broadcasts",
                ("200", "Latest orders, stock, totals and the push seq they include.", ref("Snapshot")),
                errors="401 404", params=("BroadcastId",),
                description="Buyer data is masked unless the caller's role sees PII."),
        },
        "/api/v1/broadcasts/{broadcast_id}/events": {
            "post": operation(
                "postEvents", "Ingest 1 to 1,000 platform events", "events",
                ("200", "One result per event, in request order; the batch is committed before this answer.",
                 ref("EventResults")),
                errors="400 401 403 404 413", roles="service", body=request("EventBatch", EVENTS_EXAMPLE),
                params=("BroadcastId", "Signature"),
                description="A body that is not an object with an `events` list of 1 to 1,000 items answers 400 "
                            "and writes nothing. Each event is then validated and applied on its own: a rejected "
                            "event does not stop the others. Duplicates are detected by (token, event id) and, "
                            "for order events, by order_id."),
        },
    }


def meta_paths() -> dict:
    """Return the operation serving this document."""
    op = operation("getOpenApi", "This OpenAPI document", "meta", ("200", "The document.", {"type": "object"}))
    op["security"] = []
    return {"/api/v1/openapi.json": {"get": op}}


def security_schemes() -> dict:
    """Return the bearer token and console session schemes."""
    return {
        "bearerAuth": {"type": "http", "scheme": "bearer", "description": (
            "An API token from `flask --app wsgi create-token NAME [--signing-secret S]`; role `service`, "
            "buyer data masked.")},
        "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session", "description": (
            "The console's login session (browsers). POST and PUT also need an `X-CSRFToken` header with the "
            "token from the page's `csrf-token` meta tag.")},
    }


def build_spec() -> dict:
    """Return the OpenAPI document as a dict."""
    # Imported here: these modules build their operations with this module's helpers.
    from analytics.openapi import metrics_parameters, metrics_paths, metrics_schemas
    from app.openapi_backoffice import audit_paths, order_paths, promotion_paths
    from app.openapi_moderation import moderation_parameters, moderation_paths, moderation_schemas

    return {
        "openapi": "3.1.0",
        "info": {"title": "LiveDesk API", "version": "1", "description": (
            "Operations console API for live-stream selling. Errors are `{\"error\": {\"code\", \"field\", "
            "\"message\"}}`. Money is a string with 2 decimals in responses; requests accept a number or a string. "
            "Times are ISO-8601 in UTC. See docs/api.md for a guide.")},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "tags": [{"name": name} for name in ("catalogue", "broadcasts", "events", "orders", "back office",
                                             "promotions", "moderation", "meta")],
        "paths": {**catalogue_paths(), **broadcast_paths(), **metrics_paths(), **order_paths(), **audit_paths(),
                  **promotion_paths(), **moderation_paths(), **meta_paths()},
        "components": {
            "schemas": {**all_schemas(), **promotion_schemas(), **event_schemas(), **metrics_schemas(), **moderation_schemas()},
            "responses": {name: error_response(text, examples) for name, (text, examples) in ERRORS.items()},
            "parameters": {**parameters(), **metrics_parameters(), **moderation_parameters()},
            "securitySchemes": security_schemes(),
        },
    }
