"""GET /api/v1/pii-access-log: the PII access log for admins, newest first, filtered and paged."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from app.auth.pii.log import MAX_PER_PAGE, log_page, read_log_filter
from app.extensions import db
from app.http import validation
from app.http.api import install_api, roles

bp = install_api(Blueprint("pii_api", __name__, url_prefix="/api/v1"))


@bp.get("/pii-access-log")
@roles("admin")
def pii_access_log():
    """List who was shown which buyer's contact, when and from where; admins only."""
    wanted = read_log_filter(request.args)
    page = validation.query_int(request.args, "page", default=1)
    per_page = validation.query_int(request.args, "per_page", default=50, maximum=MAX_PER_PAGE)
    entries, total = log_page(db.session, wanted, page, per_page)
    return jsonify({"entries": entries, "total": total, "page": page, "per_page": per_page})
