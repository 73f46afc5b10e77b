"""GET /metrics (SQL aggregates over the incremental rollups) equals the reference on the same logged events.

Every log goes through the real ingestion API in small batches, on SQLite and on PostgreSQL; the
reference gets exactly the events the API accepted (a payment before its order is rejected, a repeat
is a duplicate), in the order they were sent.
"""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import analytics as ax
from tests.support.analytics_logs import draw_log

BASE = datetime(2024, 5, 1, 20, 0, tzinfo=UTC)
_examples = itertools.count(1)


@pytest.fixture(autouse=True)
def _platform_clock(monkeypatch):
    """Post the fixed 2024 broadcasts with the platform clock a few days after them (times are bounded around now)."""
    ax.platform_clock(monkeypatch, BASE + ax.PLATFORM_CLOCK_AFTER)


@st.composite
def logs(draw: st.DrawFn) -> dict[str, Any]:
    """Return a random broadcast whose log crosses every boundary: period, minutes, cutoff, ties, repeats."""
    start = BASE + timedelta(seconds=draw(st.integers(0, 59)))
    end = start + timedelta(seconds=draw(st.integers(0, 300)))
    days = draw(st.sampled_from([7, 1, 0]))
    events = draw_log(draw, start, end, timedelta(days=days))
    return {"events": events, "start": start, "end": end, "days": days,
            "live": draw(st.booleans()), "batch": draw(st.sampled_from([1, 4, 50]))}


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=logs())
def test_metrics_api_equals_the_reference_on_random_logs(any_api, monkeypatch, case):
    prefix = f"x{next(_examples)}-"
    broadcast_id = ax.start_broadcast(any_api, case["start"])
    accepted = ax.ingest(any_api, broadcast_id, case["events"], prefix, batch=case["batch"])
    if case["live"]:
        monkeypatch.setattr("analytics.service.utcnow", lambda: case["end"])
    else:
        ax.end_broadcast(any_api, broadcast_id, case["end"])
    ended = None if case["live"] else case["end"]
    want = ax.expected(accepted, case["start"], ended, case["end"], case["days"])
    assert ax.metrics(any_api, broadcast_id, case["days"]) == want
