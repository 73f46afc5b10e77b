"""Pages of the live domain: the broadcast list and the host's live page."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.extensions import db
from live.models import BROADCAST_LABELS, Broadcast

bp = Blueprint("live", __name__)

STATUS_LABELS = {
    "received": _l("received"), "accepted": _l("accepted"), "held": _l("held"), "waitlisted": _l("waitlisted"),
    "rejected": _l("rejected"), "paid": _l("paid"), "cancelled": _l("cancelled"), "expired": _l("expired"),
}


@bp.get("/")
@login_required
def index():
    """List broadcasts, live ones first."""
    broadcasts = db.session.scalars(sa.select(Broadcast).order_by(
        sa.case((Broadcast.status == "live", 0), (Broadcast.status == "scheduled", 1), else_=2), Broadcast.id.desc()
    ).limit(100)).all()
    return render_template("live/index.html", broadcasts=broadcasts, labels=BROADCAST_LABELS)


@bp.get("/broadcasts/<int:broadcast_id>/live")
@login_required
def host_page(broadcast_id: int):
    """The host's live page: order feed, stock per product, totals, pinned product and chat."""
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        abort(404)
    strings = {key: str(value) for key, value in STATUS_LABELS.items()} | {
        "connected": str(_l("Live")), "connecting": str(_l("Connecting…")),
        "disconnected": str(_l("Disconnected, reconnecting…")), "refused": str(_l("Not allowed: log in again")),
        "noOrders": str(_l("No orders yet")), "left": str(_l("left")), "endsIn": str(_l("ends in")),
        "ended": str(_l("ended")), "broadcast": {key: str(value) for key, value in BROADCAST_LABELS.items()},
    }
    return render_template("live/host.html", broadcast=broadcast, strings=strings, labels=BROADCAST_LABELS)
