"""Moderating chat on arrival: decide, store the message (never deleted), record offences and sanctions, push.

Called by the ingestion's chat handler inside the event's savepoint; the request commits. The host is sent
a message only when it is visible; the moderators are sent every message with its full decision.

The matcher, each broadcast's settings and its sanctions are read once per transaction (one ingest batch).
The spam windows live in process memory (live.moderation.caches); a batch retried after a deadlock
(app.db.transactions.run_with_retry) is recorded in them again, so a flood may count a message twice then.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from live.models import Broadcast, Viewer
from live.moderation.caches import Settings, state
from live.moderation.models import ModeratedMessage, ModerationOffence, ViewerSanction
from live.moderation.push import queue_moderators
from live.moderation.queries import host_message, message_to_dict, offence_times, sanction_to_dict
from live.moderation.rules import (ChatMessage, Decision, ModerationContext, Reason, TermMatcher, moderate,
    moderate_and_record)
from live.moderation.rules import reasons as codes
from live.moderation.settings import load_settings
from live.moderation.terms import current_matcher

AUTO = "auto"  # the actor of decisions and sanctions taken by the rules
STATUS_OF_ACTION = {"allow": "visible", "hide": "hidden", "hold": "held"}
_BATCH = "livedesk_moderation_batch"
# Core insert of a constant statement: compiled once, only the parameters change per message.
_INSERT_MESSAGE = sa.insert(ModeratedMessage.__table__).returning(ModeratedMessage.__table__.c.id)
_SANCTION_LOOKBACK = timedelta(days=1)  # how far before a batch's first message a timeout's end is looked for


@dataclass
class _Batch:
    """What one transaction (one ingest batch) reads once: the matcher, settings and sanctions per broadcast."""

    transaction: object
    matcher: TermMatcher
    settings: dict[int, Settings] = field(default_factory=dict)
    sanctions: dict[int, dict[str, list[ViewerSanction]]] = field(default_factory=dict)


def _batch(session: Session) -> _Batch:
    """Return the current transaction's batch cache, starting a new one with each transaction."""
    root = realtime.current_session(session).get_transaction()
    cached = session.info.get(_BATCH)
    if cached is None or cached.transaction is not root:
        cached = session.info[_BATCH] = _Batch(root, current_matcher(session))
    return cached


def _sanctions(session: Session, batch: _Batch, broadcast_id: int, at: datetime) -> dict[str, list[ViewerSanction]]:
    """Return the broadcast's unlifted sanctions (its own and global ones) by viewer, read once per batch."""
    found = batch.sanctions.get(broadcast_id)
    if found is None:
        found = batch.sanctions[broadcast_id] = {}
        for sanction in session.scalars(sa.select(ViewerSanction).where(
                sa.or_(ViewerSanction.broadcast_id == broadcast_id, ViewerSanction.broadcast_id.is_(None)),
                ViewerSanction.lifted_at.is_(None),
                sa.or_(ViewerSanction.until.is_(None), ViewerSanction.until > at - _SANCTION_LOOKBACK))):
            found.setdefault(sanction.viewer_id, []).append(sanction)
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


def moderate_chat(session: Session, broadcast: Broadcast, event_id: str, data: dict, at: datetime,
                  now: datetime) -> dict:
    """Return {"action"} (plus "viewer_action" when one was applied) after moderating and storing a chat message."""
    batch = _batch(session)
    settings = batch.settings.get(broadcast.id)
    if settings is None:
        settings = batch.settings[broadcast.id] = load_settings(session, broadcast.id)
    viewer_id = data["viewer_id"]
    first_seen = None
    if settings.mode.shield:  # only shield mode looks at how new a viewer is
        first_seen = session.scalar(sa.select(Viewer.first_seen_at).where(
            Viewer.platform == broadcast.platform, Viewer.viewer_id == viewer_id))
    message = ChatMessage(data["text"], viewer_id, data.get("nickname") or "", str(broadcast.id), at, first_seen)
    sanctions = _sanctions(session, batch, broadcast.id, at)
    sanction = in_force(sanctions.get(viewer_id, ()), at)
    decision = _decide(session, broadcast.id, message, batch.matcher, settings, sanction)
    values = _store(session, broadcast.id, event_id, data, at, decision)
    applied = None
    if not (sanction is not None and sanction.kind == "ban"):
        if decision.offence:
            session.execute(sa.insert(ModerationOffence).values(
                viewer_id=viewer_id, broadcast_id=broadcast.id, at=at, codes=decision.codes, message_id=values.id))
        if decision.viewer_action is not None:
            applied = _sanction(session, broadcast.id, viewer_id, decision, at, values.id)
            sanctions.setdefault(viewer_id, []).append(applied)
    full = message_to_dict(values)
    if values.status == "visible":
        realtime.queue(session, broadcast.id, "chat.message", {"message": host_message(full)})
    queue_moderators(session, broadcast.id, "chat.moderated", {
        "message": full, "suggest_shield": decision.suggest_shield, "viewer_action": decision.viewer_action})
    if decision.raid_viewer_ids:
        _hide_raid(session, broadcast.id, decision, at, settings, now)
    result = {"action": decision.action}
    if applied is not None:
        result["viewer_action"] = decision.viewer_action
    return result


def _decide(session: Session, broadcast_id: int, message: ChatMessage, matcher, settings: Settings,
            sanction: ViewerSanction | None) -> Decision:
    """Return the pipeline's decision; a sanctioned viewer's message is not counted in the spam windows."""
    recent, lock = state().recent_chat(broadcast_id)
    window = settings.policy.escalation_window_s
    context = ModerationContext(matcher, settings.policy, settings.mode, recent,
                                lambda viewer: offence_times(session, broadcast_id, viewer, message.at, window))
    with lock:  # RecentChat is not safe across OS threads (threading mode, tests)
        if sanction is not None:
            return under_sanction(moderate(message, context), sanction)
        return moderate_and_record(message, context)


def storable(text: str | None) -> str | None:
    """Return text with NUL characters replaced by U+FFFD: PostgreSQL text cannot hold NUL, and one hostile
    message must not fail its whole batch (the event log keeps the original, byte for byte)."""
    return text.replace("\x00", "\ufffd") if text and "\x00" in text else text


def _store(session: Session, broadcast_id: int, event_id: str, data: dict, at: datetime,
           decision: Decision) -> SimpleNamespace:
    """Insert the message with its decision and return its stored values (with id)."""
    values = {
        "broadcast_id": broadcast_id, "event_id": event_id, "viewer_id": data["viewer_id"],
        "nickname": storable(data.get("nickname")), "text": storable(data["text"]),
        "normalized": storable(decision.normalized),
        "action": decision.action, "status": STATUS_OF_ACTION[decision.action],
        "reasons": [r.as_dict() for r in decision.reasons],
        "claim": decision.claim.as_dict() if decision.claim else None, "is_question": decision.is_question,
        "at": at, "decided_by": None, "decided_at": None, "decision_reason": None,
    }
    values["id"] = session.connection().execute(_INSERT_MESSAGE, values).scalar_one()
    return SimpleNamespace(**values)


def _sanction(session: Session, broadcast_id: int, viewer_id: str, decision: Decision, at: datetime,
              message_id: int) -> ViewerSanction:
    """Store the timeout or ban the escalation ladder (or a ban term) chose, and tell the moderators."""
    action = decision.viewer_action or {}
    kind = action["type"]
    until = at + timedelta(seconds=action["seconds"]) if kind == "timeout" else None
    sanction = ViewerSanction(viewer_id=viewer_id, broadcast_id=broadcast_id, kind=kind, until=until,
                              reason=", ".join(decision.codes), actor=AUTO, at=at, message_id=message_id)
    session.add(sanction)
    session.flush()
    queue_moderators(session, broadcast_id, "viewer.sanctioned", {"sanction": sanction_to_dict(sanction)})
    return sanction


def _hide_raid(session: Session, broadcast_id: int, decision: Decision, at: datetime, settings: Settings,
               now: datetime) -> None:
    """Hide the other raiders' recent visible messages with the same text, taking them off the host's chat.

    A message carrying a purchase claim is never hidden by a raid (a moderator may still hide it by hand).
    """
    since = at - timedelta(seconds=settings.policy.raid_window_s)
    rows = session.scalars(sa.select(ModeratedMessage).where(
        ModeratedMessage.broadcast_id == broadcast_id, ModeratedMessage.viewer_id.in_(decision.raid_viewer_ids),
        ModeratedMessage.normalized == decision.normalized, ModeratedMessage.status == "visible",
        ModeratedMessage.at >= since)).all()
    for row in rows:
        if row.claim:
            continue
        row.status, row.decided_by, row.decided_at = "hidden", AUTO, now
        row.decision_reason = codes.SPAM_RAID
        realtime.queue(session, broadcast_id, "chat.hidden", {"message_id": row.id, "id": row.event_id})
        queue_moderators(session, broadcast_id, "chat.moderated", {"message": message_to_dict(row)})
