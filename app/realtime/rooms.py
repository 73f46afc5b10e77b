"""The /live Socket.IO namespace, its broadcast rooms, and emitting pushes to them (after the commit)."""
from __future__ import annotations

from app.extensions import socketio
from app.privacy import mask_payload

NAMESPACE = "/live"


def room_for(broadcast_id: int, sees_pii: bool) -> str:
    """Return the Socket.IO room of a broadcast for clients that see buyer data in full or masked."""
    return f"broadcast:{broadcast_id}:{'full' if sees_pii else 'masked'}"


def emit_all(messages: list[dict]) -> None:
    """Emit numbered pushes to the full and the masked room of their broadcast."""
    for message in messages:
        emit_one(message["broadcast_id"], message["event"], message["payload"])


def emit_one(broadcast_id: int, event: str, payload: dict, to: str | None = None, sees_pii: bool = False) -> None:
    """Emit one push to a broadcast's rooms, or only to one client (sid) with masking for its role."""
    if to is not None:
        socketio.emit(event, payload if sees_pii else mask_payload(payload), to=to, namespace=NAMESPACE)
        return
    socketio.emit(event, payload, to=room_for(broadcast_id, True), namespace=NAMESPACE)
    socketio.emit(event, mask_payload(payload), to=room_for(broadcast_id, False), namespace=NAMESPACE)


def emit_to_room(room: str, event: str, payload: dict) -> None:
    """Emit one push, as it is, to one named room of the namespace now."""
    socketio.emit(event, payload, to=room, namespace=NAMESPACE)
