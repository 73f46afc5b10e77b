"""/api/v1 broadcast endpoints: create, list, show, start, end, line-up and the host page's snapshot."""
from __future__ import annotations

from flask import g, jsonify, request

from app import realtime
from app.auth.pii import log_unmasked_view
from app.db import utcnow
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from live import broadcasts as lineup
from live.api.blueprint import bp, find_broadcast
from live.events import at_window
from live.models import Broadcast
from live.snapshot import broadcast_snapshot


def _lineup_error(error: lineup.BroadcastError):
    raise ApiError(error.status, error.code, error.message, error.field)


@bp.post("/broadcasts")
@api.roles("service", "host")
def create_broadcast():
    """Create a scheduled broadcast; answers 201 with it."""
    data = api.json_body()
    title = validation.text(data, "title")
    platform = validation.text(data, "platform", max_len=32)
    broadcast = lineup.create_broadcast(db.session, title, platform)
    db.session.commit()
    return jsonify(lineup.broadcast_to_dict(broadcast)), 201


@bp.get("/broadcasts")
def list_broadcasts():
    """List broadcasts, newest first."""
    rows = db.session.scalars(db.select(Broadcast).order_by(Broadcast.id.desc()).limit(200)).all()
    return jsonify({"broadcasts": [lineup.broadcast_to_dict(b) for b in rows]})


@bp.get("/broadcasts/<int:broadcast_id>")
def get_broadcast(broadcast_id: int):
    """Show one broadcast."""
    return jsonify(lineup.broadcast_to_dict(find_broadcast(broadcast_id)))


@bp.post("/broadcasts/<int:broadcast_id>/<any(start, end):action>")
@api.roles("service", "host")
def change_state(broadcast_id: int, action: str):
    """Start or end a broadcast at the platform's time `at` (now when absent)."""
    data = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object", "body")
    at = validation.timestamp(data, "at", window=at_window(utcnow()), nullable=False)
    broadcast = find_broadcast(broadcast_id)
    try:
        change = lineup.start_broadcast if action == "start" else lineup.end_broadcast
        change(db.session, broadcast, at)
    except lineup.BroadcastError as error:
        _lineup_error(error)
    realtime.queue(db.session, broadcast.id, "broadcast.changed", {"broadcast": lineup.broadcast_to_dict(broadcast)})
    realtime.commit(db.session)
    return jsonify(lineup.broadcast_to_dict(broadcast))


@bp.post("/broadcasts/<int:broadcast_id>/products")
@api.roles("service", "host")
def add_product(broadcast_id: int):
    """Put a catalogue product in the broadcast's line-up, with an optional live price."""
    data = api.json_body()
    sku = validation.text(data, "sku", max_len=64)
    live_price = validation.money(data, "live_price", required=False)
    broadcast = find_broadcast(broadcast_id)
    try:
        entry = lineup.add_to_lineup(db.session, broadcast, sku, live_price)
    except lineup.BroadcastError as error:
        _lineup_error(error)
    db.session.commit()
    return jsonify({"broadcast_id": broadcast.id, "sku": sku,
                    "live_price": None if entry.live_price is None else str(entry.live_price)}), 201


@bp.get("/broadcasts/<int:broadcast_id>/snapshot")
def snapshot(broadcast_id: int):
    """Give the host page its starting state: latest orders, stock per product, totals and the current seq."""
    broadcast = find_broadcast(broadcast_id)
    body = broadcast_snapshot(db.session, broadcast, api.sees_pii())
    if api.sees_pii():
        log_unmasked_view(db.session, g.principal, f"broadcast:{broadcast_id}:snapshot", "snapshot")
        db.session.commit()
    return jsonify(body)
