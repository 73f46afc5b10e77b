"""What the live-room connectors share: the forwarder's envelope, its signature and its answer.

A live-room connector (TikTok-Live-Connector, DouyinLiveWebFetcher, blivedm) runs beside the seller's stream;
a small forwarder posts what it emits to LiveDesk as a JSON array (docs/adapters.md, "The forwarder"):

    [{"event": "chat", "data": {...the connector's event...}, "id": "optional id", "ts": 1721106115123}, ...]

signed like every LiveDesk delivery: ``X-LiveDesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<body>" with the connection's secret>`` (app.auth.tokens, the same check as the events API's signing
secrets), so a replayed request older than the tolerance is refused too.
"""
from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from app.auth import tokens
from live.adapters.base import MAX_KIND, MAX_MESSAGE_ID, AdapterError, Connection

SIGNATURE_HEADER = "X-LiveDesk-Signature"
DEFAULT_TOLERANCE_SECONDS = 300
MAX_ITEMS = 500  # connector events in one request


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Return the header called name, whatever its case in headers (a dict or werkzeug's Headers)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, item in headers.items():
        if key.lower() == lowered:
            return item
    return None


def verify(headers: Mapping[str, str], body: bytes, connection: Connection) -> bool:
    """Return True when X-LiveDesk-Signature is fresh and made with one of the connection's secrets."""
    tolerance = connection.settings.get("signature_tolerance_seconds", DEFAULT_TOLERANCE_SECONDS)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 1:
        tolerance = DEFAULT_TOLERANCE_SECONDS  # a setting stored before settings.checked checked it
    return tokens.signature_valid(header(headers, SIGNATURE_HEADER), body, list(connection.secrets), time.time(),
                                  tolerance)


def sign(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Return the headers a forwarder sends with body (the connection page's test button uses it too)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {SIGNATURE_HEADER: tokens.sign(body, secret, stamp), "Content-Type": "application/json"}


def items(body: bytes) -> list[dict[str, Any]]:
    """Return the envelope's items (each with event, data, and id / ts when given), or raise AdapterError."""
    try:
        decoded = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise AdapterError("invalid_json", "body", "the body must be a JSON array of connector events") from None
    if isinstance(decoded, dict):
        decoded = [decoded]  # one event posted alone
    if not isinstance(decoded, list) or not 1 <= len(decoded) <= MAX_ITEMS:
        raise AdapterError("invalid_body", "body", f"the body must be a JSON array of 1 to {MAX_ITEMS} events")
    found = []
    for index, item in enumerate(decoded):
        path = f"[{index}]"
        if not isinstance(item, dict):
            raise AdapterError("invalid_type", path, f"{path} must be an object")
        event = item.get("event")
        if not isinstance(event, str) or not 0 < len(event) <= MAX_KIND:
            raise AdapterError("missing_field" if event is None else "invalid_type", f"{path}.event",
                               f"{path}.event must be the connector's event name (1 to {MAX_KIND} characters)")
        data = item.get("data")
        if not isinstance(data, (dict, int)):  # TikTok-Live-Connector 1.x passes streamEnd a bare action number
            raise AdapterError("missing_field" if data is None else "invalid_type", f"{path}.data",
                               f"{path}.data must be the connector's event object")
        given_id = item.get("id")
        if given_id is not None and (not isinstance(given_id, (str, int)) or isinstance(given_id, bool)
                                     or not 0 < len(str(given_id)) <= MAX_MESSAGE_ID):
            raise AdapterError("invalid_type", f"{path}.id", f"{path}.id must be a string of 1 to {MAX_MESSAGE_ID}")
        found.append({"event": event, "data": data, "id": None if given_id is None else str(given_id),
                      "ts": item.get("ts")})
    return found


def ack(ok: bool) -> tuple[object, int]:
    """Return what a forwarder is answered: 200 once stored; 503 (send again later) when it could not be stored."""
    return ({"ok": True}, 200) if ok else ({"ok": False, "retry": True}, 503)
