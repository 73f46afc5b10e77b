"""Signals one domain sends and another listens to, so that the sender needs no import of the listener.

The factory (app.create_app, the composition root) connects the listeners; blinker keys a receiver by its
identity, so connecting the same function again for every app created keeps it connected once.

- ``events_accepted``: sent by live.ingest.ingest_events inside the ingestion transaction, after the batch's
  orders and pushes are queued, as ``send(session, broadcast=..., events=[ParsedEvent, ...])`` with the
  accepted events in request order (possibly none). analytics.rollups.record.record_events listens: it updates
  the rollups in a savepoint of that same transaction (marking them stale rather than failing the batch).
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

events_accepted = _signals.signal("events-accepted", doc="A batch of ingested events was accepted (not yet committed).")
