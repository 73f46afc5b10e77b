"""Pure helpers the platform modules share: event ids from message ids, platform times, ids and texts.

Platform payloads are untrusted: every helper bounds what it returns and raises AdapterError (a stable
code, the field and a sentence) when a value cannot be read, so a module's to_events stays short.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.http.validation import encodable
from live.adapters.base import MAX_KIND, MAX_MESSAGE_ID, AdapterError, InboundMessage
from live.ingest.rejected import storable

MAX_EVENT_ID = 128  # live.events.MAX_ID
MAX_REF = 64  # viewer ids and other platform ids in events (live.events.MAX_REF)
EPOCH_MS_FROM = 100_000_000_000  # an epoch number at or above this is in milliseconds (year 1973 in ms)
EPOCH_US_FROM = 100_000_000_000_000  # ... and at or above this in microseconds
EPOCH_NS_FROM = 100_000_000_000_000_000  # ... and at or above this in nanoseconds


def digest(value: str, length: int = 40) -> str:
    """Return the first length hex digits of value's SHA-256 (a stable short stand-in for a long id)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def event_id(message_id: str, index: int = 0) -> str:
    """Return the id of a message's index-th event: the message id itself first, then message_id#index.

    Event ids derive from the platform's message id so a redelivered message makes the same events, which
    the event log refuses as duplicates. An id that would be too long is replaced by its digest.
    """
    candidate = message_id if index == 0 else f"{message_id}#{index}"
    if len(candidate) > MAX_EVENT_ID:
        return "h:" + digest(candidate, 64)
    return candidate


def platform_id(value: Any, field: str, max_len: int = MAX_REF) -> str:
    """Return a platform id (string or integer) as a string fit for an event: no /, at most max_len characters.

    Longer ids or ids with a / (some platforms' opaque user ids) are replaced by a digest, stable per value.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise AdapterError("missing_field" if value is None else "invalid_type", field, f"{field} must be an id")
    text = str(value).strip()
    if not text or text in ("0", ".", ".."):
        raise AdapterError("missing_field", field, f"{field} is empty")
    if len(text) > max_len or "/" in text or "\x00" in text:
        return "h:" + digest(text)
    return text


def optional_id(value: Any, field: str, max_len: int = MAX_REF) -> str | None:
    """Return platform_id(value), or None when value is absent, empty or 0 (an anonymous user)."""
    if value is None or value == "" or value == 0 or value == "0":
        return None
    return platform_id(value, field, max_len)


def text(value: Any, max_len: int) -> str | None:
    """Return value as text cut to max_len characters (None when absent or blank); numbers become text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    return value[:max_len]


def count(value: Any, field: str, default: int | None = None) -> int:
    """Return a non-negative integer from a number or numeric string (platforms send 64-bit ints as text)."""
    if value is None or value == "":
        if default is not None:
            return default
        raise AdapterError("missing_field", field, f"{field} is required")
    if isinstance(value, bool):
        raise AdapterError("invalid_type", field, f"{field} must be a number")
    if isinstance(value, str) and len(value.strip()) > 20:
        raise AdapterError("out_of_range", field, f"{field} is out of range")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float (1e400 in the JSON)
        raise AdapterError("invalid_type", field, f"{field} must be a number") from None
    if number < 0:
        raise AdapterError("out_of_range", field, f"{field} must not be negative")
    return number


def zone_of(name: str | None, default: str) -> ZoneInfo:
    """Return the time zone called name (the connection's setting), else default."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def platform_time(value: Any, field: str, zone: ZoneInfo) -> datetime:
    """Return an aware UTC time from epoch seconds / ms / us / ns (number or text) or a date-time text.

    A date-time with no offset is read in the platform's zone (zone), then converted to UTC.
    """
    if isinstance(value, bool) or value is None or value == "":
        raise AdapterError("missing_field" if value in (None, "") else "invalid_type", field, f"{field} is required")
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.isascii():  # "²" is a digit too
        if len(value.strip()) > 20:  # int() of thousands of digits raises; no epoch needs more than 19
            raise AdapterError("out_of_range", field, f"{field} is out of range")
        value = int(value.strip())
    if isinstance(value, (int, float)):
        return _from_epoch(value, field)
    if not isinstance(value, str) or len(value) > 40:
        raise AdapterError("invalid_type", field, f"{field} must be a time")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise AdapterError("invalid_timestamp", field, f"{field} is not a date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def _from_epoch(value: int | float, field: str) -> datetime:
    """Return the UTC time of an epoch number, its unit told by its size."""
    magnitude = abs(value)
    try:
        seconds = (value / 1_000_000_000 if magnitude >= EPOCH_NS_FROM else value / 1_000_000
                   if magnitude >= EPOCH_US_FROM else value / 1000 if magnitude >= EPOCH_MS_FROM else value)
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise AdapterError("out_of_range", field, f"{field} is out of range") from None


def iso(moment: datetime) -> str:
    """Return an aware time as ISO-8601 with milliseconds (the events' ts)."""
    return moment.isoformat(timespec="milliseconds")


def content_id(item: Any) -> str:
    """Return a stable id of a JSON value: the digest of its canonical form (for messages that carry none)."""
    canonical = json.dumps(item, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "c:" + digest(canonical, 48)


def message(message_id: str, kind: str, payload: Mapping[str, Any]) -> InboundMessage:
    """Return an InboundMessage with a bounded id and kind (a too-long id becomes its digest)."""
    if len(message_id) > MAX_MESSAGE_ID:
        message_id = "h:" + digest(message_id, 64)
    return InboundMessage(message_id=message_id, kind=kind[:MAX_KIND], payload=payload)


def storable_message(item: InboundMessage) -> InboundMessage:
    """Return item as the inbox can keep it: an id no column holds becomes its digest; such a kind gets U+FFFD.

    A lone surrogate (half an emoji) or NUL has no place in a text column (a 500 before). The id is the inbox's
    dedupe key, so it is not mended but replaced by its digest, stable per value and distinct for ids that differ
    only there: a redelivery finds its row. The kind names no row, so it is only made readable.
    """
    message_id, kind = item.message_id, item.kind
    if "\x00" in message_id or not encodable(message_id):
        message_id = "h:" + digest(message_id, 64)
    if "\x00" in kind or not encodable(kind):
        kind = storable(kind)[:MAX_KIND]
    if (message_id, kind) == (item.message_id, item.kind):
        return item
    return InboundMessage(message_id=message_id, kind=kind, payload=item.payload)


def get(mapping: Any, *path: str) -> Any:
    """Return mapping[path[0]][path[1]]..., or None where a step is missing or not an object."""
    value = mapping
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
