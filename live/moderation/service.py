"""What moderating chat on arrival reads once per batch, and the decision and stored values of one message.

The ingestion moderates each run of consecutive chat events of a batch at once (live.moderation.run); the request
commits. The host is sent a message only when it is visible; the moderators are sent every message with its full
decision. Messages are never deleted.

The matcher, each broadcast's settings and its sanctions are read once per transaction (one ingest batch).
The spam windows live in process memory (live.moderation.caches); a batch retried after a deadlock
(app.db.transactions.run_with_retry) is recorded in them again, so a flood may count a message twice then.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from app.db.reads import read_tables
from live.moderation.caches import Settings
from live.moderation.models import ViewerSanction
from live.moderation.rules import Decision, Reason, TermMatcher
from live.moderation.rules import reasons as codes
from live.moderation.settings import load_settings
from live.moderation.terms import current_matcher

AUTO = "auto"  # the actor of decisions and sanctions taken by the rules
STATUS_OF_ACTION = {"allow": "visible", "hide": "hidden", "hold": "held"}
_BATCH = "livedesk_moderation_batch"
# Read once per chat run, so built once (building and caching a statement anew costs more than running it).
# What deciding needs of each (viewer, kind, until), from the table: a Core read costs about half loading objects.
_SANCTIONS = ViewerSanction.__table__
_UNLIFTED = sa.select(_SANCTIONS.c.viewer_id, _SANCTIONS.c.kind, _SANCTIONS.c.until).where(
    _SANCTIONS.c.viewer_id.in_(sa.bindparam("viewers", expanding=True)),
    sa.or_(_SANCTIONS.c.broadcast_id == sa.bindparam("broadcast_id"), _SANCTIONS.c.broadcast_id.is_(None)),
    _SANCTIONS.c.lifted_at.is_(None),
    sa.or_(_SANCTIONS.c.until.is_(None), _SANCTIONS.c.until > sa.bindparam("since")))


@dataclass
class _Batch:
    """What one transaction (one ingest batch) reads once: the matcher, settings and sanctions per broadcast."""

    transaction: object
    matcher: TermMatcher
    settings: dict[int, Settings] = field(default_factory=dict)
    sanctions: dict[int, dict[str, list[ViewerSanction]]] = field(default_factory=dict)  # by broadcast, viewer
    sanctions_since: dict[int, datetime] = field(default_factory=dict)  # by broadcast: the earliest end read


def _batch(session: Session) -> _Batch:
    """Return the current transaction's batch cache, starting a new one with each transaction."""
    root = realtime.current_session(session).get_transaction()
    cached = session.info.get(_BATCH)
    if cached is None or cached.transaction is not root:
        cached = session.info[_BATCH] = _Batch(root, current_matcher(session))
    return cached


def batch_settings(session: Session, broadcast_id: int) -> tuple[TermMatcher, Settings]:
    """Return the matcher and the broadcast's settings, read once per transaction."""
    batch = _batch(session)
    settings = batch.settings.get(broadcast_id)
    if settings is None:
        settings = batch.settings[broadcast_id] = load_settings(session, broadcast_id)
    return batch.matcher, settings


def batch_sanctions(session: Session, broadcast_id: int, viewer_ids: set[str],
                    at: datetime) -> dict[str, list[ViewerSanction]]:
    """Return {viewer: unlifted sanctions} in the broadcast (its own and global ones) for at least viewer_ids, each
    viewer's read once per transaction, in one SELECT for those not read yet. A sanction read is a row of its
    viewer_id, kind and until (what in_force and under_sanction read); those the caller appends are records.

    at is the earliest chat message of the caller's run: a timeout that ended by then is in force for none of its
    messages, so it is not read (in a long broadcast most of a viewer's timeouts are over). A later run of the same
    transaction with an earlier message reads its viewers again from there. The caller appends the sanctions it
    takes, so later messages of the run see them, and stores them before its next run.
    """
    batch = _batch(session)
    since = batch.sanctions_since.get(broadcast_id)
    if since is None or at < since:
        batch.sanctions[broadcast_id] = {}
        batch.sanctions_since[broadcast_id] = since = at
    found = batch.sanctions[broadcast_id]
    missing = sorted(viewer for viewer in viewer_ids if viewer not in found)
    if missing:
        for viewer in missing:
            found[viewer] = []
        for sanction in read_tables(session, _UNLIFTED, {"viewers": missing, "broadcast_id": broadcast_id,
                                                    "since": since}):
            found[sanction.viewer_id].append(sanction)
    return found


def in_force(sanctions: list[ViewerSanction], at: datetime) -> ViewerSanction | None:
    """Return the sanction in force at `at` among a viewer's unlifted ones (a ban before a timeout), or None."""
    best = None
    for sanction in sanctions:
        if sanction.until is None:
            return sanction
        if sanction.until > at and (best is None or sanction.until > best.until):
            best = sanction
    return best


def under_sanction(decision: Decision, sanction: ViewerSanction) -> Decision:
    """Return the decision for a message sent while its viewer is timed out or banned: hidden, claims held."""
    if sanction.kind == "ban":
        reason = Reason(codes.VIEWER_BAN, "viewer is banned", None, "viewer_banned")
    else:
        until = sanction.until.isoformat()
        reason = Reason(codes.VIEWER_TIMEOUT, f"viewer is timed out until {until}", None, "timed_out_until",
                        {"until": until})
    reasons = decision.reasons + (reason,)
    if decision.claim is None:
        return decision._replace(action="hide", reasons=reasons)
    if codes.CLAIM_HELD not in decision.codes:
        reasons += (codes.CLAIM_HELD_REASON,)
    return decision._replace(action="hold", reasons=reasons)


def storable(text: str | None) -> str | None:
    """Return text with NUL characters replaced by U+FFFD: PostgreSQL text cannot hold NUL, and one hostile
    message must not fail its whole batch (the event log keeps the original, byte for byte)."""
    return text.replace("\x00", "\ufffd") if text and "\x00" in text else text


def message_values(broadcast_id: int, event_id: str, data: dict, at: datetime, decision: Decision) -> dict:
    """Return the chat_messages row of a message with its decision (no id yet)."""
    return {
        "broadcast_id": broadcast_id, "event_id": event_id, "viewer_id": data["viewer_id"],
        "nickname": storable(data.get("nickname")), "text": storable(data["text"]),
        "normalized": storable(decision.normalized),
        "action": decision.action, "status": STATUS_OF_ACTION[decision.action],
        "reasons": [r.as_dict() for r in decision.reasons],
        "claim": decision.claim.as_dict() if decision.claim else None, "is_question": decision.is_question,
        "at": at, "decided_by": None, "decided_at": None, "decision_reason": None,
    }
