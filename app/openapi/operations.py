"""Building blocks of the v1 OpenAPI operations: bodies, parameters, and the error responses every operation shares.

The domains' fragments (``<domain>/api/openapi.py`` and the like) build their operations with these; this module
knows no domain.
"""
from __future__ import annotations

from app.openapi.schemas import array, nullable, obj, ref, string

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
    "Gone": ("What the request names has expired (a survey link past its date).", {
        "expired": ("expired", "token", "this survey link has expired"),
    }),
    "ServiceUnavailable": ("The database kept refusing the request (deadlocks past every retry); nothing was "
                           "stored: send it again.", {
        "busy": ("busy", "events", "the database was busy; send the events again (their ids make a resend safe)"),
    }),
    "TooManyRequests": ("Too many requests from this client address; try again after Retry-After seconds.", {
        "rate_limited": ("rate_limited", None, "too many answers from this address; try again in 600 seconds"),
    }),
}
STATUS_OF = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound", "409": "Conflict",
             "410": "Gone", "413": "PayloadTooLarge", "429": "TooManyRequests",
             "503": "ServiceUnavailable"}


def json_body(schema: dict, example=None) -> dict:
    """Return a JSON content map for schema, with an example when given."""
    media = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


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


def parameter(name: str, where: str, schema: dict, description: str) -> dict:
    """Return a path, query or header parameter; only path parameters are required."""
    return {"name": name, "in": where, "required": where == "path", "schema": schema, "description": description}


def common_parameters() -> dict:
    """Return the parameters that operations of several domains use."""
    # Path ids have at most 18 digits (app.http.validation.DatabaseIdConverter): a longer one matches no route.
    return {"BroadcastId": parameter("broadcast_id", "path", {"type": "integer", "minimum": 0,
                                                               "maximum": 999_999_999_999_999_999}, "The broadcast's id.")}


def error_schemas() -> dict:
    """Return the error body and the error object it wraps."""
    detail = obj({
        "code": string("Stable machine-readable code, e.g. missing_field, invalid_amount, not_found."),
        "field": nullable(string("The field at fault (dotted path, e.g. buyer.phone or items[0].qty); null when no "
                                 "one field is.")),
        "message": string("A sentence for people."),
    }, required=("code", "message"))
    example = {"error": {"code": "missing_field", "field": "sku", "message": "sku is required"}}
    body = obj({"error": ref("ErrorDetail"),
                "errors": array(ref("ErrorDetail"), "Promotion bodies only: every problem found, the first "
                                "one repeated in `error`.")}, required=("error",), examples=[example])
    return {"ErrorDetail": detail, "Error": body}


def error_responses() -> dict:
    """Return the reusable error responses, one named example per error code."""
    def body(code, field, message):
        detail = {"code": code, "message": message}
        if field is not None:
            detail["field"] = field
        return {"error": detail}

    return {name: {"description": text, "content": {"application/json": {
        "schema": ref("Error"), "examples": {key: {"value": body(*e)} for key, e in examples.items()}}}}
        for name, (text, examples) in ERRORS.items()}
