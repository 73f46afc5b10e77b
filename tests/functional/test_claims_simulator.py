"""The simulator sells through comments (issue 13): claims name line-up link numbers, most get the platform's order
naming the comment, some an order by the same buyer and items, some none; ingested, they reconcile."""
from __future__ import annotations

import itertools
from collections import Counter
from datetime import datetime, timezone

import pytest

from app import realtime
from app.demo.data import seed_demo
from app.demo.simulator import TrafficGenerator, lineup_from_snapshot
from app.extensions import db
from live.ingest import ingest_events
from live.snapshot import broadcast_snapshot
from orders.claims.reconciliation import load_reconciliation


@pytest.mark.slow
def test_simulated_claims_name_link_numbers_and_become_orders_or_stay_unpaid(app):
    with app.app_context():
        broadcast = seed_demo(db.session).broadcast
        db.session.commit()
        lineup = lineup_from_snapshot(broadcast_snapshot(db.session, broadcast, sees_pii=True))
        assert [item.link for item in lineup] == list(range(1, len(lineup) + 1))
        events = [event for _, event in itertools.islice(TrafficGenerator(
            5, lineup, rate=20.0, start=broadcast.started_at or datetime.now(timezone.utc), burst_every=600.0), 2500)]
        chats = {e["id"]: e for e in events if e["type"] == "chat"}
        named = [e for e in events if e["type"] == "order" and e.get("comment_id")]
        assert named and all(e["comment_id"] in chats and "号" in chats[e["comment_id"]]["text"] for e in named)
        statuses = Counter()
        for start in range(0, len(events), 100):
            statuses.update(r["status"] for r in ingest_events(db.session, broadcast, "sim", events[start:start + 100]))
            realtime.commit(db.session)
        assert set(statuses) <= {"accepted", "duplicate"}
        report = load_reconciliation(db.session, broadcast.id, datetime.now(timezone.utc), 0)
    counts = report["counts"]
    assert counts["ordered"] + counts["paid"] >= len({e["comment_id"] for e in named}) * 0.9
    assert counts["claimed"] > 0  # claims never ordered: their drafts wait for payment
    assert report["lag_seconds"]["count"] > 0 and report["lag_seconds"]["median"] > 0
