"""/api/v1 fulfilment set-up: the carriers (built-in and added by admins) and a broadcast's ship-by policy."""
from __future__ import annotations

from flask import jsonify

from app.errors import ApiError
from app.extensions import db
from app.http import api
from live.models import Broadcast
from orders.fulfilment import carriers, deadline
from orders.fulfilment.api.blueprint import ACTORS, READERS, actor, bp


@bp.get("/carriers")
@api.scope("aftersales", "display")
@api.roles(*READERS)
def list_carriers():
    """List the carriers a shipment may name: the built-in ones, then those admins added."""
    return jsonify({"carriers": [c.to_dict() for c in carriers.all_carriers(db.session)]})


@bp.post("/carriers")
@api.scope()
@api.roles("admin")
def add_carrier():
    """Add a carrier (admins): code, names, tracking-number pattern, provider codes, typical days to deliver."""
    try:
        carrier = carriers.add_carrier(db.session, api.json_body(), actor())
    except carriers.CarrierError as error:
        raise ApiError(error.status, error.code, error.message, error.field) from None
    db.session.commit()
    return jsonify(carrier.to_dict()), 201


def _broadcast(broadcast_id: int) -> Broadcast:
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise ApiError(404, "not_found", f"no broadcast {broadcast_id}", "broadcast_id")
    return broadcast


@bp.get("/broadcasts/<int:broadcast_id>/ship-by-policy")
@api.scope("aftersales", "display")
@api.roles(*READERS)
def get_ship_by_policy(broadcast_id: int):
    """Show the broadcast's ship-by policy (the app's when it has none of its own)."""
    _broadcast(broadcast_id)
    return jsonify(deadline.policy_for(db.session, broadcast_id).to_dict())


@bp.put("/broadcasts/<int:broadcast_id>/ship-by-policy")
@api.scope("aftersales")
@api.roles(*ACTORS)
def put_ship_by_policy(broadcast_id: int):
    """Give the broadcast its own ship-by deadline (hours, or business days); orders paid from now on follow it."""
    data = api.json_body()
    _broadcast(broadcast_id)
    try:
        mode, amount = deadline.check_policy(data, deadline.policy_for(db.session, broadcast_id).zone)
    except deadline.PolicyError as error:
        raise ApiError(400, error.code, error.message, error.field) from None
    policy = deadline.save_policy(db.session, broadcast_id, mode, amount, actor())
    db.session.commit()
    return jsonify(policy.to_dict())
