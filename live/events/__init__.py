"""Validation of the v1 event envelope (pure): raw JSON in, a ParsedEvent or an EventError out.

The field checks live in fields.py, the parsers of order-related events in commerce.py and those of live-room
interactions in interactions.py; this module holds the envelope, the time windows and the table of parsers.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from live.events import commerce, interactions
from live.events.fields import (
    MAX_ID,
    MAX_REF,
    MAX_TEXT,
    EventError,
    Invalid,
    ParsedEvent,
    parse_amount,
    parse_ts,
    text_field,
)
from orders.models import ORDER_SOURCES  # re-exported: the API documents the sources from here

__all__ = ["AHEAD", "AT_PAST", "EVENT_TYPES", "EVENT_WINDOW", "MAX_EVENTS", "MAX_ID", "MAX_REF", "MAX_TEXT",
           "ORDER_SOURCES", "RECORDED_EARLIEST", "EventError", "ParsedEvent", "at_window", "event_window",
           "parse_amount", "parse_event", "parse_ts", "recorded_window", "to_json"]

EVENT_TYPES = (
    "viewer_join", "viewer_leave", "product_click", "product_pin", "product_unpin",
    "chat", "order", "payment", "order_cancel",
    # event types: after-sales
    "aftersale",
    # event types: complaints
    "complaint",
    # event types: live-room interactions
    "gift", "like", "viewer_count",
)
MAX_EVENTS = 1000  # events in one POST /api/v1/broadcasts/<id>/events request

# Platform times are bounded (docs/api.md, "Time bounds"): a time far from now is a platform bug or an attack
# (a start in 2025 made every metrics request walk a year of empty minutes), never a live fact.
AT_PAST = timedelta(days=7)  # a broadcast starts or ends at most a week ago ...
AHEAD = timedelta(days=1)  # ... and at most a day ahead (clocks and zones set wrong), as do events
EVENT_WINDOW = timedelta(days=7)  # events: the broadcast's period widened by analytics' default attribution window
RECORDED_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # `flask replay`: recordings, however old, not older


def at_window(now: datetime) -> tuple[datetime, datetime]:
    """Return (earliest, latest) a broadcast may be started or ended at through the API."""
    return now - AT_PAST, now + AHEAD


def event_window(started_at: datetime | None, ended_at: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """Return (earliest, latest) an event's ts may be for a broadcast with this period (None: not started, live).

    From a week before the start (before it started: a week before now) to a week after the end, and never
    more than a day ahead of now.
    """
    earliest = (started_at or now) - EVENT_WINDOW
    latest = now + AHEAD
    if ended_at is not None:
        latest = min(latest, ended_at + EVENT_WINDOW)
    return earliest, latest


def recorded_window(now: datetime) -> tuple[datetime, datetime]:
    """Return (earliest, latest) an event's ts may be when an operator replays a recording (`flask replay`)."""
    return RECORDED_EARLIEST, now + AHEAD


_PARSERS = {
    "viewer_join": lambda r: {"viewer_id": text_field(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True),
                              "nickname": text_field(r, "nickname", "nickname", required=False, max_len=100,
                                                  free_text=True)},
    "viewer_leave": lambda r: {"viewer_id": text_field(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True)},
    "product_click": lambda r: {"viewer_id": text_field(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True),
                                "sku": text_field(r, "sku", "sku", max_len=MAX_REF, ident=True)},
    "product_pin": lambda r: {"sku": text_field(r, "sku", "sku", max_len=MAX_REF, ident=True)},
    "product_unpin": lambda r: {"sku": text_field(r, "sku", "sku", max_len=MAX_REF, ident=True)},
    "chat": lambda r: {"viewer_id": text_field(r, "viewer_id", "viewer_id", max_len=MAX_REF, ident=True),
                       "nickname": text_field(r, "nickname", "nickname", required=False, max_len=100, free_text=True),
                       "text": text_field(r, "text", "text", max_len=MAX_TEXT, free_text=True)},
    "order": commerce.order,
    "payment": commerce.payment,
    "order_cancel": lambda r: {"order_id": text_field(r, "order_id", "order_id", max_len=64, ident=True),
                               "reason": text_field(r, "reason", "reason", required=False, max_len=500,
                                                 free_text=True)},
    # parsers: after-sales
    "aftersale": commerce.aftersale,
    # parsers: complaints
    "complaint": commerce.complaint,
    # parsers: live-room interactions
    **interactions.PARSERS,
}


def parse_event(raw, window: tuple[datetime, datetime] | None = None) -> ParsedEvent | EventError:
    """Return the validated event, or the first error found in it; its ts must lie within window when given."""
    try:
        if not isinstance(raw, dict):
            raise Invalid("invalid_type", "event", "each event must be a JSON object")
        event_id = text_field(raw, "id", "id")
        event_type = text_field(raw, "type", "type", max_len=32)
        if event_type not in EVENT_TYPES:
            raise Invalid("unknown_type", "type", f"type must be one of {', '.join(EVENT_TYPES)}")
        ts = parse_ts(raw.get("ts"), window)
        return ParsedEvent(id=event_id, type=event_type, ts=ts, data=_PARSERS[event_type](raw))
    except Invalid as invalid:
        return invalid.error


def to_json(event: ParsedEvent) -> dict:
    """Return the normalised event as JSON-ready data for the event log (amounts as strings)."""
    data = event.data
    for value in data.values():
        if isinstance(value, (Decimal, dict, list)):
            data = _plain(data)  # most events (chat, joins, clicks) are flat text: nothing to convert
            break
    return {"id": event.id, "type": event.type, "ts": event.ts.isoformat(), **data}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
