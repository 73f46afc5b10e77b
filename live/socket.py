"""The /live Socket.IO namespace: authenticated connect, `join` a broadcast room, catch up on missed pushes.

A user's socket lives only as long as the session it was opened with: it is disconnected at once when that
user's sessions are ended in this process (app.auth.sessions), when any event finds the session ended, and
by a periodic check on every server (sessions ended by the CLI or another server).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from app import background, realtime
from app.auth import tokens
from app.auth.models import User
from app.auth.pii import log_unmasked_view
from app.auth.sessions import sessions_ended, user_room
from app.extensions import db, socketio
from live.models import Broadcast
from live.moderation.push import is_moderator, moderator_room

NAMESPACE = realtime.NAMESPACE
SESSION_CHECK_SECONDS = 5
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database
MAX_SEQ = 2**63 - 1
# sid -> who is on that socket: ("user", user id, session version at connect) or ("token", token id, 0).
_principals: dict[str, tuple[str, int, int]] = {}


def _current_principal():
    """Return the User or ApiToken behind this socket, re-read now so role changes and revocations apply."""
    kind, ident, version = _principals.get(request.sid, (None, None, None))
    if kind == "user":
        user = db.session.get(User, ident)
        if user is not None and user.is_active and user.session_version == version:
            return user
        _disconnect(request.sid)
        return None
    if kind == "token":
        token = db.session.get(tokens.ApiToken, ident)
        return token if token is not None and token.revoked_at is None else None
    return None


def _disconnect(sid: str) -> None:
    """Close one socket of this process from the server side (its principal is forgotten by on_disconnect)."""
    _principals.pop(sid, None)
    socketio.server.disconnect(sid, namespace=NAMESPACE)


def _end_user_sockets(_sender, user_id: int) -> None:
    """Disconnect every socket of user_id in this process: their sessions were just ended."""
    for sid in [sid for sid, (kind, ident, _v) in list(_principals.items()) if kind == "user" and ident == user_id]:
        _disconnect(sid)


sessions_ended.connect(_end_user_sockets)


def check_open_sockets(_app: Flask) -> int:
    """Return how many of this process's sockets were disconnected: a user's whose session had ended since, or a
    display's whose token was revoked or lost its display scope since (on this server or another)."""
    principals = list(_principals.items())
    opened = {sid: (ident, version) for sid, (kind, ident, version) in principals if kind == "user"}
    watching = {sid: ident for sid, (kind, ident, _version) in principals if kind == "token"}
    stale = []
    if opened:
        rows = db.session.execute(sa.select(User.id, User.session_version, User.disabled_at)
                                  .where(User.id.in_({ident for ident, _v in opened.values()}))).all()
        current = {row.id: row.session_version for row in rows if row.disabled_at is None}
        stale += [sid for sid, (ident, version) in opened.items() if current.get(ident) != version]
    if watching:
        rows = db.session.execute(sa.select(tokens.ApiToken.id, tokens.ApiToken.scopes).where(
            tokens.ApiToken.id.in_(set(watching.values())), tokens.ApiToken.revoked_at.is_(None))).all()
        allowed = {row.id for row in rows if "display" in (row.scopes or ())}
        stale += [sid for sid, ident in watching.items() if ident not in allowed]
    db.session.rollback()
    for sid in stale:
        _disconnect(sid)
    return len(stale)


# Each server checks its own sockets (no other process can see them): every process, unleased, worker or not.
background.register("socket-sessions", SESSION_CHECK_SECONDS, check_open_sockets, each_server=True)


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    """Browser (session cookie) or wall display (auth={"token"}) connects; anyone else is refused."""
    if current_user.is_authenticated:
        _principals[request.sid] = ("user", current_user.id, current_user.session_version)
        join_room(user_room(current_user.id))  # where "session.ended" reaches this user's pages
        db.session.rollback()
        return True
    raw = auth.get("token") if isinstance(auth, dict) else None
    token = tokens.find_token(db.session, raw) if isinstance(raw, str) else None
    may_watch = token is not None and "display" in (token.scopes or ())  # live pushes are reads (docs/accounts.md)
    db.session.rollback()
    if not may_watch:
        raise ConnectionRefusedError("unauthorized")
    _principals[request.sid] = ("token", token.id, 0)
    return True


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_reason):
    """Forget the socket's principal when the client goes away."""
    _principals.pop(request.sid, None)


@socketio.on("join", namespace=NAMESPACE)
def on_join(data=None):
    """Client asks for a broadcast's pushes (and, with last_seq, what it missed); the ack says the outcome."""
    principal = _current_principal()
    if principal is None:
        db.session.rollback()
        return {"ok": False, "error": {"code": "unauthenticated", "message": "log in again"}}
    if not isinstance(data, dict) or isinstance(data.get("broadcast_id"), bool) or not isinstance(data.get("broadcast_id"), int):
        return {"ok": False, "error": {"code": "invalid_type", "field": "broadcast_id", "message": "broadcast_id must be an integer"}}
    last_seq = data.get("last_seq")
    if last_seq is not None and (isinstance(last_seq, bool) or not isinstance(last_seq, int) or not 0 <= last_seq <= MAX_SEQ):
        return {"ok": False, "error": {"code": "invalid_type", "field": "last_seq", "message": "last_seq must be a non-negative integer"}}
    broadcast_id = data["broadcast_id"]
    if not 1 <= broadcast_id <= MAX_ID or db.session.get(Broadcast, broadcast_id) is None:
        db.session.rollback()
        return {"ok": False, "error": {"code": "not_found", "field": "broadcast_id", "message": "no such broadcast"}}
    sees_pii = bool(getattr(principal, "sees_pii", False))
    for pii in (True, False):
        leave_room(realtime.room_for(broadcast_id, pii))
    join_room(realtime.room_for(broadcast_id, sees_pii))
    if is_moderator(principal):  # every message with its decision, held and hidden ones included
        join_room(moderator_room(broadcast_id))
    else:
        leave_room(moderator_room(broadcast_id))
    if sees_pii:
        log_unmasked_view(db.session, principal, f"broadcast:{broadcast_id}", "socket")
    missed, truncated = ([], False)
    if last_seq is not None:
        missed, truncated = realtime.missed_since(db.session, broadcast_id, last_seq, current_app.config["CATCHUP_LIMIT"])
    seq = realtime.current_seq(db.session, broadcast_id)
    replay = [(m.event, m.payload) for m in missed]
    db.session.commit()
    # Too far behind to replay, or ahead of this server (its numbering is not ours: a restored database, another
    # broadcast's seq): the client reloads its snapshot instead. Seqs only grow, so "ahead" read now stays true.
    resync = truncated or (last_seq is not None and last_seq > seq)
    if resync:
        realtime.emit_one(broadcast_id, "resync", {"seq": seq}, to=request.sid, sees_pii=sees_pii)
    else:
        for event, payload in replay:
            realtime.emit_one(broadcast_id, event, payload, to=request.sid, sees_pii=sees_pii)
    return {"ok": True, "seq": seq, "replayed": 0 if resync else len(replay), "resync": resync}
