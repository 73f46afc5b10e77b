"""The blueprint of /api/v1/complaints and what its route modules share: who reads, who acts, the actor's name."""
from __future__ import annotations

from flask import Blueprint, g

from app.http.api import install_api

bp = install_api(Blueprint("complaints_api", __name__, url_prefix="/api/v1"))
READERS = ("aftersales", "auditor", "host")
ACTORS = ("aftersales",)


def actor() -> str:
    """Return who is acting, as history records it (a username, or token:<name>)."""
    return getattr(g.principal, "username", None) or g.principal.role
