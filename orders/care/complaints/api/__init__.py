"""/api/v1/complaints: the blueprint and one module per resource (complaints, the cause report, the SLA policy)."""
from orders.care.complaints.api import complaints, report, sla  # noqa: F401  routes register on import
from orders.care.complaints.api.blueprint import bp

__all__ = ["bp"]
