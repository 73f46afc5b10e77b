"""/api/v1 live-room interactions: a broadcast's gifts, likes and viewer counts (docs/metrics.md)."""
from __future__ import annotations

from flask import jsonify

from analytics.api.blueprint import bp
from analytics.api.metrics import READ_ROLES, find_broadcast
from analytics.sql.interactions import interactions
from app.extensions import db
from app.http import api


@bp.get("/broadcasts/<int:broadcast_id>/interactions")
@api.scope("analytics", "display")
@api.roles(*READ_ROLES)
def broadcast_interactions(broadcast_id: int):
    """Answer the broadcast's gift and like totals and its viewer-count series by minute."""
    broadcast = find_broadcast(broadcast_id)
    return jsonify({"broadcast_id": broadcast.id, **interactions(db.session, broadcast.id)})
