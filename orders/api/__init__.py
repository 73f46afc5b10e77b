"""/api/v1 endpoints of the orders domain: one module per resource, all on the blueprint "orders_api"."""
from __future__ import annotations

from orders.api import catalog, orders  # noqa: F401  (importing a resource module adds its routes to bp)
from orders.api.blueprint import bp

__all__ = ["bp"]
