"""/api/v1 endpoints of the analytics domain: a broadcast's conversion metrics.

One module per resource, each adding its routes to the one blueprint ``bp`` of analytics.api.blueprint:
metrics.py (GET /api/v1/broadcasts/<id>/metrics).
"""
from analytics.api import metrics  # noqa: F401  importing it adds its route to bp
from analytics.api import interactions  # noqa: F401  live-room interactions (gifts, likes, viewer counts)
from analytics.api.blueprint import bp

__all__ = ["bp"]
