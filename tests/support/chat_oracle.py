"""The reference for chat ingestion: each chat event logged, moderated, stored and pushed alone, in its own savepoint.

This is the path chat took before runs (live/moderation/run.py): one event-log INSERT, one viewer upsert, one
message INSERT, one offence and sanction INSERT and one raid query per message, as it was written then.
tests/integration/test_chat_bulk.py feeds the same events to both and compares results, rows and pushes.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import realtime
from live.events import EventError, event_window, parse_event, to_json
from live.models import Broadcast, EventLog, Viewer
from live.moderation.caches import state
from live.moderation.models import ModeratedMessage, ModerationOffence, ViewerSanction
from live.moderation.push import queue_moderators
from live.moderation.queries import (
    host_message,
    message_to_dict,
    offence_times,
    sanction_to_dict,
)
from live.moderation.rules import (
    ChatMessage,
    ModerationContext,
    moderate,
    moderate_and_record,
)
from live.moderation.rules import reasons as codes
from live.moderation.rules.claims import claim_terms
from live.moderation.service import (
    AUTO,
    batch_settings,
    in_force,
    message_values,
    under_sanction,
)
from live.viewers import touch_viewer
from orders.claims import drafts as claims
from orders.claims.resolve import ClaimRequest

_SANCTIONS = "chat_oracle_sanctions"


def ingest_chat_one_by_one(session: Session, broadcast: Broadcast, source: str, raw_events: list,
                           now: datetime) -> list[dict]:
    """Return one result per raw chat event after taking each alone, as ingestion did before chat runs."""
    window = event_window(broadcast.started_at, broadcast.ended_at, now)
    results = []
    for raw in raw_events:
        event = parse_event(raw, window)
        assert not isinstance(event, EventError) and event.type == "chat", event
        savepoint = session.begin_nested()
        try:
            session.execute(sa.insert(EventLog).values(
                broadcast_id=broadcast.id, source=source, event_id=event.id, type=event.type, ts=event.ts,
                received_at=now, viewer_id=event.data.get("viewer_id"), order_id=None, sku=None,
                payload=to_json(event)))
        except IntegrityError:
            savepoint.rollback()
            results.append({"id": event.id, "status": "duplicate"})
            continue
        touch_viewer(session, broadcast.platform, event.data["viewer_id"], event.data.get("nickname"), event.ts)
        fields = moderate_one(session, broadcast, event.id, event.data, event.ts, now)
        savepoint.commit()
        results.append({"id": event.id, "status": "accepted"} | fields | _claim(session, broadcast, event, fields, now))
    return results


def _claim(session: Session, broadcast: Broadcast, event, fields: dict, now: datetime) -> dict:
    """Return {"claim": ...} when the message's claim was taken, else {}."""
    terms = claim_terms(event.data["text"])
    if terms is None:
        return {}
    comment = claims.Comment(broadcast.id, event.id, event.data["viewer_id"], event.data.get("nickname"),
                             event.data["text"].replace("\x00", "\ufffd"), event.ts)
    outcome = claims.take_claim(session, comment, ClaimRequest(terms.link, terms.words, terms.qty), fields["action"], now)
    return {} if outcome is None else {"claim": claims.claim_result(outcome)}


def _sanctions(session: Session, broadcast_id: int, at: datetime) -> dict[str, list[ViewerSanction]]:
    """Return every unlifted sanction of the broadcast by viewer, read once per transaction (as before runs)."""
    root = realtime.current_session(session).get_transaction()
    transaction, cache = session.info.get(_SANCTIONS, (None, None))
    if transaction is not root:
        cache = {}
        session.info[_SANCTIONS] = (root, cache)
    if broadcast_id not in cache:
        found = cache[broadcast_id] = {}
        for sanction in session.scalars(sa.select(ViewerSanction).where(
                sa.or_(ViewerSanction.broadcast_id == broadcast_id, ViewerSanction.broadcast_id.is_(None)),
                ViewerSanction.lifted_at.is_(None),
                sa.or_(ViewerSanction.until.is_(None), ViewerSanction.until > at - timedelta(days=1)))):
            found.setdefault(sanction.viewer_id, []).append(sanction)
    return cache[broadcast_id]


def moderate_one(session: Session, broadcast: Broadcast, event_id: str, data: dict, at: datetime,
                 now: datetime) -> dict:
    """Return {"action"} (plus "viewer_action" when one was applied) after moderating and storing one message."""
    matcher, settings = batch_settings(session, broadcast.id)
    viewer_id = data["viewer_id"]
    first_seen = None
    if settings.mode.shield:
        first_seen = session.scalar(sa.select(Viewer.first_seen_at).where(
            Viewer.platform == broadcast.platform, Viewer.viewer_id == viewer_id))
    message = ChatMessage(data["text"], viewer_id, data.get("nickname") or "", str(broadcast.id), at, first_seen)
    sanctions = _sanctions(session, broadcast.id, at)
    sanction = in_force(sanctions.get(viewer_id, ()), at)
    recent, lock = state().recent_chat(broadcast.id)
    window = settings.policy.escalation_window_s
    context = ModerationContext(matcher, settings.policy, settings.mode, recent,
                                lambda viewer: offence_times(session, broadcast.id, viewer, at, window))
    with lock:
        decision = (under_sanction(moderate(message, context), sanction) if sanction is not None
                    else moderate_and_record(message, context))
    values = message_values(broadcast.id, event_id, data, at, decision)
    values["id"] = session.execute(sa.insert(ModeratedMessage).values(values).returning(ModeratedMessage.id)).scalar_one()
    applied = None
    if not (sanction is not None and sanction.kind == "ban"):
        if decision.offence:
            session.execute(sa.insert(ModerationOffence).values(
                viewer_id=viewer_id, broadcast_id=broadcast.id, at=at, codes=decision.codes, message_id=values["id"]))
        if decision.viewer_action is not None:
            action = decision.viewer_action
            until = at + timedelta(seconds=action["seconds"]) if action["type"] == "timeout" else None
            applied = ViewerSanction(viewer_id=viewer_id, broadcast_id=broadcast.id, kind=action["type"], until=until,
                                     reason=", ".join(decision.codes), actor=AUTO, at=at, message_id=values["id"])
            session.add(applied)
            session.flush()
            queue_moderators(session, broadcast.id, "viewer.sanctioned", {"sanction": sanction_to_dict(applied)})
            sanctions.setdefault(viewer_id, []).append(applied)
    full = message_to_dict(SimpleNamespace(**values))
    if values["status"] == "visible":
        realtime.queue(session, broadcast.id, "chat.message", {"message": host_message(full)})
    queue_moderators(session, broadcast.id, "chat.moderated", {
        "message": full, "suggest_shield": decision.suggest_shield, "viewer_action": decision.viewer_action})
    if decision.raid_viewer_ids:
        since = at - timedelta(seconds=settings.policy.raid_window_s)
        for row in session.scalars(sa.select(ModeratedMessage).where(
                ModeratedMessage.broadcast_id == broadcast.id,
                ModeratedMessage.viewer_id.in_(decision.raid_viewer_ids),
                ModeratedMessage.normalized == decision.normalized, ModeratedMessage.status == "visible",
                ModeratedMessage.at >= since).order_by(ModeratedMessage.id)):
            if row.claim:
                continue
            row.status, row.decided_by, row.decided_at, row.decision_reason = "hidden", AUTO, now, codes.SPAM_RAID
            realtime.queue(session, broadcast.id, "chat.hidden", {"message_id": row.id, "id": row.event_id})
            queue_moderators(session, broadcast.id, "chat.moderated", {"message": message_to_dict(row)})
    result = {"action": decision.action}
    if applied is not None:
        result["viewer_action"] = decision.viewer_action
    return result
