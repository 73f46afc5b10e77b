"""The moderation API's two blueprints, their shared authentication and error answer, and helpers of every resource.

``bp`` ("moderation_api", /api/v1/moderation) holds the dry-run check and the term lists; ``chat_bp``
("moderation_chat_api", /api/v1) a broadcast's chat, its viewers' sanctions, the policy and the action log.
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify

from app import realtime
from app.errors import ApiError
from app.extensions import db
from app.http.api import install_api
from live.models import Broadcast
from live.moderation.errors import ModerationError

bp = Blueprint("moderation_api", __name__, url_prefix="/api/v1/moderation")
chat_bp = Blueprint("moderation_chat_api", __name__, url_prefix="/api/v1")
MODERATORS = ("moderator",)  # app.http.api.roles lets admins through as well


def install_common(blueprint: Blueprint) -> None:
    """Give a moderation blueprint its API authentication and its JSON answer to ModerationError."""
    install_api(blueprint)

    @blueprint.errorhandler(ModerationError)
    def moderation_error(error: ModerationError):
        """Roll back whatever the request started and answer the error naming its field."""
        db.session.rollback()
        realtime.discard(db.session)
        return jsonify(ApiError(error.status, error.code, error.message, error.field).to_dict()), error.status


install_common(bp)
install_common(chat_bp)


def actor() -> str:
    """Return the name logged as the actor of a change (the user's name; tokens cannot moderate)."""
    return g.principal.username


def broadcast_or_404(broadcast_id: int | None, field: str = "broadcast_id") -> Broadcast | None:
    """Return the broadcast (None for None), or raise 404 naming the field."""
    if broadcast_id is None:
        return None
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise ApiError(404, "not_found", f"no broadcast {broadcast_id}", field)
    return broadcast
