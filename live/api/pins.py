"""/api/v1 pin and unpin from the console: one click on the host's rail, recorded like a platform's pin event."""
from __future__ import annotations

from flask import g, jsonify

from app import realtime
from app.db import utcnow
from app.db.transactions import run_with_retry
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from live import broadcasts as lineup
from live.api.blueprint import as_api_error, bp, find_broadcast
from live.broadcasts.console import actor_of, toggle_pin
from live.events import MAX_REF


@bp.post("/broadcasts/<int:broadcast_id>/<any(pin, unpin):action>")
@api.roles("service", "host")
def pin_product(broadcast_id: int, action: str):
    """Pin a line-up product (ending any other pin) or unpin it; unpin without a sku unpins the pinned product."""
    data = api.json_body(optional=True)
    validation.refuse_unknown_fields(data, ("sku",))
    sku = validation.text(data, "sku", max_len=MAX_REF, required=action == "pin")
    actor = actor_of(g.principal)

    def work():
        broadcast = find_broadcast(broadcast_id)
        target = sku or lineup.pinned_sku(db.session, broadcast.id)
        if target is None:
            raise ApiError(409, "not_pinned", "no product is pinned; name the sku to unpin", "sku")
        try:
            recorded = toggle_pin(db.session, broadcast, target, action == "pin", actor, utcnow())
        except lineup.BroadcastError as error:
            raise as_api_error(error) from None
        realtime.commit(db.session)
        return recorded

    return jsonify(run_with_retry(work))
