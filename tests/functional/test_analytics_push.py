"""The metrics-push job: live broadcasts' metrics reach the sockets in their /live rooms as `metrics.changed`."""
from __future__ import annotations

import pytest

from analytics.push import JOB_NAME, push_metrics
from app import background
from app.extensions import db, socketio
from tests.support import analytics as ax
from tests.support.auth import login
from tests.unit.analytics.events import START, at, click, join, pin

NOW = at(5)


@pytest.fixture(autouse=True)
def _platform_clock(monkeypatch):
    """Post the fixed 2024 broadcasts with the platform clock a few days after them (times are bounded around now)."""
    ax.platform_clock(monkeypatch, START + ax.PLATFORM_CLOCK_AFTER)


def _joined(app, broadcast_id, **kwargs):
    sock = socketio.test_client(app, namespace="/live", **kwargs)
    assert sock.emit("join", {"broadcast_id": broadcast_id}, namespace="/live", callback=True)["ok"]
    sock.get_received("/live")
    return sock


def _pushes(sock) -> list[dict]:
    return [m["args"][0] for m in sock.get_received("/live") if m["name"] == "metrics.changed"]


def test_the_job_is_registered_to_run_every_5_seconds():
    job = next(j for j in background.jobs() if j.name == JOB_NAME)
    assert job.seconds <= 5 and job.run is push_metrics


def test_each_live_broadcast_gets_its_metrics_pushed_to_hosts_and_wall_displays(app, api, token, users, monkeypatch):
    monkeypatch.setattr("analytics.service.utcnow", lambda: NOW)
    broadcast_id = ax.start_broadcast(api, START)
    ax.ingest(api, broadcast_id, [join(at(0), "v1"), pin(at(1), "A"), click(at(2), "v1", "A")])
    host = _joined(app, broadcast_id, flask_test_client=login(app, "host"))
    wall = _joined(app, broadcast_id, auth={"token": token})
    with app.app_context():
        assert push_metrics(app) == 1
        db.session.remove()
    expected = {"broadcast_id": broadcast_id, "status": "live", "metrics": ax.metrics(api, broadcast_id),
                "pinned": [{"sku": "A", "start": at(1).isoformat(), "end": NOW.isoformat()}]}
    for sock in (host, wall):
        assert _pushes(sock) == [expected]  # a snapshot: no seq, nothing to replay


def test_ended_and_unstarted_broadcasts_get_no_push(app, api, token):
    ended = ax.start_broadcast(api, START)
    ax.end_broadcast(api, ended, at(5))
    scheduled = api.post("/api/v1/broadcasts", json={"title": "later", "platform": "douyin"}).get_json()["id"]
    socks = [_joined(app, b, auth={"token": token}) for b in (ended, scheduled)]
    with app.app_context():
        assert push_metrics(app) == 0
        db.session.remove()
    assert all(_pushes(sock) == [] for sock in socks)


def test_the_push_follows_new_events(app, api, token, monkeypatch):
    monkeypatch.setattr("analytics.service.utcnow", lambda: NOW)
    broadcast_id = ax.start_broadcast(api, START)
    sock = _joined(app, broadcast_id, auth={"token": token})
    views = []
    for viewer in ("v1", "v2"):
        ax.ingest(api, broadcast_id, [join(at(1), viewer)], prefix=viewer)
        with app.app_context():
            push_metrics(app)
            db.session.remove()
        views += [p["metrics"]["unique_viewers"] for p in _pushes(sock)]
    assert views == [1, 2]
