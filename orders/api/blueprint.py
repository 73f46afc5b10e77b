"""The orders domain's /api/v1 blueprint ("orders_api"), set up as an API; its resource modules add the routes."""
from __future__ import annotations

from flask import Blueprint

from app.http.api import install_api

bp = install_api(Blueprint("orders_api", __name__, url_prefix="/api/v1"))
