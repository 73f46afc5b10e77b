"""One claim per comment, whichever comes first: the chat message or the platform order that names it.

The chat path (a draft for the comment) and the order path (complete the comment's draft, or link its claim) each
look for the other's row before writing their own. On PostgreSQL two transactions could both look before either
commits, so both take a transaction-scoped advisory lock per (broadcast, comment) first; SQLite runs one writer
at a time (an ingest batch writes its event log first, so it holds the write lock before it looks).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

_LOCK = sa.text("SELECT pg_advisory_xact_lock(key) FROM unnest(CAST(:keys AS bigint[])) AS key ORDER BY key")


def comment_key(broadcast_id: int, comment_id: str) -> int:
    """Return the signed 64-bit advisory lock key of a broadcast's comment."""
    digest = hashlib.sha256(f"claim:{broadcast_id}:{comment_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_comments(session: Session, broadcast_id: int, comment_ids: Iterable[str | None]) -> None:
    """Hold the comments' locks until the transaction ends (PostgreSQL; in sorted order, so no two batches deadlock)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({comment_key(broadcast_id, comment_id) for comment_id in comment_ids if comment_id})
    if keys:
        session.execute(_LOCK, {"keys": keys})
