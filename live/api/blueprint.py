"""The live domain's /api/v1 blueprint ("live_api") and the lookups and error mapping its resource modules share."""
from __future__ import annotations

from flask import Blueprint

from app.errors import ApiError
from app.extensions import db
from app.http.api import install_api
from live.broadcasts import BroadcastError
from live.models import Broadcast

bp = install_api(Blueprint("live_api", __name__, url_prefix="/api/v1"))


def find_broadcast(broadcast_id: int) -> Broadcast:
    """Return the broadcast, or raise a 404 ApiError."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise ApiError(404, "not_found", f"no broadcast {broadcast_id}", "broadcast_id")
    return broadcast


def as_api_error(error: BroadcastError) -> ApiError:
    """Return the ApiError that answers a refused broadcast or line-up action."""
    return ApiError(error.status, error.code, error.message, error.field)
