"""OpenAPI fragment of broadcasts, snapshot and event ingestion (live/api/broadcasts.py, events.py), with the
line-up and pins of live/api/lineup_openapi.py merged in.

app.openapi.spec merges ``paths()``, ``schemas()`` and ``parameters()`` into the v1 document.
"""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import (DATETIME, EVENT_AMOUNT, MONEY, TIMESTAMP_INPUT, array, camel, integer,
    filled, nullable, obj, ref, string, text)
from live.api import lineup_openapi
from live.api.broadcasts import KNOWN_PLATFORMS
from live.events import EVENT_TYPES, MAX_EVENTS, MAX_ID, MAX_REF, MAX_TEXT, ORDER_SOURCES
from live.models import BROADCAST_STATUSES

SIGNATURE_HELP = (
    "Required only when the calling token was created with `--signing-secret`. Format "
    "`t=<unix seconds>,v1=<hex>`: v1 is the hex HMAC-SHA256, keyed with a signing secret, of the ASCII "
    "timestamp, a dot and the raw request body (`t.raw_body`). `t` must be within 300 seconds of the server's "
    "clock. Several `v1=` parts may be sent (one per secret while rotating); one match with any of the token's "
    "secrets is enough."
)
EVENTS_EXAMPLE = {"events": [
    {"id": "evt-1002", "type": "chat", "ts": "2025-03-01T04:01:05Z", "viewer_id": "u-88",
     "text": "Is link 1 still in stock?"},
    {"id": "evt-1004", "type": "order", "ts": "2025-03-01T04:02:00Z", "order_id": "DY-778899",
     "source": "in_stream", "items": [{"sku": "TEA-01", "qty": 2}],
     "buyer": {"id": "b-5521", "name": "张三", "phone": "13812345678",
               "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}}},
]}


_WHEN = ("ISO-8601 with a zone (`2025-03-01T00:00:00%2B08:00`, `...Z`) or epoch milliseconds; when the broadcast "
         "happens is its start, else its planned start, else its creation.")
# Checked against the server's clock, which a schema cannot state.
_PLAN_REFUSED = ("Refused though the schema allows it: `planned_start_at` outside 7 days before to 366 days after "
                 "the server's now (400 out_of_range), or with no UTC form (400 invalid_ts).")


def parameters() -> dict:
    """Return the signature header of event ingestion, the broadcast list's filters and the line-up's SKU."""
    return {"Signature": parameter("X-LiveDesk-Signature", "header", {"type": "string"}, SIGNATURE_HELP)
            | {"example": "t=1740801720,v1=6e5e0a9b3e986b54897db6bec80a7f9958f96036954e452f5188b8f0de5850cd"},
            "BroadcastStatus": parameter("status", "query", string(enum=list(BROADCAST_STATUSES)),
                                         "Only broadcasts in this status."),
            "BroadcastFrom": parameter("from", "query", {"type": "string"}, "Happening at or after this time. " + _WHEN),
            "BroadcastTo": parameter("to", "query", {"type": "string"}, "Happening before this time. " + _WHEN),
            **lineup_openapi.parameters()}


def _state_change(action: str) -> dict:
    """Return the path item that starts or ends a broadcast."""
    return {"post": operation(
        f"{action}Broadcast", f"{action.capitalize()} a broadcast", "broadcasts",
        ("200", "The broadcast after the change.", ref("Broadcast")), errors="400 401 403 404 409",
        roles="service, host", params=("BroadcastId",),
        body=request("BroadcastStateInput", {"at": "2025-03-01T12:00:00+08:00"}, required=False),
        description="Only a scheduled broadcast can start and only a live one can end (409 invalid_state "
                    "otherwise). `at` is the platform's time; now when absent. Pushes `broadcast.changed`. "
                    # Checked against the server's clock and the stored start, which a schema cannot state.
                    "Refused though the schema allows it: `at` outside 7 days before to 1 day after the server's "
                    "now (400 out_of_range) and an end before the broadcast's start (400 invalid_ts).")}


def paths() -> dict:
    """Return the broadcast, line-up, snapshot and event ingestion operations."""
    return {
        "/api/v1/broadcasts": {
            "get": operation("listBroadcasts", "List broadcasts, newest first", "broadcasts",
                             ("200", "At most 200 broadcasts.", ref("BroadcastList")), errors="400 401",
                             params=("BroadcastStatus", "BroadcastFrom", "BroadcastTo"),
                             description="Refused though the schema allows it (400 naming the parameter): "
                                         "`from` or `to` that is not ISO-8601 with a zone or epoch ms "
                                         "(invalid_query), outside 2000 to two years after the server's now "
                                         "(out_of_range), or `to` not after `from` (invalid_window)."),
            "post": operation(
                "createBroadcast", "Create a scheduled broadcast", "broadcasts",
                ("201", "The new broadcast.", ref("Broadcast")), errors="400 401 403", roles="service, host",
                body=request("BroadcastInput", {"title": "Spring tea special", "platform": "douyin",
                                                "planned_start_at": "2025-03-01T20:00:00+08:00"}),
                description=_PLAN_REFUSED),
        },
        "/api/v1/broadcasts/{broadcast_id}": {
            "get": operation("getBroadcast", "Show a broadcast", "broadcasts",
                             ("200", "The broadcast.", ref("Broadcast")), errors="401 404", params=("BroadcastId",)),
            "patch": operation(
                "updateBroadcast", "Change a broadcast's title or planned start", "broadcasts",
                ("200", "The broadcast after the change.", ref("Broadcast")), errors="400 401 403 404 409",
                roles="service, host", params=("BroadcastId",),
                body=request("BroadcastUpdate", {"title": "Spring tea special II",
                                                 "planned_start_at": "2025-03-02T20:00:00+08:00"}),
                description="Only the fields sent change; null clears the planned start. The planned start of a "
                            "broadcast that has started answers 409 invalid_state. Pushes `broadcast.changed`. "
                            + _PLAN_REFUSED),
        },
        "/api/v1/broadcasts/{broadcast_id}/start": _state_change("start"),
        "/api/v1/broadcasts/{broadcast_id}/end": _state_change("end"),
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
                errors="400 401 403 404 413 503", roles="service", body=request("EventBatch", EVENTS_EXAMPLE),
                params=("BroadcastId", "Signature"),
                description="A body that is not an object with an `events` list of 1 to 1,000 items answers 400 "
                            "and writes nothing. Each event is then validated and applied on its own: a rejected "
                            "event does not stop the others. Duplicates are detected by (token, event id) and, "
                            "for order events, by order_id. 503 busy: the database kept refusing the batch "
                            "(deadlocks past every retry); send it again: event ids make a resend safe."),
        },
    } | lineup_openapi.paths()


def schemas() -> dict:
    """Return the broadcast schemas, then one schema per event type with the batch and its results."""
    return {**_broadcast_schemas(), **lineup_openapi.schemas(), **_event_schemas()}


def _broadcast_schemas() -> dict:
    """Return broadcasts, the line-up entry, totals, the snapshot and their request bodies."""
    broadcast_props = {"id": integer(), "title": string(), "platform": string(),
                       "status": string(enum=list(BROADCAST_STATUSES)),
                       "started_at": nullable(DATETIME), "ended_at": nullable(DATETIME),
                       "planned_start_at": nullable(DATETIME)}
    totals_props = {"orders": integer("Accepted and paid orders (committed demand)."), "units": integer(),
                    "gmv": MONEY, "paid_orders": integer(), "paid_gmv": MONEY}
    held = {"held": integer("Held for review."), "waitlisted": integer("Waiting for stock."), "paid_waiting": MONEY}
    snapshot_props = {
        "broadcast": ref("Broadcast"),
        "seq": integer("The last push seq this snapshot includes; join /live with last_seq=seq."),
        "orders": array(ref("Order"), "The latest 200 orders, newest first (masked unless the caller sees PII)."),
        "stock": array(ref("SnapshotProduct"), "The line-up in order, or the whole catalogue when it is empty."),
        "totals": ref("Totals"),
        "pinned_sku": nullable(string()),
        "selling_now": ref("SellingNow"),
    }
    selling_line = obj({"order_id": string(), "received_at": DATETIME, "sku": string("The product's SKU (a variant's "
                                                                                    "product)."), "qty": integer()},
                       required=("order_id", "received_at", "sku", "qty"))
    return {
        "Broadcast": obj(broadcast_props, required=tuple(broadcast_props)),
        "BroadcastList": obj({"broadcasts": array(ref("Broadcast"), "Newest first, at most 200.")},
                             required=("broadcasts",)),
        "BroadcastInput": obj({"title": filled(200),
                               "platform": string("Where the broadcast runs: a name, folded to lowercase (400 "
                                                  "invalid_format otherwise); LiveDesk's own are "
                                                  + ", ".join(KNOWN_PLATFORMS) + ".", examples=["douyin"],
                                                  maxLength=32, pattern=r"^\s*[A-Za-z0-9][A-Za-z0-9_.-]*\s*$"),
                               "planned_start_at": nullable(TIMESTAMP_INPUT)}, required=("title", "platform")),
        "BroadcastUpdate": obj({"title": filled(200), "planned_start_at": nullable(TIMESTAMP_INPUT)},
                               description="Only the fields sent change.", minProperties=1,
                               additionalProperties=False),
        "BroadcastStateInput": obj({"at": TIMESTAMP_INPUT}, description="Optional; `at` defaults to now (null is "
                                   "refused). Within 7 days before and 1 day after now (400 out_of_range)."),
        "Totals": obj(totals_props | held, required=tuple(totals_props)),
        "SnapshotProduct": {"allOf": [ref("Product"), obj({"live_price": nullable(MONEY), "link_no": nullable(integer(
            "The product's link number in the line-up; null for catalogue products outside it."))},
            required=("live_price",))]},
        "SellingNow": obj({"window_seconds": integer(), "as_of": DATETIME,
                           "lines": array(selling_line, "Order lines received in the window, newest first, not "
                                                        "rejected orders (at most 6,000).")},
                          required=("window_seconds", "as_of", "lines"),
                          description="What the host page's \"selling now\" panel counts: units per product in "
                                      "the last window_seconds before as_of."),
        "Snapshot": obj(snapshot_props, required=tuple(snapshot_props)),
    }


def _event_schema_name(event_type: str) -> str:
    """Return the component name of an event type's schema (order_cancel -> OrderCancelEvent)."""
    return camel(event_type) + "Event"


_PLATFORM_ID = r"^(?!\.\.?$)[^/]+$"  # no / and not . or ..: routes name these ids in one path segment
_VIEWER_ID = text(MAX_REF, "The platform's viewer id.", examples=["u-88"], pattern=_PLATFORM_ID)
_NICKNAME = text(100)
_SKU = text(MAX_REF, examples=["TEA-01"], pattern=_PLATFORM_ID)
_ORDER_ID = text(MAX_REF, "The platform's order id; unique across LiveDesk.", examples=["DY-778899"],
                 pattern=_PLATFORM_ID)


def _order_event_fields() -> dict:
    """Return the fields of an order event beyond the envelope."""
    address = nullable(obj({key: nullable(text(300 if key == "detail" else 64))
                            for key in ("province", "city", "district", "detail")}))
    buyer = nullable(obj({"id": nullable(text(MAX_REF, pattern=_PLATFORM_ID)), "name": nullable(text(100)),
                          "phone": nullable(text(32)), "address": address,
                          "contact_masked": nullable({"type": "boolean", "description": (
                              "true when the platform masked the buyer's contact and keeps it (privacy-protected "
                              "orders): a missing name, phone or street then does not hold the order.")})},
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
        "coupon_codes": nullable(array(text(64), "Coupon codes the buyer used (at most 20).", maxItems=20)),
        "comment_id": nullable(text(MAX_REF, "The chat comment the order came from.", pattern=_PLATFORM_ID)),
    }


def _event_fields() -> dict[str, tuple[dict, tuple]]:
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
        # event types: after-sales (docs/aftersales.md): one case per aftersale_id, mirrored as the platform runs it
        "aftersale": ({"aftersale_id": text(MAX_ID, "The platform's after-sales id.", pattern=_PLATFORM_ID),
                       "order_id": _ORDER_ID,
                       "aftersale_type": string("The case type (the envelope's `type` is aftersale).",
                                                enum=["refund_only", "return_refund", "exchange", "reship", "repair"]),
                       "status": string("The platform's status, in LiveDesk's words (docs/aftersales.md).",
                                        enum=["requested", "approved", "rejected", "awaiting_return", "return_shipped",
                                              "received", "inspected", "refunded", "replacement_shipped", "completed",
                                              "cancelled", "closed"]),
                       "reason": nullable(text(64, "quality, wrong_item, missing_item, size_fit, logistics_damage, "
                                               "no_reason_7d or other; anything else is kept as other.")),
                       "reason_text": nullable(text(500, "The buyer's or the platform's words.")),
                       "amount": nullable(EVENT_AMOUNT),
                       "deadline_at": nullable({**TIMESTAMP_INPUT, "description": "The platform's deadline for the "
                                                "current step; it replaces LiveDesk's policy. A day before ts to "
                                                "60 days after it."}),
                       "platform": nullable(text(32, "Whose record it is (an adapter names its platform); the "
                                                 "broadcast's platform when absent.", pattern=_PLATFORM_ID))},
                      ("aftersale_id", "order_id", "aftersale_type", "status")),
        # event types: complaints (docs/complaints.md): one complaint per complaint_id, however often it is sent
        "complaint": ({"complaint_id": text(MAX_REF, "The platform's complaint id.", pattern=_PLATFORM_ID),
                       "order_id": nullable(_ORDER_ID),
                       "buyer_id": text(MAX_REF, "The platform's id of the buyer who complained.", pattern=_PLATFORM_ID),
                       "category": nullable(text(64, "The platform's category; ours when it is one of ours, known "
                                                     "words mapped, anything else: other.")),
                       "text": text(MAX_TEXT)}, ("complaint_id", "buyer_id", "text")),
        # event types: live-room interactions (docs/metrics.md, "Live-room interactions")
        "gift": ({"viewer_id": _VIEWER_ID, "nickname": _NICKNAME, "gift_id": text(MAX_REF, "The platform's gift id."),
                  "gift_name": nullable(text(100)),
                  "count": integer("Gifts in this event (a streak's final count).", minimum=1, maximum=1_000_000_000),
                  "value": nullable(integer("What the gifts are worth in the platform's unit, as it says.",
                                            minimum=0, maximum=1_000_000_000)),
                  "unit": nullable(text(16, examples=["diamond", "gold_coin"]))},
                 ("viewer_id", "gift_id", "count")),
        "like": ({"viewer_id": nullable(_VIEWER_ID), "nickname": _NICKNAME,
                  "count": integer("Likes (taps) in this event.", minimum=1, maximum=1_000_000_000),
                  "total": nullable(integer("The room's total likes as the platform reported it.", minimum=0,
                                            maximum=1_000_000_000))}, ("count",)),
        "viewer_count": ({"count": integer("Viewers in the room as the platform counts them.", minimum=0,
                                           maximum=1_000_000_000)}, ("count",)),
    }


def _event_schemas() -> dict:
    """Return one schema per event type, the Event oneOf over them, the batch and the per-event results."""
    schemas = {}
    for event_type, (fields, required) in _event_fields().items():
        envelope = {"id": text(MAX_ID, "Unique per API token across all broadcasts; a repeat is a duplicate."),
                    "type": string(const=event_type), "ts": TIMESTAMP_INPUT}
        schemas[_event_schema_name(event_type)] = obj({**envelope, **fields}, required=("id", "type", "ts", *required))
    mapping = {t: f"#/components/schemas/{_event_schema_name(t)}" for t in EVENT_TYPES}
    schemas["Event"] = {"oneOf": [ref(_event_schema_name(t)) for t in EVENT_TYPES],
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
