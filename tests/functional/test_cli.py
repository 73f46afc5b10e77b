"""The flask commands: seed-demo, create-user, create-token, replay and simulate, run through the CLI runner."""
from __future__ import annotations

import json
import stat
from decimal import Decimal

import click
import pytest
import requests
import sqlalchemy as sa

from app.auth.models import ApiToken, User
from app.auth.passwords import verify_password
from app.demo.data import CATALOGUE, DEMO_BROADCAST_TITLE, DEMO_TOKEN_NAME
from app.extensions import db
from live import broadcasts as lineup
from live.models import Broadcast, BroadcastProduct, EventLog
from orders.models import Order, Product, ProductVariant
from tests.support.api import order_event


class FlaskTransport:
    """Stands in for requests.Session: sends each request to the app's test client instead of the network."""

    def __init__(self, app):
        self.client = app.test_client()
        self.headers: dict[str, str] = {}

    def request(self, method, url, data=None, headers=None, timeout=None):
        """Return a requests-like response for the request made through the Flask test client."""
        path = url.split("://", 1)[-1].partition("/")[2]
        return _Response(self.client.open("/" + path, method=method, data=data,
                                          headers={**self.headers, **(headers or {})}))


class _Response:
    def __init__(self, response):
        self.status_code, self.text = response.status_code, response.get_data(as_text=True)
        self._json = response.get_json()

    def json(self):
        return self._json


@pytest.fixture
def runner(app, tmp_path):
    """Return a CLI runner for app, whose instance folder (the demo token file) is in tmp_path."""
    app.config["INSTANCE_DIR"] = str(tmp_path / "instance")
    return app.test_cli_runner()


@pytest.fixture
def http_through_app(app, monkeypatch):
    """Make the commands' HTTP calls reach app through its test client."""
    monkeypatch.setattr("app.client.requests.Session", lambda: FlaskTransport(app))


def _seed(runner, *args: str):
    result = runner.invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    return result


def _logins(output: str) -> dict[str, tuple[str, str]]:
    """Return {role: (username, password)} from the login table seed-demo prints."""
    rows = [line.split() for line in output.splitlines() if line.startswith("    ") and len(line.split()) == 3]
    return {role: (username, password) for role, username, password in rows if username.startswith("demo-")}


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_seed_demo_loads_catalogue_with_variants_users_token_and_broadcast(app, runner, tmp_path):
    result = _seed(runner)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == len(CATALOGUE) >= 12
        assert db.session.scalar(sa.select(ProductVariant).where(ProductVariant.sku == "TSHIRT-01-M-BLK"))
        users = db.session.scalars(sa.select(User)).all()
        assert sorted(u.role for u in users) == ["admin", "aftersales", "analyst", "auditor", "host", "moderator"]
        broadcast = db.session.scalar(sa.select(Broadcast))
        assert (broadcast.title, broadcast.platform, broadcast.status) == (DEMO_BROADCAST_TITLE, "douyin", "scheduled")
        lineup = db.session.execute(sa.select(BroadcastProduct.live_price, Product.price)
                                    .join(Product, Product.id == BroadcastProduct.product_id)).all()
        assert len(lineup) == len(CATALOGUE)
        assert any(live is not None and live < price for live, price in lineup)
        logins = _logins(result.output)
        assert all(verify_password(u.password_hash, logins[u.role][1]) for u in users)
    token_file = tmp_path / "instance" / "demo_token"
    token = token_file.read_text().strip()
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert token in result.output and "http://127.0.0.1:5000" in result.output
    assert app.test_client().get("/api/v1/broadcasts", headers=_bearer(token)).status_code == 200


def test_seed_demo_run_twice_duplicates_nothing_and_says_what_to_do(app, runner, tmp_path):
    _seed(runner)
    token = (tmp_path / "instance" / "demo_token").read_text()
    again = _seed(runner)
    assert "exists already" in again.output and "--force" in again.output
    assert "ldk_" not in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == len(CATALOGUE)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 6
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Broadcast)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BroadcastProduct)) == len(CATALOGUE)
    assert (tmp_path / "instance" / "demo_token").read_text() == token


def test_seed_demo_force_sets_new_passwords_and_keeps_the_token(app, runner, tmp_path):
    first = _seed(runner)
    old_token = (tmp_path / "instance" / "demo_token").read_text().strip()
    forced = _seed(runner, "--force")
    client = app.test_client()
    # A running `make demo` keeps sending with it (tests/functional/test_seed_demo_force.py has the rest).
    assert (tmp_path / "instance" / "demo_token").read_text().strip() == old_token and "ldk_" not in forced.output
    assert client.get("/api/v1/broadcasts", headers=_bearer(old_token)).status_code == 200
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
        assert verify_password(admin.password_hash, _logins(forced.output)["admin"][1])
        assert not verify_password(admin.password_hash, _logins(first.output)["admin"][1])
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Product)) == len(CATALOGUE)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)
                                 .where(ApiToken.name == DEMO_TOKEN_NAME)) == 1


def test_create_user_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(args=["create-user", "alice", "--role", "host"], input="correct horse\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "alice"))
        assert user.role == "host" and verify_password(user.password_hash, "correct horse")


def test_create_user_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-user", "bob", "--role", "host"], input="short\n")
    assert result.exit_code != 0 and "at least" in result.output


def test_create_token_prints_a_token_that_authenticates_on_its_last_line(app, runner):
    result = runner.invoke(args=["create-token", "adapter-1"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert app.test_client().get("/api/v1/broadcasts", headers=_bearer(token)).status_code == 200


@pytest.fixture
def events_file(api, tmp_path):
    """Return (broadcast id, path) of a JSONL file: 3 orders, a chat line, a blank line and a malformed line."""
    api.product("A1", stock=50)
    broadcast_id = api.live_broadcast(skus=("A1",))
    events = [order_event("A1", 1) for _ in range(3)]
    chat = {"id": "chat-1", "type": "chat", "ts": events[0]["ts"], "viewer_id": "v1", "text": "多少钱"}
    lines = [json.dumps(events[0]), json.dumps(events[1]), "{not json", "", json.dumps(chat), json.dumps(events[2])]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return broadcast_id, path


def test_replay_accepts_then_reports_duplicates_and_skips_a_malformed_line(app, runner, events_file):
    broadcast_id, path = events_file
    first = runner.invoke(args=["replay", str(path), "--broadcast", str(broadcast_id), "--batch", "2"])
    assert first.exit_code == 0, first.output
    assert "line 3: malformed" in first.output
    assert "accepted 4  duplicate 0  rejected 0" in first.output
    second = runner.invoke(args=["replay", str(path), "--broadcast", str(broadcast_id)])
    assert "accepted 0  duplicate 4  rejected 0" in second.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 3
        logged = sa.select(sa.func.count()).select_from(EventLog).where(EventLog.source == "replay")
        assert db.session.scalar(logged) == 4


def test_replay_over_http_goes_through_the_api(app, runner, events_file, token, http_through_app):
    broadcast_id, path = events_file
    result = runner.invoke(args=["replay", str(path), "--broadcast", str(broadcast_id), "--http", "--token", token])
    assert result.exit_code == 0, result.output
    assert "accepted 4  duplicate 0  rejected 0" in result.output


def test_replay_of_a_file_that_cannot_be_read_fails(runner, tmp_path):
    result = runner.invoke(args=["replay", str(tmp_path / "missing.jsonl"), "--broadcast", "1"])
    assert result.exit_code != 0 and "cannot read" in result.output


def test_simulate_starts_the_demo_broadcast_and_sends_its_traffic_through_the_api(app, runner, http_through_app):
    _seed(runner)
    args = ["simulate", "--seed", "7", "--rate", "5000", "--max-events", "300", "--batch", "50"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "started broadcast" in result.output and "done: sent 300" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Broadcast.status)) == "live"
        orders = db.session.scalars(sa.select(Order)).all()
        assert orders and all(o.total > Decimal("0") for o in orders)
    again = runner.invoke(args=args)
    assert "hint: these events were sent before" in again.output and "accepted 0" in again.output


def test_simulate_signs_its_requests_when_given_a_signing_secret(app, runner, http_through_app):
    _seed(runner)
    token = runner.invoke(args=["create-token", "signed-adapter", "--signing-secret", "s3cret"]).output.split()[-1]
    args = ["simulate", "--token", token, "--rate", "5000", "--max-events", "40"]
    unsigned = runner.invoke(args=args)
    assert unsigned.exit_code != 0 and "bad_signature" in unsigned.output
    signed = runner.invoke(args=[*args, "--signing-secret", "s3cret"])
    assert signed.exit_code == 0, signed.output
    assert "done: sent 40" in signed.output and "rejected 0" in signed.output


def test_the_api_client_waits_for_a_server_that_is_still_starting(app, token, monkeypatch):
    from app.client import ApiClient

    transport, failures = FlaskTransport(app), iter([True, True])

    def flaky(*args, **kwargs):
        if next(failures, False):
            raise requests.ConnectionError("connection refused")
        return transport.request(*args, **kwargs)

    monkeypatch.setattr(ApiClient, "retry_every", 0.01)
    client = ApiClient("http://127.0.0.1:5000", token)
    transport.headers = dict(client.http.headers)
    monkeypatch.setattr(client.http, "request", flaky)
    assert client.call("GET", "/api/v1/broadcasts") == {"broadcasts": []}
    assert next(failures, None) is None


def test_the_api_client_stops_waiting_after_its_time_limit(monkeypatch):
    from app.client import ApiClient

    monkeypatch.setattr(ApiClient, "retry_every", 0.01)
    client = ApiClient("http://127.0.0.1:5000", "any", wait=0.05)
    monkeypatch.setattr(client.http, "request", lambda *a, **k: (_ for _ in ()).throw(requests.ConnectionError()))
    with pytest.raises(click.ClickException, match="cannot reach"):
        client.call("GET", "/api/v1/broadcasts")


def test_simulate_never_starts_a_hosts_show_scheduled_for_later(app, runner, http_through_app):
    """Probe 3 of session 15: a second `make demo` started the host's newest broadcast, scheduled for tomorrow."""
    _seed(runner)
    with app.app_context():
        lineup.create_broadcast(db.session, "明日秋冬上新", "douyin")
        db.session.commit()
    result = runner.invoke(args=["simulate", "--seed", "7", "--rate", "5000", "--max-events", "20", "--batch", "10"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(Broadcast.title, Broadcast.status)).all())
    assert statuses == {"Demo live: autumn flash sale": "live", "明日秋冬上新": "scheduled"}
