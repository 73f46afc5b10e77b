"""/api/v1 promotion endpoints: list, create, show, update, deactivate, and start a flash sale now."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from app import realtime
from app.db import utcnow
from app.extensions import db
from app.http import api, validation
from app.http.api import install_api
from orders.promotions import manage
from orders.promotions.start import start_flash_sale

bp = install_api(Blueprint("promotions_api", __name__, url_prefix="/api/v1"))
# Who may change promotions (admin always may); everyone logged in may read them.
MANAGERS = ("service", "auditor", "host")


@bp.get("/promotions")
def list_promotions():
    """List promotions newest first; with broadcast_id, those applying to it (its own and global ones)."""
    broadcast_id = validation.query_int(request.args, "broadcast_id", default=0, maximum=validation.MAX_ID)
    rows = manage.list_promotions(db.session, broadcast_id or None)
    return jsonify({"promotions": [manage.promotion_to_dict(p) for p in rows]})


@bp.post("/promotions")
@api.roles(*MANAGERS)
def create_promotion():
    """Create a promotion; answers 201 with it, 400 naming the first bad field, 409 when the code is taken."""
    data = api.json_body()
    promotion = manage.create_promotion(db.session, data)
    db.session.commit()
    return jsonify(manage.promotion_to_dict(promotion)), 201


@bp.get("/promotions/<code>")
def get_promotion(code: str):
    """Show one promotion by its code (any case)."""
    return jsonify(manage.promotion_to_dict(manage.find_promotion(db.session, code)))


@bp.put("/promotions/<code>")
@api.roles(*MANAGERS)
def update_promotion(code: str):
    """Change the fields sent (counters `remaining` and `uses_left` included); code and kind stay."""
    data = api.json_body()
    promotion = manage.update_promotion(db.session, code, data)
    db.session.commit()
    return jsonify(manage.promotion_to_dict(promotion))


@bp.delete("/promotions/<code>")
@api.roles(*MANAGERS)
def deactivate_promotion(code: str):
    """Deactivate a promotion (it stays listed, inactive); answers 200 with it."""
    promotion = manage.deactivate_promotion(db.session, code)
    db.session.commit()
    return jsonify(manage.promotion_to_dict(promotion))


@bp.post("/promotions/<code>/start")
@api.roles(*MANAGERS)
def start_promotion(code: str):
    """Start a flash sale now: its window moves to begin at this moment, keeping its planned length."""
    promotion = start_flash_sale(db.session, code, utcnow())
    realtime.commit(db.session)
    return jsonify(manage.promotion_to_dict(promotion))
