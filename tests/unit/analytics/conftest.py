"""Fixtures running every metrics test against both implementations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from analytics.metrics.definitions import DEFAULT_ATTRIBUTION_WINDOW
from tests.support.analytics_frame import compute_metrics_pandas, events_to_frame
from tests.support.analytics_reference import compute_metrics_reference
from tests.unit.analytics.events import END, START, Event

Compute = Callable[..., dict[str, Any]]


@pytest.fixture(params=["reference", "pandas"])
def metrics(request: pytest.FixtureRequest) -> Compute:
    """Return ``metrics(events, ended_at=END, ..., products=, priced=)`` computed by the reference or by pandas."""

    def compute(
        events: list[Event],
        ended_at: datetime | None = END,
        now: datetime | None = None,
        started_at: datetime = START,
        attribution_window: timedelta = DEFAULT_ATTRIBUTION_WINDOW,
        **options: Any,
    ) -> dict[str, Any]:
        if request.param == "reference":
            return compute_metrics_reference(
                events, started_at, ended_at, now, attribution_window, **options
            )
        return compute_metrics_pandas(
            events_to_frame(events), started_at, ended_at, now, attribution_window, **options
        )

    return compute
