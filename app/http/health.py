"""Liveness and readiness for a load balancer: /healthz (the process answers) and /readyz (its stores answer).

Both are public and say nothing but ok/unreachable per dependency: no versions, no addresses, no errors.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from app.extensions import db
from app.redis_client import redis_url

bp = Blueprint("health", __name__)
REDIS_TIMEOUT_SECONDS = 1.0


def database_ready() -> bool:
    """Return True when the database answers a trivial query."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except Exception:  # any failure means "not ready"; the reason is in the log, never in the answer
        current_app.logger.warning("readiness: database unreachable", exc_info=True)
        db.session.rollback()
        return False


def redis_ready(url: str) -> bool:
    """Return True when the Redis at url answers PING within a second."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                      socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        current_app.logger.warning("readiness: redis unreachable", exc_info=True)
        return False


@bp.get("/healthz")
def healthz():
    """Answer 200 while the process serves requests (liveness: restart it when this fails)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """Answer 200 when the database (and Redis, when configured) are reachable, else 503 naming which are not."""
    checks = {"database": "ok" if database_ready() else "unreachable"}
    # The shared state's Redis and the message queue's, when they are two: pushes need the second.
    queue = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    urls = {url for url in (redis_url(current_app.config), redis_url({"REDIS_URL": queue})) if url is not None}
    if urls:
        checks["redis"] = "ok" if all(redis_ready(url) for url in sorted(urls)) else "unreachable"
    ready = all(state == "ok" for state in checks.values())
    return jsonify({"status": "ok" if ready else "unavailable", "checks": checks}), 200 if ready else 503
