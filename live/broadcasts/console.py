"""Pin and unpin from the console: recorded as product_pin / product_unpin events through event ingestion.

The same path as a platform's pin (live.ingest): the event is logged once with the actor as its source, the
pinned product is recomputed (one at a time), product.pinned is pushed to the hosts and analytics counts the
event through app.signals.events_accepted, exactly like a pin sent by a platform.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from live.broadcasts.lineup import find_entry
from live.broadcasts.pinning import pinned_sku
from live.broadcasts.state import BroadcastError
from live.ingest import ingest_events
from live.models import Broadcast

MAX_SOURCE = 64  # event_log.source
# Why a broadcast that is not live refuses a pin or an unpin, one whole sentence per status: the API's edge
# translates these (app/http/messages.py SHAPES), so each is written out rather than built from the status.
NOT_LIVE = {
    "scheduled": "a scheduled broadcast has not started: products can be pinned once it is live",
    "ended": "an ended broadcast is over: its products can no longer be pinned or unpinned",
}
NOT_LIVE_OTHER = "only a live broadcast's products can be pinned or unpinned"


def actor_of(principal) -> str:
    """Return who acts, as event sources name it: the token's name, or user:<username> for a console session."""
    name = getattr(principal, "name", None) or f"user:{principal.username}"
    return name[:MAX_SOURCE]


def toggle_pin(session: Session, broadcast: Broadcast, sku: str, pin: bool, actor: str, now: datetime) -> dict:
    """Return what a console pin (or unpin) of a line-up product recorded: event id, type, actor, time, pinned SKU.

    Only a live broadcast's products can be pinned (409 invalid_state); the SKU must be a product in the
    line-up (404 unknown_sku / not_in_lineup). Pinning B ends A's pin; unpinning a product that is not pinned
    is recorded and changes nothing (the rule of live.broadcasts.pinning.pinned_now).
    """
    if broadcast.status != "live":
        raise BroadcastError(409, "invalid_state", "status", NOT_LIVE.get(broadcast.status, NOT_LIVE_OTHER))
    find_entry(session, broadcast.id, sku)
    event_type = "product_pin" if pin else "product_unpin"
    event = {"id": f"console-{uuid.uuid4().hex}", "type": event_type, "ts": now.isoformat(), "sku": sku}
    result = ingest_events(session, broadcast, actor, [event])[0]
    if result["status"] != "accepted":
        error = result.get("error") or {}
        raise BroadcastError(409, error.get("code", "not_recorded"), error.get("field", "sku"),
                             error.get("message", "the pin could not be recorded"))
    return {"event_id": event["id"], "type": event_type, "actor": actor, "ts": now.isoformat(),
            "sku": sku, "pinned_sku": pinned_sku(session, broadcast.id)}
