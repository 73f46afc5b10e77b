"""The live push's incremental figures (analytics.sql.live, kept between pushes) equal a full recompute.

Random logs go through the real ingestion API in random slices; after each slice the push path (service.live_view,
which reuses what it kept since the previous push) must answer exactly what the full path (broadcast_metrics) and
the plain-Python reference answer at that moment, with `now` moving forward. A rebuild in the middle (a new epoch)
must be noticed. On SQLite, and on PostgreSQL when CI=true.
"""
from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import service
from analytics.rollups.rebuild import rebuild_rollups
from analytics.sql import live
from app.extensions import db
from live.models import Broadcast
from tests.support import analytics as ax
from tests.support.analytics_logs import draw_log

BASE = datetime(2024, 5, 1, 20, 0, tzinfo=UTC)
_examples = itertools.count(1)


@pytest.fixture(autouse=True)
def _platform_clock(monkeypatch):
    """Post the fixed 2024 broadcasts with the platform clock a few days after them (times are bounded around now)."""
    ax.platform_clock(monkeypatch, BASE + ax.PLATFORM_CLOCK_AFTER)


@st.composite
def sessions(draw: st.DrawFn) -> dict[str, Any]:
    """Return a random log cut into slices, each pushed at a later `now`, and where to rebuild (if anywhere)."""
    start = BASE + timedelta(seconds=draw(st.integers(0, 59)))
    end = start + timedelta(seconds=draw(st.integers(60, 300)))
    events = draw_log(draw, start, end, timedelta(days=7))
    cuts = sorted(draw(st.lists(st.integers(0, len(events)), min_size=1, max_size=5)))
    slices = [events[a:b] for a, b in zip([0, *cuts], [*cuts, len(events)])]
    offsets = sorted(draw(st.lists(st.integers(0, (end - start).seconds), min_size=len(slices),
                                   max_size=len(slices))))
    return {"start": start, "slices": slices, "nows": [start + timedelta(seconds=s) for s in offsets],
            "rebuild_at": draw(st.sampled_from([None, *range(len(slices))]))}


def _push_and_full(app, broadcast_id: int, now: datetime) -> tuple[dict, dict]:
    with app.app_context():
        broadcast = db.session.get(Broadcast, broadcast_id)
        pushed = service.live_view(db.session, broadcast, now=now)["metrics"]
        db.session.rollback()
        full = service.broadcast_metrics(db.session, broadcast, now=now)
        db.session.remove()
    return json.loads(json.dumps(pushed)), json.loads(json.dumps(full))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=sessions())
@pytest.mark.slow
def test_the_pushed_figures_equal_a_full_recompute_after_every_slice(any_app, any_api, case):
    prefix = f"p{next(_examples)}-"
    broadcast_id = ax.start_broadcast(any_api, case["start"])
    accepted: list[dict] = []
    for n, (events, now) in enumerate(zip(case["slices"], case["nows"])):
        accepted += ax.ingest(any_api, broadcast_id, events, prefix, batch=3)
        if case["rebuild_at"] == n:
            with any_app.app_context():
                rebuild_rollups(db.session, broadcast_id)
                db.session.commit()
                db.session.remove()
        pushed, full = _push_and_full(any_app, broadcast_id, now)
        assert pushed == full
        assert pushed == ax.expected(accepted, case["start"], None, now)


def test_the_cache_reads_only_the_minutes_changed_since_the_last_push(any_app, any_api):
    start = BASE
    broadcast_id = ax.start_broadcast(any_api, start)
    join = {"type": "viewer_join", "viewer_id": "v1"}
    ax.ingest(any_api, broadcast_id, [{**join, "id": "a", "ts": start + timedelta(seconds=5)},
                                      {**join, "id": "b", "ts": start + timedelta(minutes=3), "viewer_id": "v2"}])
    now = start + timedelta(minutes=5)
    with any_app.app_context():
        service.live_view(db.session, db.session.get(Broadcast, broadcast_id), now=now)
        cache = live._CACHES[db.engine][broadcast_id]
        assert cache.changed is None and len(cache.rows) == 2  # the first push reads every minute
        db.session.remove()
    ax.ingest(any_api, broadcast_id, [{"id": "c", "type": "chat", "ts": start + timedelta(minutes=4),
                                       "viewer_id": "v1", "text": "hi"}])
    pushed, full = _push_and_full(any_app, broadcast_id, now)
    with any_app.app_context():
        cache = live._CACHES[db.engine][broadcast_id]
        assert cache.changed == {int((start + timedelta(minutes=4)).timestamp()) * 1_000_000}
    assert pushed == full and pushed["views"] == 2


def test_a_push_forgets_the_broadcasts_that_ended(app, api, monkeypatch):
    from analytics.push import push_metrics

    monkeypatch.setattr("analytics.service.utcnow", lambda: BASE + timedelta(minutes=2))
    broadcast_id = ax.start_broadcast(api, BASE)
    ax.ingest(api, broadcast_id, [{"id": "a", "type": "viewer_join", "viewer_id": "v1",
                                   "ts": BASE + timedelta(seconds=5)}])
    with app.app_context():
        assert push_metrics(app) == 1
        assert broadcast_id in live._CACHES[db.engine]
        db.session.remove()
    ax.end_broadcast(api, broadcast_id, BASE + timedelta(minutes=2))
    with app.app_context():
        assert push_metrics(app) == 0
        assert broadcast_id not in live._CACHES[db.engine]
        db.session.remove()


def test_a_late_click_or_payment_inside_a_closed_pinned_interval_reaches_the_next_push(any_app, any_api):
    from tests.unit.analytics.events import at, click, order, payment, pin, unpin

    broadcast_id = ax.start_broadcast(any_api, at(0))
    ax.ingest(any_api, broadcast_id, [pin(at(1, 30), "A"), unpin(at(4, 30), "A"), pin(at(5), "B"),
                                      click(at(2), "v1", "A"), click(at(1, 40), "v2", "A"),
                                      order(at(1, 45), "o1", "v1", [("A", 1, "9.99")])], prefix="q")
    now = at(8)
    first, full = _push_and_full(any_app, broadcast_id, now)
    assert first == full and first["by_product"]["A"]["clicks_while_pinned"] == 2
    assert first["by_product"]["A"]["orders_while_pinned"] == 0
    # Late arrivals inside the closed interval, in its cut first minute and in a whole minute inside it.
    ax.ingest(any_api, broadcast_id, [click(at(1, 50), "v3", "A"), click(at(3), "v3", "A"),
                                      payment(at(6), "o1", "9.99")], prefix="q")
    second, full = _push_and_full(any_app, broadcast_id, now)
    assert second == full
    assert (second["by_product"]["A"]["clicks_while_pinned"], second["by_product"]["A"]["orders_while_pinned"]) \
        == (4, 1)
