"""OpenAPI fragment of platform adapters (live/adapters/api.py): the platform endpoint and the connections API."""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, array, integer, nullable, obj, ref, string
from live.adapters.inbox import MAX_BODY
from live.adapters.models import INBOX_STATUSES
from live.adapters.registry import PLATFORMS
from live.adapters.settings import MAX_TEXT, SETTINGS, Setting


def parameters() -> dict:
    """Return the adapters' path and query parameters."""
    return {
        "AdapterPlatform": parameter("platform", "path", {"type": "string", "enum": list(PLATFORMS)},
                                     "The connection's platform."),
        "ConnectionName": parameter("name", "path", {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,48}$"},
                                    "The connection's name."),
        "RejectedPage": parameter("page", "query", {"type": "integer", "minimum": 1, "maximum": 100_000,
                                                    "default": 1}, "Page number, from 1."),
        "RejectedPerPage": parameter("per_page", "query", {"type": "integer", "minimum": 1, "maximum": 200,
                                                           "default": 50}, "Refusals per page."),
    }


def paths() -> dict:
    """Return the adapter operations."""
    hook = operation(
        "postPlatformDelivery", "Receive a platform's (or a live-room forwarder's) request for a connection", "events",
        ("200", "Stored; the answer is what the platform expects (Douyin {\"code\":0,\"msg\":\"success\"}, a "
                "forwarder {\"ok\":true}).", {"description": "The platform's acknowledgement."}),
        errors="400 401 404 413", params=("AdapterPlatform", "ConnectionName"),
        body={"required": True, "content": {"application/json": {"schema": {
            "description": "The platform's own payload; for live-room forwarders a JSON array of "
                           "{\"event\", \"data\", \"id\"?, \"ts\"?} (docs/adapters.md)."}}}},
        description=f"Public: the signature is the authentication (live-room forwarders: `X-LiveDesk-Signature: "
                    f"t=<unix>,v1=<hex>` made with the connection's secret; commerce platforms: their own scheme). "
                    f"A missing or wrong signature answers 401 and stores nothing. Every message is stored once "
                    f"(a redelivered message id is acknowledged without a second copy) before the answer; "
                    f"live-room messages become events at once, commerce notifications through the inbox worker. "
                    f"At most {MAX_BODY:,} bytes (413).")
    hook["security"] = []
    base = "/api/v1/connections/{name}"
    return {
        "/api/v1/adapters/{platform}/{name}": {"post": hook},
        "/api/v1/connections": {
            "get": operation("listConnections", "List platform connections", "events",
                             ("200", "Every connection with its inbox counts.", ref("ConnectionList")),
                             errors="401 403", roles="admin only, no token"),
            "post": operation("createConnection", "Create a platform connection", "events",
                              ("201", "The connection and its secret (shown only here).", ref("ConnectionWithSecret")),
                              errors="400 401 403 409", roles="admin only, no token",
                              body=request("ConnectionInput", {"name": "shop-tt-live", "platform": "tiktok_live",
                                                               "broadcast_id": 1})),
        },
        base: {
            "get": operation("getConnection", "Show a platform connection", "events",
                             ("200", "The connection, its inbox counts and latest messages.", ref("Connection")),
                             errors="401 403 404", roles="admin only, no token", params=("ConnectionName",)),
            "patch": operation("editConnection", "Change a connection's broadcast, shop id, app key or settings",
                               "events", ("200", "The connection.", ref("Connection")), errors="400 401 403 404",
                               roles="admin only, no token", params=("ConnectionName",),
                               body=request("ConnectionEdit", {"settings": {"access_token": "the shop's token"}}),
                               description="Only the fields sent change. `settings` merge into the connection's "
                                           "(null removes one); a key its kind does not read is refused (400 "
                                           "`unknown_field`, field `settings.<key>`), as is any other field "
                                           "(the secret changes by rotation)."),
        },
        f"{base}/rotate": {"post": operation(
            "rotateConnectionSecret", "Give a connection a new secret", "events",
            ("200", "The connection and its new secret (shown only here).", ref("ConnectionWithSecret")),
            errors="400 401 403 404", roles="admin only, no token", params=("ConnectionName",),
            body=request("ConnectionRotate", {}, required=False),
            description="Live-room connections get a made secret; commerce connections need the new app secret "
                        "the platform shows (`secret`). The previous secret stays valid for 24 hours, or not at all "
                        "with `keep_previous: false` (it leaked).")},
        f"{base}/previous-secret": {"delete": operation(
            "endConnectionPreviousSecret", "Stop accepting a connection's previous secret now", "events",
            ("200", "The connection, without a previous secret.", ref("Connection")),
            errors="401 403 404 409", roles="admin only, no token", params=("ConnectionName",),
            description="Ends the 24 hours a rotation left the old secret. 409 `no_previous_secret` when none is "
                        "accepted now.")},
        f"{base}/disable": {"post": operation(
            "disableConnection", "Switch a connection off", "events", ("200", "The connection.", ref("Connection")),
            errors="401 403 404", roles="admin only, no token", params=("ConnectionName",),
            description="Every request it then gets is refused 403 `connection_disabled` and logged as rejected; "
                        "messages stored before are still processed. Switching off one already off changes nothing.")},
        f"{base}/enable": {"post": operation(
            "enableConnection", "Switch a connection on again", "events", ("200", "The connection.", ref("Connection")),
            errors="401 403 404", roles="admin only, no token", params=("ConnectionName",))},
        f"{base}/rejected": {"get": operation(
            "listConnectionRejections", "List what a connection refused, with the reason", "events",
            ("200", "One page of refusals, newest first.", ref("ConnectionRejectionPage")),
            errors="400 401 403 404", roles="admin only, no token",
            params=("ConnectionName", "RejectedPage", "RejectedPerPage"),
            description="Bad signatures, malformed or too large bodies, and messages that failed (a refused event, "
                        "a detail call failing too often). Bodies of bad signatures are never kept.")},
        f"{base}/test": {"post": operation(
            "sendConnectionTestPayload", "Send a sample payload through the connection's real path", "events",
            ("200", "What the endpoint answered and what each message became.", ref("ConnectionTest")),
            errors="401 403 404", roles="admin only, no token", params=("ConnectionName",))},
    }


def _setting_schema(spec: Setting) -> dict:
    """Return the JSON Schema of one setting's value."""
    if spec.kind in ("secret", "text", "url", "zone"):
        return string("A credential: shown afterwards by fingerprint only." if spec.kind == "secret" else None,
                      minLength=1, maxLength=MAX_TEXT)
    if spec.kind == "flag":
        return {"type": "boolean"}
    if spec.kind == "choice":
        return string(enum=list(spec.choices))
    return {"type": "integer" if spec.kind == "count" else "number", "minimum": spec.low, "maximum": spec.high}


def settings_schema(nulls: bool = False) -> dict:
    """Return the settings object: every key some kind reads (each kind takes only its own: docs/adapters.md)."""
    properties = {spec.key: _setting_schema(spec) for specs in SETTINGS.values() for spec in specs}
    if nulls:
        properties = {key: nullable(schema) for key, schema in properties.items()}
    kinds = "; ".join(f"{platform}: {', '.join(s.key for s in specs)}" for platform, specs in SETTINGS.items())
    return obj(properties, additionalProperties=False,
               description=f"Settings by kind (required ones make the connection ready). {kinds}.")


def schemas() -> dict:
    """Return the connection bodies."""
    counts = obj({status: integer() for status in INBOX_STATUSES}, required=INBOX_STATUSES)
    recent = obj({"message_id": string(), "kind": string(), "status": string(enum=list(INBOX_STATUSES)),
                  "events": integer(), "attempts": integer(), "error": nullable(string()), "received_at": DATETIME,
                  "processed_at": nullable(DATETIME)})
    fields = {
        "name": string(), "platform": string(enum=list(PLATFORMS)), "shop_id": nullable(string()),
        "broadcast_id": integer(), "app_key": nullable(string()), "endpoint": string("The path the platform posts to."),
        "secret_fingerprint": string("12 hex digits of the secret's SHA-256; the secret itself is never shown again."),
        "previous_secret_fingerprint": nullable(string()), "previous_secret_expires_at": nullable(DATETIME),
        "settings": {"type": "object"}, "created_at": DATETIME, "created_by": nullable(string()),
        "rotated_at": nullable(DATETIME), "last_message_at": nullable(DATETIME), "received": integer(),
        "duplicates": integer(), "rejected": integer(), "inbox": counts,
        "ready": {"type": "boolean", "description": "False while `missing` names something: the connection's "
                                                     "messages wait for it."},
        "missing": array(string(), "What the connection lacks before it can process a message (app_key, "
                                   "required settings such as access_token)."),
        "enabled": {"type": "boolean", "description": "False once an admin switched it off: its requests are "
                                                       "refused 403 `connection_disabled`."},
        "disabled_at": nullable(DATETIME), "disabled_by": nullable(string()),
    }
    connection = obj(fields | {"recent": array(recent)}, required=("name", "platform", "broadcast_id", "endpoint"))
    return {
        "Connection": connection,
        "ConnectionWithSecret": {"allOf": [ref("Connection"), obj({"secret": string("Shown only in this answer.")},
                                                                   required=("secret",))]},
        "ConnectionList": obj({"connections": array(obj(fields))}, required=("connections",)),
        "ConnectionInput": obj({
            "name": string(pattern="^[A-Za-z0-9._-]{1,48}$"), "platform": string(enum=list(PLATFORMS)),
            "broadcast_id": integer(minimum=1), "shop_id": string(maxLength=64),
            "app_key": string("Commerce platforms: the platform's app key (their signatures include it).",
                              minLength=1, maxLength=128),
            "app_secret": string("Commerce platforms: the app secret the platform signs with (required; for "
                                 "kuaishou the base64 message key of 16, 24 or 32 bytes).",
                                 minLength=16, maxLength=128),
            "settings": settings_schema()}, required=("name", "platform", "broadcast_id")),
        "ConnectionEdit": obj({"broadcast_id": integer(minimum=1), "shop_id": nullable(string(maxLength=64)),
                               "app_key": nullable(string(minLength=1, maxLength=128)),
                               "settings": settings_schema(nulls=True)}, additionalProperties=False),
        "ConnectionRotate": obj({"secret": string("Commerce platforms: the new app secret.", minLength=16,
                                                  maxLength=128),
                                 "keep_previous": {"type": "boolean", "default": True,
                                                   "description": "false: the old secret stops at once."}}),
        "ConnectionRejectionPage": obj({
            "rejected": array(obj({"id": integer(), "received_at": DATETIME, "status": integer(), "code": string(),
                                   "reason": string(), "message_id": nullable(string()), "kind": nullable(string()),
                                   "excerpt": nullable(string("The start of the body or message; null for bad "
                                                              "signatures."))})),
            "total": integer(), "page": integer(), "per_page": integer()}, required=("rejected", "total")),
        "ConnectionTest": obj({
            "status": integer(), "answer": {"description": "What the endpoint answered."},
            "stored": integer(), "duplicates": integer(), "error": nullable({"type": "object"}),
            "messages": array(obj({"message_id": string(), "kind": string(), "status": string(), "events": integer(),
                                   "note": nullable(string())})),
            "connection": ref("Connection")}, required=("status", "stored", "messages")),
    }
