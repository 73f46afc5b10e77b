"""Connections: create one (its secret shown once), rotate its secret with a grace period (or end the old one at
once), switch it off and on, edit it (another broadcast, its shop id, app key and settings), and the two forms it
takes: the adapter's view
(base.Connection) and the JSON an admin sees (with what it still lacks before it can process a message).

The caller commits. A secret is kept (it must be, to check signatures) but only its fingerprint is ever shown
again (app.auth.tokens.secret_fingerprint, as for API tokens' signing secrets).
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.tokens import secret_fingerprint
from live.adapters.base import Connection
from live.adapters.models import AdapterInboxMessage, PlatformConnection
from live.adapters.registry import LIVE_ROOM_PLATFORMS, PLATFORMS, AdapterUnavailable, adapter_for
from live.adapters.settings import SECRET_KEYS, SettingProblem, checked, missing
from live.models import Broadcast

NAME = re.compile(r"[A-Za-z0-9._-]{1,48}")  # one URL path segment: /api/v1/adapters/<platform>/<name>
SHOP_ID = re.compile(r"[^/\x00]{1,64}")
SECRET_PREFIX = "lds_"
MIN_SECRET, MAX_SECRET = 16, 128
GRACE = timedelta(hours=24)  # the previous secret keeps working this long after a rotation
WAITING = "waiting for the connection's "  # the note of a message kept until the connection has what it lacks
EDITABLE = ("broadcast_id", "shop_id", "app_key", "settings")  # what an edit may change (the secret: rotate)


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
    _check_shop_id(shop_id)
    _check_app_key(app_key)
    kept = _settings(platform, {} if settings is None else settings)
    if app_secret is None and platform not in LIVE_ROOM_PLATFORMS:
        raise ConnectionRefused(400, "missing_field", "app_secret",
                                "a commerce platform's connection needs the app secret the platform signs with")
    secret = _secret(app_secret, platform) if app_secret is not None else new_secret()
    if connection_named(session, name) is not None:
        raise ConnectionRefused(409, "name_taken", "name", f"a connection named {name!r} exists already")
    row = PlatformConnection(name=name, platform=platform, shop_id=shop_id, broadcast_id=broadcast.id,
                             app_key=app_key, secret=secret,
                             settings=kept,
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


def _check_shop_id(shop_id) -> None:
    """Raise ConnectionRefused unless shop_id is None or 1 to 64 characters without /."""
    if shop_id is not None and (not isinstance(shop_id, str) or not SHOP_ID.fullmatch(shop_id)):
        raise ConnectionRefused(400, "invalid_value", "shop_id", "shop_id must be 1 to 64 characters without /")


def _check_app_key(app_key) -> None:
    """Raise ConnectionRefused unless app_key is None or 1 to 128 printable characters."""
    if app_key is not None and (not isinstance(app_key, str) or not 0 < len(app_key) <= 128
                                or not app_key.isprintable()):  # a NUL would not even store in PostgreSQL
        raise ConnectionRefused(400, "invalid_value", "app_key", "app_key must be 1 to 128 characters")


def _settings(platform: str, given, current: dict | None = None) -> dict:
    """Return the settings of a platform's connection with given applied (live.adapters.settings.checked)."""
    try:
        return checked(platform, given, current)
    except SettingProblem as problem:
        raise ConnectionRefused(400, problem.code, problem.field, problem.message) from None


def rotate_secret(row: PlatformConnection, now: datetime, secret: str | None = None,
                  grace: timedelta = GRACE, keep_previous=True) -> str:
    """Return the connection's new secret (given, or made); the old one stays valid for grace, or stops at once
    when keep_previous is False (it leaked: nobody may sign with it a moment longer)."""
    if not isinstance(keep_previous, bool):
        raise ConnectionRefused(400, "invalid_type", "keep_previous", "keep_previous must be true or false")
    if secret is None and row.platform not in LIVE_ROOM_PLATFORMS:
        raise ConnectionRefused(400, "missing_field", "secret",
                                "give the new app secret the platform shows (LiveDesk cannot make it)")
    fresh = _secret(secret, row.platform, "secret") if secret is not None else new_secret()
    if keep_previous:
        row.previous_secret, row.previous_expires_at = row.secret, now + grace
    else:
        row.previous_secret, row.previous_expires_at = None, None
    row.secret, row.rotated_at = fresh, now
    return fresh


def end_previous_secret(row: PlatformConnection, now: datetime) -> PlatformConnection:
    """Return the connection after its previous secret stopped being accepted (before its grace ran out)."""
    if not (row.previous_secret and row.previous_expires_at and row.previous_expires_at > now):
        raise ConnectionRefused(409, "no_previous_secret", "previous_secret",
                                "no previous secret is accepted now: there is nothing to end")
    row.previous_secret, row.previous_expires_at = None, None
    return row


def set_enabled(row: PlatformConnection, enabled, actor: str | None, now: datetime) -> PlatformConnection:
    """Return the connection switched on or off. Off, every request it gets is refused and logged; messages it
    stored before (acknowledged to the platform) are still processed. Switching to the state it is in changes
    nothing."""
    if not isinstance(enabled, bool):
        raise ConnectionRefused(400, "invalid_type", "enabled", "enabled must be true or false")
    if enabled:
        row.disabled_at, row.disabled_by = None, None
    elif row.disabled_at is None:
        row.disabled_at, row.disabled_by = now, actor
    return row


def move_to_broadcast(session: Session, row: PlatformConnection, broadcast_id) -> PlatformConnection:
    """Return the connection feeding another broadcast from now on (messages already stored keep theirs)."""
    row.broadcast_id = _broadcast(session, broadcast_id).id
    return row


def edit_connection(session: Session, row: PlatformConnection, changes) -> PlatformConnection:
    """Return the connection with changes applied: any of EDITABLE; settings merge (null removes one).

    Every field is checked before any is changed. shop_id or app_key null clears it. The secret is not
    editable here: rotate_secret keeps the previous one valid for the grace period.
    """
    if not isinstance(changes, dict):
        raise ConnectionRefused(400, "invalid_json", "body", "the body must be a JSON object")
    # Settings merge into the stored ones: read them under the row's lock, or of two edits at once (a token here,
    # a sign secret there) the one saved last would drop the other.
    session.refresh(row, with_for_update=True)
    unknown = sorted(str(key) for key in changes if key not in EDITABLE)
    if unknown:
        hint = " (rotate the secret instead)" if unknown[0] in ("app_secret", "secret") else ""
        raise ConnectionRefused(400, "unknown_field", unknown[0][:100],
                                f"{unknown[0][:40]!r} cannot be changed{hint}; a connection's editable fields "
                                f"are {', '.join(EDITABLE)}")
    broadcast = _broadcast(session, changes["broadcast_id"]) if "broadcast_id" in changes else None
    _check_shop_id(changes.get("shop_id"))
    _check_app_key(changes.get("app_key"))
    settings = _settings(row.platform, changes["settings"], row.settings) if "settings" in changes else None
    if broadcast is not None:
        row.broadcast_id = broadcast.id
    if "shop_id" in changes:
        row.shop_id = changes["shop_id"]
    if "app_key" in changes:
        row.app_key = changes["app_key"]
    if settings is not None:
        row.settings = settings  # a new dict: the JSON column sees the change
    if not lacking(row):  # the messages kept for what it lacked are taken at the worker's next pass
        session.execute(sa.update(AdapterInboxMessage).where(
            AdapterInboxMessage.connection_id == row.id, AdapterInboxMessage.status == "pending",
            AdapterInboxMessage.error.startswith(WAITING, autoescape=True)).values(lease_until=None))
    return row


def lacking(row: PlatformConnection) -> list[str]:
    """Return what the connection lacks before it can process a message (app_key, required settings), in order."""
    return missing(row.platform, row.app_key, row.settings)


def waiting_note(row: PlatformConnection) -> str:
    """Return the note of a message kept because the connection lacks something (empty when it lacks nothing)."""
    absent = lacking(row)
    return f"{WAITING}{', '.join(absent)}" if absent else ""


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


def shown_settings(settings: dict | None) -> dict:
    """Return settings as an admin may see them: credentials (settings.SECRET_KEYS) replaced by their fingerprint."""
    return {key: (f"fingerprint:{secret_fingerprint(str(value))}" if key in SECRET_KEYS and value else value)
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
        "ready": not lacking(row), "missing": lacking(row),
        "enabled": row.disabled_at is None, "disabled_at": _iso(row.disabled_at), "disabled_by": row.disabled_by,
    }
