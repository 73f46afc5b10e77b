"""The analytics domain's /api/v1 blueprint ("analytics_api")."""
from __future__ import annotations

from flask import Blueprint

from app.http.api import install_api

bp = install_api(Blueprint("analytics_api", __name__, url_prefix="/api/v1"))
