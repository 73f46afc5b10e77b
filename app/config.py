"""Configuration read from the environment, with defaults that run with no services."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_dir() -> Path:
    """Return the folder of local state (LIVEDESK_INSTANCE, else instance/), read when asked, not at import."""
    return Path(os.environ.get("LIVEDESK_INSTANCE", PROJECT_ROOT / "instance"))


ASYNC_MODES = ("eventlet", "gevent", "threading")


def _persistent_secret_key() -> str:
    """Return a random key kept in instance/ so sessions survive restarts of the demo."""
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    """Return DATABASE_URL, or an SQLite file in instance/ when it is not set."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the dialect "postgres", which SQLAlchemy 2 no longer accepts.
        return url.replace("postgres://", "postgresql://", 1)
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'livedesk.sqlite3'}"


AFTERSALES_KEYS = ("AFTERSALES_RESPOND_HOURS", "AFTERSALES_RETURN_SHIP_DAYS", "AFTERSALES_CONFIRM_RECEIPT_DAYS",
                   "AFTERSALES_REFUND_DAYS", "AFTERSALES_APPEAL_DAYS", "AFTERSALES_NO_REASON_DAYS",
                   "AFTERSALES_NO_REASON_EXCLUDED_SKUS")


def load_config() -> dict:
    """Return the app configuration built from environment variables."""
    async_mode = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    if async_mode not in ASYNC_MODES:
        raise RuntimeError(f"SOCKETIO_ASYNC_MODE must be one of {ASYNC_MODES}, not {async_mode!r}")
    return {
        "INSTANCE_DIR": str(instance_dir()),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _persistent_secret_key(),
        "SQLALCHEMY_DATABASE_URI": _database_url(),
        "SOCKETIO_ASYNC_MODE": async_mode,
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
        # Concurrent event requests share transactions (app/db/group_commit.py): "auto" (the default) on SQLite
        # only, "1" always, "0" never. On PostgreSQL the writes of one group lock stock and rollup rows in
        # arrival order, which deadlocks against other servers' groups; there each request commits alone.
        "INGEST_GROUP_COMMIT": os.environ.get("INGEST_GROUP_COMMIT", "auto"),
        # Redis for state shared by several servers (readiness checks it); the message queue's Redis when unset.
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        # Deployments sharing one Redis must use different channels, or they get each other's pushes.
        "SOCKETIO_CHANNEL": os.environ.get("SOCKETIO_CHANNEL", "livedesk"),
        # Comma-separated origins allowed to open sockets; empty means same origin only.
        "SOCKETIO_CORS_ORIGINS": [o for o in os.environ.get("SOCKETIO_CORS_ORIGINS", "").split(",") if o] or None,
        "NOTICE_CHANNEL": os.environ.get("NOTICE_CHANNEL", "log"),
        "NOTICE_WEBHOOK_URL": os.environ.get("NOTICE_WEBHOOK_URL"),
        "NOTICE_WEBHOOK_SECRET": os.environ.get("NOTICE_WEBHOOK_SECRET"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "app" / "translations"),
        "LANGUAGES": ["en", "zh_CN"],
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "SIGNATURE_TOLERANCE_SECONDS": 300,
        # Seconds a bearer token found stays cached per process (a revoke elsewhere is seen within it); 0: off.
        "API_TOKEN_CACHE_SECONDS": float(os.environ.get("API_TOKEN_CACHE_SECONDS", "1") or 0),
        "CATCHUP_LIMIT": 5000,
        # Failed logins allowed per username and per client address in the window before 429 (in memory, per process).
        "LOGIN_FAILURES_PER_USERNAME": 5,
        "LOGIN_FAILURES_PER_ADDRESS": 20,
        "LOGIN_THROTTLE_WINDOW_SECONDS": 900,
        # Number of proxies in front whose X-Forwarded-For / -Proto to trust (nginx: 1); 0 trusts none.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0") or 0),
        # Days after an order's last change before `flask purge-pii` replaces its buyer's contact data (docs/deployment.md).
        "PII_RETENTION_DAYS": int(os.environ.get("PII_RETENTION_DAYS", "180") or 180),
        # `python wsgi.py` (eventlet): a client silent this long is dropped (one that never finishes its headers
        # would hold its slot for ever), and at most this many connections, sockets included, are served at once.
        "SOCKET_TIMEOUT_SECONDS": float(os.environ.get("SOCKET_TIMEOUT_SECONDS", "60") or 60),
        "MAX_CONNECTIONS": int(os.environ.get("MAX_CONNECTIONS", "10000") or 10000),
        # Units left at or below which the catalogue and the host's rail show a product as low on stock.
        "LOW_STOCK_UNITS": int(os.environ.get("LOW_STOCK_UNITS", "5") or 5),
        # How long a set-password link works (app/auth/links.py; 72 hours when unset).
        "SET_PASSWORD_LINK_SECONDS": int(os.environ["SET_PASSWORD_LINK_SECONDS"])
        if os.environ.get("SET_PASSWORD_LINK_SECONDS") else None,
        # After-sales timers and the SKUs sold without 七天无理由 (orders/aftersales/timers.py, common.py, checked
        # there); a key left unset keeps its default.
        **{key: os.environ[key] for key in AFTERSALES_KEYS if os.environ.get(key)},
    }
