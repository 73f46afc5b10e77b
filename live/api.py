"""/api/v1 broadcast endpoints: create, start, end, line-up, snapshot, and event ingestion."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from app import api, realtime, validation
from app.auth.pii import log_unmasked_view, present_order
from app.errors import ApiError
from app.extensions import csrf, db
from app.transactions import run_with_retry
from live import lineup
from live.ingest import ingest_events
from live.models import Broadcast
from live.snapshot import broadcast_snapshot

bp = Blueprint("live_api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
MAX_EVENTS = 1000


@bp.before_request
def authenticate():
    """Read the whole body first (so no transaction is open while waiting on the network), then authenticate."""
    request.get_data(cache=True)
    api.authenticate()


def _broadcast(broadcast_id: int) -> Broadcast:
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise ApiError(404, "not_found", f"no broadcast {broadcast_id}", "broadcast_id")
    return broadcast


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
    return jsonify(lineup.broadcast_to_dict(_broadcast(broadcast_id)))


@bp.post("/broadcasts/<int:broadcast_id>/<any(start, end):action>")
@api.roles("service", "host")
def change_state(broadcast_id: int, action: str):
    """Start or end a broadcast at the platform's time `at` (now when absent)."""
    data = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object", "body")
    at = validation.timestamp(data, "at")
    broadcast = _broadcast(broadcast_id)
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
    broadcast = _broadcast(broadcast_id)
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
    broadcast = _broadcast(broadcast_id)
    body = broadcast_snapshot(db.session, broadcast, api.sees_pii())
    if api.sees_pii():
        log_unmasked_view(db.session, g.principal, f"broadcast:{broadcast_id}:snapshot", "snapshot")
        db.session.commit()
    return jsonify(body)


@bp.post("/broadcasts/<int:broadcast_id>/events")
@api.roles("service")
def post_events(broadcast_id: int):
    """Ingest 1 to 1,000 platform events; answers one result per event, in request order."""
    api.require_signature_if_configured()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", 'the body must be a JSON object with an "events" list', "body")
    if "events" not in data:
        raise ApiError(400, "missing_field", 'the body needs an "events" list', "events")
    events = data["events"]
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        raise ApiError(400, "invalid_events", f"events must be a list of 1 to {MAX_EVENTS} events", "events")
    source = getattr(g.principal, "name", None) or f"user:{g.principal.username}"

    def work():
        results = ingest_events(db.session, _broadcast(broadcast_id), source, events)
        for result in results:
            if "order" in result:
                result["order"] = present_order(db.session, g.principal, result["order"], "ingest")
        realtime.commit(db.session)
        return results

    return jsonify({"results": run_with_retry(work)})
