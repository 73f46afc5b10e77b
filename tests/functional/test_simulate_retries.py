"""`flask simulate` outlives a server that fails for a while: a batch meeting a 5xx or no answer is sent again after
growing pauses, a batch that keeps failing is skipped with a message on stderr, and the traffic goes on; a 4xx
still stops it."""
from __future__ import annotations

import json
import re

import pytest
import requests
import sqlalchemy as sa

from app.demo import cli as demo_cli
from app.extensions import db
from live.models import EventLog
from tests.functional.test_cli import FlaskTransport


class FailingServer(FlaskTransport):
    """The app behind a network that fails the event batches `failures` names: "503" (a server error answered) or
    "down" (no answer), popped one per request; a batch holding the event id `always_fails` fails every time."""

    def __init__(self, app, failures=(), always_fails=None):
        super().__init__(app)
        self.failures, self.always_fails, self.failed = list(failures), always_fails, 0

    def request(self, method, url, data=None, headers=None, timeout=None):
        """Answer as the app does, unless this events batch is due to fail."""
        if url.endswith("/events"):
            ids = {event["id"] for event in json.loads(data)["events"]}
            failure = "503" if self.always_fails in ids else (self.failures.pop(0) if self.failures else None)
            if failure == "down":
                self.failed += 1
                raise requests.ConnectionError("connection refused")
            if failure == "503":
                self.failed += 1
                return _Answer(503)
        return super().request(method, url, data=data, headers=headers, timeout=timeout)


class _Answer:
    def __init__(self, status_code):
        self.status_code, self.text = status_code, "Service Unavailable"

    def json(self):
        raise ValueError("not JSON")


@pytest.fixture
def runner(app, tmp_path, monkeypatch):
    """Return a CLI runner for app with the demo seeded, and pauses between tries short enough for a test."""
    app.config["INSTANCE_DIR"] = str(tmp_path / "instance")
    monkeypatch.setattr(demo_cli, "FIRST_BACKOFF", 0.01)
    monkeypatch.setattr(demo_cli, "MAX_BACKOFF", 0.02)
    cli_runner = app.test_cli_runner()
    monkeypatch.setattr("app.client.requests.Session", lambda: FlaskTransport(app))
    assert cli_runner.invoke(args=["seed-demo"]).exit_code == 0
    return cli_runner


def _serve(app, monkeypatch, server: FailingServer) -> FailingServer:
    monkeypatch.setattr("app.client.requests.Session", lambda: server)
    return server


def _logged(app, event_id: str) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(EventLog.id).where(EventLog.event_id == event_id)) is not None


ARGS = ["simulate", "--seed", "7", "--rate", "5000", "--max-events", "200", "--batch", "50"]


def test_server_errors_and_lost_connections_are_tried_again_and_every_event_arrives(app, runner, monkeypatch):
    server = _serve(app, monkeypatch, FailingServer(app, failures=["503", "down", "503"]))
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    assert server.failed == 3
    assert "answered 503; trying again in" in result.stderr and "cannot reach" in result.stderr
    assert "done: sent 200" in result.output and "rejected 0" in result.output and "skipped" not in result.output
    assert _logged(app, "sim-7-1")  # in the batch that failed three times


def test_a_batch_the_server_keeps_failing_is_skipped_and_the_traffic_goes_on(app, runner, monkeypatch):
    server = _serve(app, monkeypatch, FailingServer(app, always_fails="sim-7-60"))
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    assert server.failed == demo_cli.TRIES_PER_BATCH
    skipped = int(re.search(rf"skipped (\d+) events after {demo_cli.TRIES_PER_BATCH} tries", result.stderr).group(1))
    sent = int(re.search(r"done: sent (\d+) .* skipped (\d+)", result.output).group(1))
    assert skipped >= 1 and sent + skipped == 200 and f"skipped {skipped}" in result.output.splitlines()[-1]
    assert not _logged(app, "sim-7-60") and _logged(app, "sim-7-1") and _logged(app, "sim-7-199")


def test_a_refusal_still_stops_the_simulation_at_once(app, runner, monkeypatch):
    token = runner.invoke(args=["create-token", "signed", "--signing-secret", "s3cret"]).output.split()[-1]
    server = _serve(app, monkeypatch, FailingServer(app))
    result = runner.invoke(args=[*ARGS, "--token", token])
    assert result.exit_code != 0 and "bad_signature" in result.output
    assert "trying again" not in result.output and server.failed == 0
