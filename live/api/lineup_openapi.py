"""OpenAPI fragment of the line-up and console pins (live/api/lineup.py, pins.py); live/api/openapi.py merges it."""
from __future__ import annotations

from app.openapi.operations import operation, parameter, request
from app.openapi.schemas import DATETIME, MONEY, MONEY_INPUT, array, filled, integer, nullable, obj, ref, string
from live.broadcasts.lineup import MAX_LINEUP, MAX_LINK_NO

_LINK_NO = integer("The link number the host says on air (1号链接); unique in the broadcast.", minimum=1,
                   maximum=MAX_LINK_NO)
_POSITION = integer("Place on the rail, 1 first.", minimum=1, maximum=MAX_LINEUP)


def parameters() -> dict:
    """Return the line-up SKU path parameter."""
    return {"LineupSku": parameter("sku", "path", {"type": "string"}, "A product SKU in the broadcast's line-up.")}


def _pin(action: str) -> dict:
    """Return the path item that pins or unpins a line-up product."""
    pin = action == "pin"
    return {"post": operation(
        f"{action}Product", "Pin a line-up product" if pin else "Unpin a product", "broadcasts",
        ("200", "The event recorded and the product pinned now.", ref("PinResult")),
        errors="400 401 403 404 409", roles="service, host", params=("BroadcastId",),
        body=request("PinInput" if pin else "UnpinInput", {"sku": "TEA-01"}, required=pin),
        description=("Recorded as a `product_" + action + "` event (source: the actor, `user:<username>` or the "
                     "token's name) through event ingestion, like a platform's pin: one product is pinned at a "
                     "time (pinning B ends A's pin), `product.pinned` is pushed and analytics counts it. The "
                     "broadcast must be live (409 invalid_state); the SKU must be a product of its line-up (404 "
                     "unknown_sku, not_in_lineup)." + ("" if pin else " Without `sku`, the pinned product is "
                                                      "unpinned (409 not_pinned when none is)."))),
    }


def paths() -> dict:
    """Return the line-up and pin operations."""
    item = {
        "patch": operation(
            "updateLineupEntry", "Change a line-up product's live price, link number or place", "broadcasts",
            ("200", "The entry after the change.", ref("LineupEntry")), errors="400 401 403 404 409",
            roles="service, host", params=("BroadcastId", "LineupSku"),
            body=request("LineupUpdate", {"position": 1, "link_no": 3, "live_price": "69.00"}),
            description="Moving a product shifts the others; link numbers stay unless sent. A link number used "
                        "by another product answers 409 link_taken. Pushes `lineup.changed`."),
        "delete": operation(
            "removeFromLineup", "Take a product off the rail", "broadcasts",
            ("200", "The line-up that is left.", ref("Lineup")), errors="401 403 404 409", roles="service, host",
            params=("BroadcastId", "LineupSku"),
            description="Orders already placed keep their lines and prices; the product only leaves the rail. "
                        "The pinned product answers 409 pinned (unpin it first). Pushes `lineup.changed`."),
    }
    return {
        "/api/v1/broadcasts/{broadcast_id}/products": {
            "get": operation("listLineup", "The line-up in rail order", "broadcasts",
                             ("200", "Every line-up product.", ref("Lineup")), errors="401 404",
                             params=("BroadcastId",)),
            "post": operation(
                "addToLineup", "Put a product last on the rail, with an optional live price and link number",
                "broadcasts", ("201", "The line-up entry.", ref("LineupEntry")), errors="400 401 403 404 409",
                roles="service, host", body=request("LineupInput", {"sku": "TEA-01", "live_price": "79.00"}),
                params=("BroadcastId",),
                description="`link_no` defaults to one more than the highest in the broadcast. An unknown SKU "
                            "answers 404 unknown_sku; a product already in the line-up keeps its place and "
                            "gets the live price (and `link_no` when given), 201 as for a new one; a link number in use 409 link_taken. Pushes `lineup.changed`."),
        },
        "/api/v1/broadcasts/{broadcast_id}/products/{sku}": item,
        "/api/v1/broadcasts/{broadcast_id}/pin": _pin("pin"),
        "/api/v1/broadcasts/{broadcast_id}/unpin": _pin("unpin"),
    }


def schemas() -> dict:
    """Return the line-up entry, its inputs and the pin bodies."""
    entry = {"broadcast_id": integer(), "sku": string(), "name": string(), "price": MONEY,
             "live_price": nullable(MONEY), "link_no": integer(), "position": integer("1 = first on the rail."),
             "pinned": {"type": "boolean"}, "pinned_at": nullable(DATETIME)}
    pin_result = {"event_id": string("The product_pin / product_unpin event's id (console-...)."),
                  "type": string(enum=["product_pin", "product_unpin"]), "actor": string(), "ts": DATETIME,
                  "sku": string(), "pinned_sku": nullable(string("The product pinned after this event."))}
    return {
        "LineupInput": obj({"sku": filled(64, "A product SKU (not a variant's)."), "live_price": MONEY_INPUT,
                            "link_no": _LINK_NO}, required=("sku",)),
        "LineupUpdate": obj({"live_price": nullable(MONEY_INPUT), "link_no": _LINK_NO, "position": _POSITION},
                            description="Only the fields sent change; null clears the live price.",
                            minProperties=1, additionalProperties=False),
        "LineupEntry": obj(entry, required=tuple(entry)),
        "Lineup": obj({"broadcast_id": integer(), "products": array(ref("LineupEntry"), "In rail order.")},
                      required=("broadcast_id", "products")),
        "PinInput": obj({"sku": filled(64, "A product SKU of the line-up.")}, required=("sku",),
                        additionalProperties=False),
        "UnpinInput": obj({"sku": filled(64, "A product SKU of the line-up; absent: the pinned product.")},
                          additionalProperties=False),
        "PinResult": obj(pin_result, required=tuple(pin_result)),
    }
