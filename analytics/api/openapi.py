"""OpenAPI fragment of GET /api/v1/broadcasts/{broadcast_id}/metrics (analytics/api/metrics.py; docs/metrics.md).

app.openapi.spec merges ``paths()``, ``schemas()`` and ``parameters()`` into the v1 document.
"""
from __future__ import annotations

from analytics.service import DEFAULT_ATTRIBUTION_DAYS, MAX_ATTRIBUTION_DAYS
from app.openapi.operations import operation, parameter
from app.openapi.schemas import MONEY, array, integer, nullable, obj, ref, string

RATE = {"type": "number", "minimum": 0, "description": "A fraction rounded half up to 4 decimals (not a percentage)."}
SECONDS = {"type": "number", "minimum": 0, "description": "Seconds rounded half up to 1 decimal."}
COUNT = integer(minimum=0)


def parameters() -> dict:
    """Return the query parameter of the metrics operation."""
    days = {"type": "integer", "minimum": 0, "maximum": MAX_ATTRIBUTION_DAYS, "default": DEFAULT_ATTRIBUTION_DAYS}
    return {"AttributionDays": parameter("attribution_days", "query", days,
                                         "Orders placed up to this many days after the end count (inclusive).")}


def schemas() -> dict:
    """Return the BroadcastMetrics schema and its parts (definitions: docs/metrics.md)."""
    variant = obj({"orders": COUNT, "units": integer(), "gmv": MONEY}, required=("orders", "units", "gmv"))
    product = obj({"clicks": COUNT, "clickers": COUNT, "orders": COUNT, "units": integer(), "gmv": MONEY,
                   "pinned_seconds": SECONDS, "clicks_while_pinned": COUNT, "orders_while_pinned": COUNT,
                   "variants": {"type": "object", "additionalProperties": variant,
                                "description": "The product's variant SKUs sold in paid orders, sorted."}},
                  required=("clicks", "clickers", "orders", "units", "gmv", "pinned_seconds", "clicks_while_pinned",
                            "orders_while_pinned", "variants"))
    steps = ("viewers", "clickers", "buyers", "paying_buyers")
    funnel = obj({**{step: COUNT for step in steps},
                  "step_rates": obj({step: nullable(RATE) for step in steps[1:]}, required=steps[1:]),
                  "buyers_not_joined": COUNT, "buyers_not_clicked": COUNT},
                 required=(*steps, "step_rates", "buyers_not_joined", "buyers_not_clicked"),
                 description="People at each step, each step a subset of the one before (docs/metrics.md, Funnel).")
    minute = obj({"minute": string("The minute's start, ISO-8601 UTC.", format="date-time"), "joins": COUNT,
                  "online": COUNT, "chat": COUNT, "clicks": COUNT, "orders": COUNT, "paid_gmv": MONEY},
                 required=("minute", "joins", "online", "chat", "clicks", "orders", "paid_gmv"))
    fields = {
        "views": COUNT, "unique_viewers": COUNT, "peak_concurrent_viewers": COUNT,
        "avg_watch_seconds": nullable(SECONDS), "total_watch_seconds": SECONDS, "product_clickers": COUNT,
        "click_rate": nullable(RATE), "orders": COUNT, "paid_orders": COUNT, "buyers": COUNT, "gmv": MONEY,
        "net_gmv": {**MONEY, "description": "gmv less the succeeded refunds (goods) of the paid orders counted in it."},
        "refunded": MONEY, "refunded_orders": COUNT, "refund_rate": nullable(RATE), "returned_orders": COUNT,
        "return_rate": nullable(RATE),
        "gpm": nullable(MONEY), "gpm_per_viewer": nullable(MONEY), "uv_value": nullable(MONEY),
        "aov": nullable(MONEY), "aov_per_paid_order": nullable(MONEY), "conversion_rate": nullable(RATE),
        "click_to_buy_rate": nullable(RATE),
        "by_product": {"type": "object", "additionalProperties": ref("ProductMetrics"),
                       "description": "Keyed by product SKU (variants rolled up), sorted."},
        "by_source": {"type": "object", "additionalProperties": ref("SourceMetrics"),
                      "description": "in_stream, product_link and post_stream always, then any other source."},
        "timeline": array(ref("MinuteMetrics"), "The first and last minute and every minute where something "
                          "happened; a minute left out has zero counts and the previous row's online."),
        "funnel": funnel,
        "attribution_window_days": {"type": "number", "minimum": 0},
    }
    return {
        "BroadcastMetrics": obj(fields, required=tuple(fields), description=(
            "Conversion metrics of one broadcast; null where a ratio's denominator is 0. See docs/metrics.md.")),
        "ProductMetrics": product,
        "SourceMetrics": obj({"orders": COUNT, "gmv": MONEY}, required=("orders", "gmv")),
        "MinuteMetrics": minute,
        # Live-room interactions (analytics/api/interactions.py)
        "BroadcastInteractions": obj({
            "broadcast_id": COUNT,
            "gifts": obj({"count": COUNT, "givers": COUNT, "by_unit": array(obj({
                "unit": {"type": ["string", "null"], "description": "The platform's unit of value (diamond, "
                                                                   "douyin_coin, gold_coin ...)."},
                "count": COUNT, "value": {"type": ["integer", "null"]}, "events": COUNT}))},
                required=("count", "givers", "by_unit")),
            "likes": obj({"count": COUNT, "likers": COUNT}, required=("count", "likers")),
            "viewer_count": obj({"peak": {"type": ["integer", "null"]}, "last": {"type": ["integer", "null"]},
                                 "by_minute": array(obj({"minute": {"type": "string", "format": "date-time"},
                                                         "last": COUNT, "max": COUNT}))},
                                required=("peak", "last", "by_minute")),
        }, required=("gifts", "likes", "viewer_count"), description="docs/metrics.md, Live-room interactions."),
    }


def paths() -> dict:
    """Return the metrics and interactions operations."""
    return {"/api/v1/broadcasts/{broadcast_id}/interactions": {"get": operation(
        "getBroadcastInteractions", "Gifts, likes and viewer counts of a broadcast's live room", "broadcasts",
        ("200", "Totals and the viewer-count series by minute.", ref("BroadcastInteractions")),
        errors="401 403 404", roles="analyst, host, service", params=("BroadcastId",),
        description="From the gift, like and viewer_count events (live-room connectors, docs/adapters.md).")},
        "/api/v1/broadcasts/{broadcast_id}/metrics": {"get": operation(
        "getBroadcastMetrics", "Viewer-to-order conversion metrics of a broadcast", "broadcasts",
        ("200", "The metrics; a live broadcast is measured up to now.", ref("BroadcastMetrics")),
        errors="400 401 403 404 409", roles="analyst, host, service", params=("BroadcastId", "AttributionDays"),
        description="Computed from incremental rollups of the event log (docs/metrics.md, How it is computed). "
                    "409 not_started: the broadcast has no start time yet.")}}
