"""The one Redis client of an app, for state that several servers must share (chat windows, job leases).

Redis is optional: the embedded default (one server, SQLite) keeps that state in process. It is used when
REDIS_URL is set, or when the Socket.IO message queue is a Redis (several servers already share it then).
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

_KEY = "livedesk_redis"
SOCKET_TIMEOUT_SECONDS = 2.0


def redis_url(config: Mapping) -> str | None:
    """Return the Redis this server shares state through (REDIS_URL, else a redis:// message queue), or None."""
    url = config.get("REDIS_URL") or config.get("SOCKETIO_MESSAGE_QUEUE")
    return url if url and str(url).startswith(("redis://", "rediss://", "unix://")) else None


def shared_redis(app: Flask):
    """Return the app's Redis client (made on first use, connection-pooled), or None when none is configured."""
    if _KEY not in app.extensions:
        url = redis_url(app.config)
        if url is None:
            app.extensions[_KEY] = None
        else:
            import redis

            app.extensions[_KEY] = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT_SECONDS,
                                                        socket_connect_timeout=SOCKET_TIMEOUT_SECONDS)
    return app.extensions[_KEY]
