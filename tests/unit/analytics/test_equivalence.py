"""The pandas recompute equals the plain-Python reference on random event logs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.analytics_frame import compute_metrics_pandas, events_to_frame
from tests.support.analytics_logs import draw_log
from tests.support.analytics_reference import compute_metrics_reference

BASE = datetime(2024, 5, 1, 20, 0, tzinfo=timezone.utc)
WINDOWS = [timedelta(days=7), timedelta(hours=1), timedelta(0)]


@st.composite
def broadcasts(draw: st.DrawFn) -> dict[str, Any]:
    """Return a random broadcast: its period, window and a log with ties and repeats."""
    start = BASE + timedelta(seconds=draw(st.integers(0, 59)))
    end = start + timedelta(seconds=draw(st.integers(0, 300)))
    window = draw(st.sampled_from(WINDOWS))
    events = draw_log(draw, start, end, window)
    live = draw(st.booleans())
    return {
        "events": events,
        "started_at": start,
        "ended_at": None if live else end,
        "now": end if live else None,
        "attribution_window": window,
    }


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(broadcasts())
def test_pandas_recompute_equals_reference_on_random_logs(case: dict[str, Any]) -> None:
    events = case.pop("events")
    expected = compute_metrics_reference(events, **case)
    assert compute_metrics_pandas(events_to_frame(events), **case) == expected
