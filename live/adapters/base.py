"""The contract between LiveDesk and a platform adapter module.

Each platform module (``live/adapters/<platform>.py``) is pure: it checks a signature, splits a request
body into messages and maps one message to LiveDesk v1 events. It exposes::

    PLATFORM: str
    def verify(headers: Mapping[str, str], body: bytes, connection: Connection) -> bool
        # False -> 401, nothing stored
    def split(headers: Mapping[str, str], body: bytes) -> list[InboundMessage]
        # pure; raises AdapterError for a malformed body (-> 400, nothing stored)
    def to_events(message: InboundMessage, connection: Connection, details: DetailClient | None) -> list[dict]
        # v1 events; [] = ignored (logged as such, still acknowledged); clients.push.ignored(...) returns
        # an empty list that carries the reason, kept on the message's inbox row
    def ack(ok: bool) -> tuple[object, int]
        # the response body and status the platform expects
    def detail_client(connection: Connection, config: Mapping) -> DetailClient | None
        # None when the platform sends full data (processed in the request);
        # otherwise messages are processed by the inbox worker

``REQUIRED_ATTRIBUTES`` lists these names; the registry checks a module has them before using it.
A module may also expose (``OPTIONAL_ATTRIBUTES``)::

    def sample_request(connection: Connection, now: datetime) -> tuple[dict[str, str], bytes]
        # headers (signed with connection.secrets[0] as the platform would) and a body of one harmless
        # sample message: the connection page's "Send test payload" button posts it through the real path
    def ends_broadcast(message: InboundMessage, connection: Connection) -> datetime | None
        # the platform's time when the message says the stream ended (the connection's broadcast is ended)
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Connection:
    """What an adapter sees of a platform connection (never the database row itself)."""

    name: str
    platform: str
    shop_id: str | None
    broadcast_id: int
    app_key: str | None
    secrets: tuple[str, ...]  # current first, then previous ones during rotation
    settings: Mapping[str, Any] = field(default_factory=dict)  # e.g. detail API base URL, platform zone


@dataclass(frozen=True)
class InboundMessage:
    """One message of a platform request: its id (for dedupe, platforms redeliver), kind and decoded payload."""

    message_id: str  # the platform's id, for dedupe (platforms redeliver)
    kind: str  # tag / type / event name
    payload: Mapping[str, Any]  # decoded (data-as-JSON-string fields already decoded)


class AdapterError(Exception):
    """A malformed platform body: answered 400 with ``{"error": {code, field, message}}``, nothing stored."""

    def __init__(self, code: str, field: str | None, message: str):
        """Keep the API error triple."""
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message

    def as_dict(self) -> dict:
        """Return the ``{"error": {...}}`` body of this error."""
        return {"error": {"code": self.code, "field": self.field, "message": self.message}}


class DetailClient(Protocol):
    """A client for a platform's detail API (commerce platforms send thin notifications).

    Concrete clients live in ``live/adapters/clients/``; this protocol only names the type.
    """


REQUIRED_ATTRIBUTES: tuple[str, ...] = ("PLATFORM", "verify", "split", "to_events", "ack", "detail_client")
OPTIONAL_ATTRIBUTES: tuple[str, ...] = ("sample_request", "ends_broadcast")

# Message ids and kinds are stored in bounded columns.
MAX_MESSAGE_ID = 128
MAX_KIND = 64
