"""/api/v1 endpoints of fulfilment: one module per resource on the blueprint "fulfilment_api", and the tracking
providers' signed callbacks on their own blueprint (no token, no login: the signature authenticates them).
"""
from __future__ import annotations

from orders.fulfilment.api import lists, setup, shipments  # noqa: F401  (importing a module adds its routes)
from orders.fulfilment.api.blueprint import bp
from orders.fulfilment.api.callbacks import bp as callbacks_bp

__all__ = ["bp", "callbacks_bp"]
