"""/api/v1 endpoints of the live domain: broadcasts, their line-up and pins, snapshots and event ingestion.

One module per resource, each adding its routes to the one blueprint ``bp`` of live.api.blueprint:
broadcasts.py (broadcasts, state, snapshot), lineup.py (the line-up's products), pins.py (pin and unpin from
the console) and events.py (ingestion).
"""
from live.api import broadcasts, events, lineup, pins  # noqa: F401  importing them adds their routes to bp
from live.api.blueprint import bp

__all__ = ["bp"]

