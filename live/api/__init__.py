"""/api/v1 endpoints of the live domain: broadcasts and their line-up, snapshots and event ingestion.

One module per resource, each adding its routes to the one blueprint ``bp`` of live.api.blueprint:
broadcasts.py (broadcasts, state, line-up, snapshot) and events.py (ingestion).
"""
from live.api import broadcasts, events  # noqa: F401  importing them adds their routes to bp
from live.api.blueprint import bp

__all__ = ["bp"]
