"""The /live Socket.IO namespace: authenticated connect, `join` a broadcast room, catch up on missed pushes."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from app import realtime
from app.auth import tokens
from app.auth.models import User
from app.auth.pii import log_unmasked_view
from app.extensions import db, socketio
from live.models import Broadcast
from live.moderation.push import is_moderator, moderator_room

NAMESPACE = realtime.NAMESPACE
# sid -> who is on that socket: ("user", user id) or ("token", token id).
_principals: dict[str, tuple[str, int]] = {}


def _current_principal():
    """Return the User or ApiToken behind this socket, re-read now so role changes and revocations apply."""
    kind, ident = _principals.get(request.sid, (None, None))
    if kind == "user":
        return db.session.get(User, ident)
    if kind == "token":
        token = db.session.get(tokens.ApiToken, ident)
        return token if token is not None and token.revoked_at is None else None
    return None


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth=None):
    """Browser (session cookie) or wall display (auth={"token"}) connects; anyone else is refused."""
    if current_user.is_authenticated:
        _principals[request.sid] = ("user", current_user.id)
        return True
    raw = auth.get("token") if isinstance(auth, dict) else None
    token = tokens.find_token(db.session, raw) if isinstance(raw, str) else None
    db.session.rollback()
    if token is None:
        raise ConnectionRefusedError("unauthorized")
    _principals[request.sid] = ("token", token.id)
    return True


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_reason):
    """Forget the socket's principal when the client goes away."""
    _principals.pop(request.sid, None)


@socketio.on("join", namespace=NAMESPACE)
def on_join(data):
    """Client asks for a broadcast's pushes (and, with last_seq, what it missed); the ack says the outcome."""
    principal = _current_principal()
    if principal is None:
        return {"ok": False, "error": {"code": "unauthenticated", "message": "log in again"}}
    if not isinstance(data, dict) or isinstance(data.get("broadcast_id"), bool) or not isinstance(data.get("broadcast_id"), int):
        return {"ok": False, "error": {"code": "invalid_type", "field": "broadcast_id", "message": "broadcast_id must be an integer"}}
    last_seq = data.get("last_seq")
    if last_seq is not None and (isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0):
        return {"ok": False, "error": {"code": "invalid_type", "field": "last_seq", "message": "last_seq must be a non-negative integer"}}
    broadcast_id = data["broadcast_id"]
    if db.session.get(Broadcast, broadcast_id) is None:
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
    if truncated:
        # Too far behind to replay: the client reloads its snapshot instead.
        realtime.emit_one(broadcast_id, "resync", {"seq": seq}, to=request.sid, sees_pii=sees_pii)
    else:
        for event, payload in replay:
            realtime.emit_one(broadcast_id, event, payload, to=request.sid, sees_pii=sees_pii)
    return {"ok": True, "seq": seq, "replayed": 0 if truncated else len(replay), "resync": truncated}
