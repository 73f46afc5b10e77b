"""POST /api/v1/moderation/check: the dry run, what a text would get, with nothing changed."""
from __future__ import annotations

from flask import jsonify

from app.db import utcnow
from app.extensions import db
from app.http import api
from live.moderation.api.blueprint import bp, broadcast_or_404
from live.moderation.api.bodies import check_body
from live.moderation.dry_run import dry_run


@bp.post("/check")
@api.scope("moderation", "display")
@api.roles("moderator", "service")
def check():
    """Dry run: the decision a text would get ({"action", "reasons", "normalized", ...}); changes nothing."""
    text, broadcast_id, viewer_id, nickname = check_body(api.json_body())
    broadcast = broadcast_or_404(broadcast_id)
    result = dry_run(db.session, text, broadcast, viewer_id, nickname, utcnow())
    db.session.rollback()  # nothing was written; end the read transaction now
    return jsonify(result)
