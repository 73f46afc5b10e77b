"""The route serving the OpenAPI document of /api/v1, without authentication."""
from __future__ import annotations

from flask import Blueprint, jsonify

from app.openapi.spec import build_spec

bp = Blueprint("openapi", __name__)


@bp.get("/api/v1/openapi.json")
def openapi_json():
    """Serve the OpenAPI 3.1 document of the v1 API."""
    return jsonify(build_spec())
