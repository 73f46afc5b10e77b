"""Pure helpers for reading the commerce platforms' push requests: headers, JSON bodies, ignored messages."""
from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any

from live.adapters.base import MAX_KIND, MAX_MESSAGE_ID, AdapterError, InboundMessage

MAX_MESSAGES = 500  # messages in one push request; the platforms batch a few dozen at most
MAX_DEPTH = 32

_LOG = logging.getLogger("livedesk.adapters")


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Return a request header by name, whatever its case (Flask's headers, a plain dict in tests)."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value.strip() if isinstance(value, str) else None


def same(expected: str, given: str | None) -> bool:
    """Return True when a signature matches, compared in constant time (hex case ignored).

    Compared as UTF-8 bytes: compare_digest refuses str with non-ASCII characters, which a header may hold.
    """
    return given is not None and hmac.compare_digest(expected.lower().encode(), given.strip().lower().encode())


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def load_json(raw: bytes | str, field: str) -> Any:
    """Return decoded JSON, or raise AdapterError naming field (not UTF-8, not JSON, nested too deep)."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise AdapterError("invalid_json", field, f"{field} is not JSON") from None
    except RecursionError:
        raise AdapterError("too_deep", field, f"{field} is nested too deep to read") from None
    if _depth(value) > MAX_DEPTH:
        raise AdapterError("too_deep", field, f"{field} is nested more than {MAX_DEPTH} levels")
    return value


def embedded_object(value: Any, field: str) -> dict:
    """Return a field sent as a JSON string holding an object (or already an object), else raise AdapterError."""
    if isinstance(value, str):
        value = load_json(value, field)
    if not isinstance(value, dict):
        raise AdapterError("invalid_type", field, f"{field} must be a JSON object (or a string holding one)")
    return value


def message_text(value: Any, field: str, limit: int) -> str:
    """Return an id or kind sent as a string or integer, 1..limit characters, else raise AdapterError."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise AdapterError("missing_field" if value is None else "invalid_type", field, f"{field} is required")
    text = str(value).strip()
    if not text or len(text) > limit or "\x00" in text:
        raise AdapterError("invalid_value", field, f"{field} must be 1-{limit} characters")
    return text


def message(message_id: Any, kind: Any, payload: dict, id_field: str, kind_field: str) -> InboundMessage:
    """Return an InboundMessage with checked id and kind (the fields name them in errors)."""
    return InboundMessage(message_id=message_text(message_id, id_field, MAX_MESSAGE_ID),
                          kind=message_text(kind, kind_field, MAX_KIND), payload=payload)


class NoEvents(list):
    """No events (an empty list) with the reason why: processing keeps it on the message's inbox row."""

    def __init__(self, reason: str):
        """Keep the reason."""
        super().__init__()
        self.reason = reason


def ignored(platform: str, inbound: InboundMessage, reason: str) -> NoEvents:
    """Log why a message maps to no event and return no events that carry the reason (still acknowledged)."""
    _LOG.info("%s message %s (%s) ignored: %s", platform, inbound.message_id, inbound.kind, reason)
    return NoEvents(reason)


def other_shop(connection_shop: str | None, shop: Any) -> bool:
    """Return True when a message names a shop that is not the connection's.

    One app's push URL gets the messages of every shop that authorised the app; a connection without a shop
    id, or a message naming none, is not filtered.
    """
    return bool(connection_shop) and shop not in (None, "") and str(shop) != connection_shop
