"""GET /api/v1/broadcasts/<id>/metrics: who may read it, its parameters, and rollups that must be rebuilt."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from analytics.api import openapi as metrics_openapi
from analytics.models import AnalyticsState, MinuteRollup, ViewerRollup
from analytics.rollups import record as rollups
from app.extensions import db
from live.models import EventLog
from orders.models import Order
from tests.functional.test_openapi import conforms
from tests.support import analytics as ax
from tests.support.auth import login
from tests.unit.analytics.events import END, START, at, cancel, chat, click, join, leave, order, payment, pin, unpin


@pytest.fixture(autouse=True)
def _platform_clock(monkeypatch):
    """Post the fixed 2024 broadcasts with the platform clock a few days after them (times are bounded around now)."""
    ax.platform_clock(monkeypatch, END + ax.PLATFORM_CLOCK_AFTER)


def _worked_example() -> list[dict]:
    paid_o1 = payment(at(2, 50), "o1", "99.80")
    return [
        join(at(0), "v1"), join(at(0, 30), "v2"), pin(at(1), "A"),
        click(at(1, 10), "v1", "A"), click(at(1, 20), "v2", "A"), click(at(1, 30), "v2", "A"),
        leave(at(2), "v2"), join(at(2), "v3"), join(at(2, 10), "v2"),
        order(at(2, 30), "o1", "v1", [("A", 2, "49.90")]),
        payment(at(2, 40), "o1", "99.80", status="failed"), paid_o1, dict(paid_o1), unpin(at(3), "A"),
        order(at(3, 30), "o2", "v3", [("A", 1, "49.90")]), payment(at(3, 40), "o2", "49.90"), cancel(at(3, 50), "o2"),
        leave(at(4), "v1"), chat(at(4), "v3"),
    ]


def _ended_broadcast(api, events=None, end=at(5)) -> int:
    broadcast_id = ax.start_broadcast(api, START)
    ax.ingest(api, broadcast_id, _worked_example() if events is None else events)
    ax.end_broadcast(api, broadcast_id, end)
    return broadcast_id


def test_the_worked_example_of_the_docs_through_the_api(api):
    got = ax.metrics(api, _ended_broadcast(api))
    assert (got["views"], got["unique_viewers"], got["peak_concurrent_viewers"]) == (4, 3, 3)
    assert (got["avg_watch_seconds"], got["click_rate"], got["orders"], got["paid_orders"]) == (226.7, 0.6667, 2, 1)
    assert (got["gmv"], got["aov"], got["click_to_buy_rate"]) == ("99.80", "99.80", 0.5)
    assert got["by_product"]["A"] == {"clicks": 3, "clickers": 2, "orders": 1, "units": 2, "gmv": "99.80",
                                      "pinned_seconds": 120.0, "clicks_while_pinned": 3, "orders_while_pinned": 1,
                                      "variants": {}}
    assert [(r["joins"], r["online"], r["clicks"], r["orders"]) for r in got["timeline"]] == [
        (2, 2, 0, 0), (0, 2, 3, 0), (2, 3, 0, 1), (0, 3, 0, 1), (0, 2, 0, 0), (0, 2, 0, 0)]
    assert (got["funnel"]["viewers"], got["funnel"]["buyers"], got["aov_per_paid_order"]) == (3, 2, "99.80")


def test_analysts_hosts_admins_and_tokens_may_read_the_metrics_others_may_not(app, api, users):
    path = f"/api/v1/broadcasts/{_ended_broadcast(api)}/metrics"
    assert app.test_client().get(path).status_code == 401
    for role in ("analyst", "host", "admin"):
        assert login(app, role).get(path).status_code == 200, role
    for role in ("moderator", "auditor"):
        response = login(app, role).get(path)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_attribution_days_is_checked_and_changes_what_counts(api):
    broadcast_id = _ended_broadcast(api, [order(END + (END - START) * 200, "o1", "b1", [("A", 1, "5.00")]),
                                          payment(at(3), "o1", "5.00")], end=END)
    assert ax.metrics(api, broadcast_id)["paid_orders"] == 1  # placed ~33 hours after the end: inside 7 days
    assert ax.metrics(api, broadcast_id, 1)["paid_orders"] == 0
    assert ax.metrics(api, broadcast_id, 2)["paid_orders"] == 1
    for bad in ("-1", "366", "seven", "1.5"):
        response = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics?attribution_days={bad}")
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "attribution_days", bad


def test_an_unknown_or_unstarted_broadcast_is_refused_with_its_reason(api):
    assert api.get("/api/v1/broadcasts/999/metrics").status_code == 404
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "later", "platform": "douyin"}).get_json()["id"]
    response = api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "not_started"


def test_stale_rollups_are_rebuilt_from_the_log_before_they_are_read(app, api):
    broadcast_id = _ended_broadcast(api)
    expected = ax.metrics(api, broadcast_id)
    with app.app_context():
        db.session.execute(sa.update(MinuteRollup).values(joins=999))
        rollups.mark_stale(db.session, broadcast_id)
        db.session.commit()
    assert ax.metrics(api, broadcast_id) == expected
    with app.app_context():
        assert db.session.scalar(sa.select(AnalyticsState.stale)) is False


def test_events_logged_before_the_rollups_existed_are_rolled_up_on_first_read(app, api):
    broadcast_id = _ended_broadcast(api)
    expected = ax.metrics(api, broadcast_id)
    with app.app_context():  # as after deploying this feature onto an existing database
        for table in (AnalyticsState, *rollups_tables()):
            db.session.execute(sa.delete(table))
        db.session.commit()
    assert ax.metrics(api, broadcast_id) == expected
    ax.ingest(api, broadcast_id, [join(at(4, 30), "v9")])  # and new events go on incrementally
    assert ax.metrics(api, broadcast_id)["unique_viewers"] == expected["unique_viewers"] + 1


def rollups_tables():
    """Return every rollup model."""
    from analytics.models import ROLLUP_TABLES

    return ROLLUP_TABLES


def test_a_failing_rollup_never_loses_an_order_and_is_repaired_on_read(app, api, monkeypatch):
    broadcast_id = ax.start_broadcast(api, START)
    ax.ingest(api, broadcast_id, [join(at(0), "v1")])

    def broken(*args, **kwargs):
        raise RuntimeError("bug in analytics")

    monkeypatch.setattr(rollups, "apply_facts", broken)
    sent = [order(at(1), "o1", "v1", [("A", 1, "5.00")]), payment(at(2), "o1", "5.00")]
    assert len(ax.ingest(api, broadcast_id, sent)) == 2  # both accepted
    with app.app_context():
        assert db.session.scalar(sa.select(Order.order_id)) == "o1"
        assert db.session.scalar(sa.select(AnalyticsState.stale)) is True
        assert db.session.scalar(sa.select(sa.func.count()).select_from(EventLog)) == 3
    monkeypatch.undo()
    ax.platform_clock(monkeypatch, END + ax.PLATFORM_CLOCK_AFTER)
    ax.end_broadcast(api, broadcast_id, at(5))
    got = ax.metrics(api, broadcast_id)
    assert (got["unique_viewers"], got["paid_orders"], got["gmv"]) == (1, 1, "5.00")


def test_the_rebuild_command_gives_the_same_rollups(app, api):
    broadcast_id = _ended_broadcast(api)
    expected = ax.metrics(api, broadcast_id)
    with app.app_context():
        before = db.session.execute(sa.select(ViewerRollup).order_by(ViewerRollup.person_id)).scalars().all()
        before = [(v.person_id, v.joined, v.clicked, v.online, v.paid_orders) for v in before]
    result = app.test_cli_runner().invoke(args=["analytics-rebuild", str(broadcast_id)])
    assert result.exit_code == 0 and f"from {len(_worked_example()) - 1} events" in result.output
    with app.app_context():
        after = db.session.execute(sa.select(ViewerRollup).order_by(ViewerRollup.person_id)).scalars().all()
        assert [(v.person_id, v.joined, v.clicked, v.online, v.paid_orders) for v in after] == before
    assert ax.metrics(api, broadcast_id) == expected
    assert app.test_cli_runner().invoke(args=["analytics-rebuild", "999"]).exit_code != 0


def test_the_documented_schema_describes_the_real_answer(api):
    doc = {"components": {"schemas": metrics_openapi.schemas(), "parameters": metrics_openapi.parameters()}}
    got = ax.metrics(api, _ended_broadcast(api))
    operation = metrics_openapi.paths()["/api/v1/broadcasts/{broadcast_id}/metrics"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert conforms(got, schema, doc) == []
    empty = ax.metrics(api, _ended_broadcast(api, []))
    assert conforms(empty, schema, doc) == []
