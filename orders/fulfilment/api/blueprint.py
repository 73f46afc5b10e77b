"""The fulfilment /api/v1 blueprint ("fulfilment_api") and what its resource modules share: who acts, who reads."""
from __future__ import annotations

from flask import Blueprint, g, request

from app.errors import ApiError
from app.extensions import db
from app.http import validation
from app.http.api import install_api
from live.models import Broadcast

bp = install_api(Blueprint("fulfilment_api", __name__, url_prefix="/api/v1"))
# Agents and admins act (admins pass every role check); auditors and hosts read.
ACTORS = ("aftersales",)
READERS = ("aftersales", "auditor", "host")


def actor() -> str:
    """Return the name history records for the caller (a username, or token:<name>)."""
    return getattr(g.principal, "username", None) or g.principal.role


def broadcast_filter() -> int | None:
    """Return the broadcast_id query parameter (None when absent); 400 when not an id, 404 when unknown."""
    if request.args.get("broadcast_id") in (None, ""):
        return None
    broadcast_id = validation.query_int(request.args, "broadcast_id", 1, maximum=validation.MAX_ID)
    if db.session.get(Broadcast, broadcast_id) is None:
        raise ApiError(404, "not_found", f"no broadcast {broadcast_id}", "broadcast_id")
    return broadcast_id
