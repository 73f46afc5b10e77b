"""/healthz and /readyz: what a load balancer asks before sending traffic to a server."""
from __future__ import annotations


import pytest

from tests.support.databases import REDIS_URL, dispose, make_app, redis_url_or_skip
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def _answer(app, path):
    response = app.test_client().get(path)
    return response.status_code, response.get_json()


def test_healthz_answers_ok_without_login(sqlite_url):
    app = make_app(sqlite_url)
    assert _answer(app, "/healthz") == (200, {"status": "ok"})
    dispose(app)


def test_readyz_is_ready_when_the_database_answers_and_no_redis_is_configured(sqlite_url):
    app = make_app(sqlite_url)
    assert _answer(app, "/readyz") == (200, {"status": "ok", "checks": {"database": "ok"}})
    dispose(app)


def test_readyz_is_unavailable_while_the_configured_redis_does_not_answer(sqlite_url):
    app = make_app(sqlite_url, REDIS_URL=CLOSED_PORT_REDIS)
    status, body = _answer(app, "/readyz")
    assert status == 503
    assert body == {"status": "unavailable", "checks": {"database": "ok", "redis": "unreachable"}}
    dispose(app)


def test_readyz_is_unavailable_while_the_database_does_not_answer(tmp_path):
    app = make_app("postgresql://postgres@127.0.0.1:1/test")
    status, body = _answer(app, "/readyz")
    assert (status, body["checks"]["database"]) == (503, "unreachable")
    dispose(app)


@pytest.mark.redis
def test_readyz_checks_the_real_redis_of_the_message_queue(sqlite_url):
    redis_url_or_skip()
    app = make_app(sqlite_url, REDIS_URL=REDIS_URL)
    assert _answer(app, "/readyz") == (200, {"status": "ok", "checks": {"database": "ok", "redis": "ok"}})
    dispose(app)


def test_readyz_checks_the_message_queue_too_when_it_is_another_redis(sqlite_url):
    """Probe 4 of session 15: with REDIS_URL up and the queue down, /readyz said ready while pushes were lost."""
    app = make_app(sqlite_url, REDIS_URL=REDIS_URL)
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:1/0"  # read by the check only; nothing listens
    status, body = _answer(app, "/readyz")
    assert status == 503 and body["checks"]["redis"] == "unreachable"
    dispose(app)
