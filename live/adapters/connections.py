"""Connections: create one (its secret shown once), rotate its secret with a grace period, move it to another
broadcast, and the two forms it takes: the adapter's view (base.Connection) and the JSON an admin sees.

The caller commits. A secret is kept (it must be, to check signatures) but only its fingerprint is ever shown
again (app.auth.tokens.secret_fingerprint, as for API tokens' signing secrets).
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.tokens import secret_fingerprint
from live.adapters.base import Connection
from live.adapters.models import PlatformConnection
from live.adapters.registry import LIVE_ROOM_PLATFORMS, PLATFORMS, AdapterUnavailable, adapter_for
from live.models import Broadcast

NAME = re.compile(r"[A-Za-z0-9._-]{1,48}")  # one URL path segment: /api/v1/adapters/<platform>/<name>
SHOP_ID = re.compile(r"[^/\x00]{1,64}")
SECRET_PREFIX = "lds_"
MIN_SECRET, MAX_SECRET = 16, 128
GRACE = timedelta(hours=24)  # the previous secret keeps working this long after a rotation
MAX_SETTINGS, MAX_SETTING_TEXT = 16, 300
SETTING_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")
MAX_TOLERANCE = 86_400  # seconds a forwarder's signed time may differ from ours (a day; the default is 300)


class ConnectionRefused(ValueError):
    """A connection action refused: HTTP status, stable code, the field at fault and a sentence."""

    def __init__(self, status: int, code: str, field: str | None, message: str):
        """Keep the API error parts."""
        super().__init__(message)
        self.status, self.code, self.field, self.message = status, code, field, message


def connection_named(session: Session, name: str) -> PlatformConnection | None:
    """Return the connection called name, or None."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        return None
    return session.scalar(sa.select(PlatformConnection).where(PlatformConnection.name == name))


def endpoint_path(platform: str, name: str) -> str:
    """Return the path a connection's platform (or forwarder) posts to."""
    return f"/api/v1/adapters/{platform}/{name}"


def new_secret() -> str:
    """Return a fresh random secret for a connection."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def create_connection(session: Session, name, platform, broadcast_id, *, shop_id=None, app_key=None,
                      app_secret=None, settings=None, actor: str | None = None,
                      now: datetime) -> tuple[PlatformConnection, str]:
    """Return (the new connection, its secret), after checking every field; raise ConnectionRefused."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ConnectionRefused(400, "invalid_value", "name", "name must be 1 to 48 letters, digits or . _ -")
    if platform not in PLATFORMS:
        raise ConnectionRefused(400, "invalid_choice", "platform", f"platform must be one of {', '.join(PLATFORMS)}")
    broadcast = _broadcast(session, broadcast_id)
    if shop_id is not None and (not isinstance(shop_id, str) or not SHOP_ID.fullmatch(shop_id)):
        raise ConnectionRefused(400, "invalid_value", "shop_id", "shop_id must be 1 to 64 characters without /")
    if app_key is not None and (not isinstance(app_key, str) or not 0 < len(app_key) <= 128
                                or not app_key.isprintable()):  # a NUL would not even store in PostgreSQL
        raise ConnectionRefused(400, "invalid_value", "app_key", "app_key must be 1 to 128 characters")
    if app_secret is None and platform not in LIVE_ROOM_PLATFORMS:
        raise ConnectionRefused(400, "missing_field", "app_secret",
                                "a commerce platform's connection needs the app secret the platform signs with")
    secret = _secret(app_secret, platform) if app_secret is not None else new_secret()
    if connection_named(session, name) is not None:
        raise ConnectionRefused(409, "name_taken", "name", f"a connection named {name!r} exists already")
    row = PlatformConnection(name=name, platform=platform, shop_id=shop_id, broadcast_id=broadcast.id,
                             app_key=app_key, secret=secret,
                             settings=checked_settings({} if settings is None else settings),
                             created_at=now, created_by=actor, received_count=0, duplicate_count=0, rejected_count=0)
    session.add(row)
    session.flush()
    return row, secret


def _broadcast(session: Session, broadcast_id) -> Broadcast:
    if isinstance(broadcast_id, bool) or not isinstance(broadcast_id, int) or not 0 < broadcast_id < 2**31:
        raise ConnectionRefused(400, "invalid_type", "broadcast_id", "broadcast_id must be a broadcast's id")
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise ConnectionRefused(400, "unknown_broadcast", "broadcast_id", f"no broadcast {broadcast_id}")
    return broadcast


def _secret(value, platform: str, field: str = "app_secret") -> str:
    """Return value as the connection's secret, or raise naming field (the platform's adapter may say more).

    A live-room secret is chosen by the seller for their forwarder, so it must be too long to guess
    (MIN_SECRET). A commerce platform's app secret is issued by the platform and signs every push it sends:
    LiveDesk has to take it as the platform shows it, whatever its length.
    """
    shortest = MIN_SECRET if platform in LIVE_ROOM_PLATFORMS else 1
    if not isinstance(value, str) or not shortest <= len(value) <= MAX_SECRET or not value.isprintable():
        raise ConnectionRefused(400, "invalid_value", field,
                                f"a secret is {shortest} to {MAX_SECRET} printable characters")
    problem = _adapter_secret_problem(platform, value)
    if problem:
        raise ConnectionRefused(400, "invalid_secret", field, problem)
    return value


def _adapter_secret_problem(platform: str, value: str) -> str | None:
    """Return why the platform's adapter cannot use value as its secret (secret_problem, when it has one), or None."""
    try:
        check = getattr(adapter_for(platform), "secret_problem", None)
    except AdapterUnavailable:
        return None
    return check(value) if check is not None else None


def checked_settings(settings) -> dict:
    """Return a connection's settings after checking them: at most 16 keys, texts, numbers or booleans; zone real."""
    if not isinstance(settings, dict) or len(settings) > MAX_SETTINGS:
        raise ConnectionRefused(400, "invalid_value", "settings", f"settings must be an object of at most "
                                                                  f"{MAX_SETTINGS} keys")
    for key, value in settings.items():
        if not SETTING_KEY.fullmatch(key):
            raise ConnectionRefused(400, "invalid_value", f"settings.{key}"[:100], "a setting's name is lower_case")
        if not (value is None or isinstance(value, (bool, int)) or
                (isinstance(value, str) and len(value) <= MAX_SETTING_TEXT and "\x00" not in value)):
            raise ConnectionRefused(400, "invalid_value", f"settings.{key}",
                                    f"a setting is a text of at most {MAX_SETTING_TEXT} characters, a number or "
                                    "true/false")
    tolerance = settings.get("signature_tolerance_seconds")
    if tolerance is not None and (isinstance(tolerance, bool) or not isinstance(tolerance, int)
                                  or not 1 <= tolerance <= MAX_TOLERANCE):
        raise ConnectionRefused(400, "invalid_value", "settings.signature_tolerance_seconds",
                                f"signature_tolerance_seconds is a whole number of seconds from 1 to {MAX_TOLERANCE}")
    zone = settings.get("zone")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ConnectionRefused(400, "invalid_value", "settings.zone",
                                    "zone must be an IANA time zone such as Asia/Shanghai") from None
    return dict(settings)


def rotate_secret(row: PlatformConnection, now: datetime, secret: str | None = None,
                  grace: timedelta = GRACE) -> str:
    """Return the connection's new secret (given, or made); the old one stays valid for grace."""
    if secret is None and row.platform not in LIVE_ROOM_PLATFORMS:
        raise ConnectionRefused(400, "missing_field", "secret",
                                "give the new app secret the platform shows (LiveDesk cannot make it)")
    fresh = _secret(secret, row.platform, "secret") if secret is not None else new_secret()
    row.previous_secret, row.previous_expires_at = row.secret, now + grace
    row.secret, row.rotated_at = fresh, now
    return fresh


def move_to_broadcast(session: Session, row: PlatformConnection, broadcast_id) -> PlatformConnection:
    """Return the connection feeding another broadcast from now on (messages already stored keep theirs)."""
    row.broadcast_id = _broadcast(session, broadcast_id).id
    return row


def valid_secrets(row: PlatformConnection, now: datetime) -> tuple[str, ...]:
    """Return the secrets a request may be signed with now: the current one, then the previous in its grace."""
    if row.previous_secret and row.previous_expires_at and row.previous_expires_at > now:
        return row.secret, row.previous_secret
    return (row.secret,)


def connection_view(row: PlatformConnection, now: datetime, tolerance_seconds: int = 300) -> Connection:
    """Return what an adapter sees of the connection (secrets valid now; settings with the signature tolerance)."""
    settings = {"signature_tolerance_seconds": tolerance_seconds, **(row.settings or {})}
    return Connection(name=row.name, platform=row.platform, shop_id=row.shop_id, broadcast_id=row.broadcast_id,
                      app_key=row.app_key, secrets=valid_secrets(row, now), settings=settings)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# Settings that are credentials (a platform access token, Kuaishou's signing secret and message key): shown by
# fingerprint only, like the connection's own secret.
SECRET_SETTINGS = ("access_token", "sign_secret", "message_key", "app_secret", "secret")


def shown_settings(settings: dict | None) -> dict:
    """Return settings as an admin may see them: credentials replaced by their fingerprint."""
    return {key: (f"fingerprint:{secret_fingerprint(str(value))}" if key in SECRET_SETTINGS and value else value)
            for key, value in (settings or {}).items()}


def connection_to_dict(row: PlatformConnection, now: datetime) -> dict:
    """Return the JSON an admin sees of a connection: secrets only by fingerprint, never their value."""
    previous = row.previous_secret if row.previous_expires_at and row.previous_expires_at > now else None
    return {
        "name": row.name, "platform": row.platform, "shop_id": row.shop_id, "broadcast_id": row.broadcast_id,
        "app_key": row.app_key, "endpoint": endpoint_path(row.platform, row.name),
        "secret_fingerprint": secret_fingerprint(row.secret),
        "previous_secret_fingerprint": secret_fingerprint(previous) if previous else None,
        "previous_secret_expires_at": _iso(row.previous_expires_at) if previous else None,
        "settings": shown_settings(row.settings), "created_at": _iso(row.created_at), "created_by": row.created_by,
        "rotated_at": _iso(row.rotated_at), "last_message_at": _iso(row.last_message_at),
        "received": row.received_count, "duplicates": row.duplicate_count, "rejected": row.rejected_count,
    }
