"""/api/v1 metrics endpoint: a broadcast's conversion metrics as JSON (definitions in docs/metrics.md)."""
from __future__ import annotations

from flask import jsonify, request

from analytics import service
from analytics.api.blueprint import bp
from app.errors import ApiError
from app.extensions import db
from app.http import api, validation
from live.models import Broadcast

READ_ROLES = ("analyst", "host", "service")


def find_broadcast(broadcast_id: int) -> Broadcast:
    """Return the broadcast, or raise a 404 ApiError."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise ApiError(404, "not_found", f"no broadcast {broadcast_id}", "broadcast_id")
    return broadcast


def attribution_days(args) -> int:
    """Return the attribution_days query parameter (0 to 365, default 7), or raise a 400 ApiError."""
    return validation.query_int(args, "attribution_days", service.DEFAULT_ATTRIBUTION_DAYS, minimum=0,
                                maximum=service.MAX_ATTRIBUTION_DAYS)


@bp.get("/broadcasts/<int:broadcast_id>/metrics")
@api.scope("analytics", "display")
@api.roles(*READ_ROLES)
def metrics(broadcast_id: int):
    """Answer the broadcast's metrics; a live broadcast is measured up to now."""
    days = attribution_days(request.args)
    broadcast = find_broadcast(broadcast_id)
    try:
        return jsonify(service.broadcast_metrics(db.session, broadcast, days))
    except service.NotStarted:
        raise ApiError(409, "not_started", "the broadcast has not started, so it has no period to measure",
                       "broadcast_id") from None
