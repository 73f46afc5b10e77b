"""Moderating a run of consecutive chat events at once: decided in memory, stored with one statement per table.

Called by the ingestion (live/ingest/) for each run of chat events of a batch, after their event-log rows are
claimed. The decisions are those of taking the messages one at a time, in order (tests/integration/
test_chat_bulk.py compares the two over a generated corpus):

1. the viewers are touched with one upsert per statement shape (live.viewers.touch_viewers), so shield mode
   reads the same first-seen times, in one SELECT;
2. every message goes through the pure pipeline in order, under the broadcast's recent-chat lock held once: a
   sanction or an offence it earns is kept in memory, where the next messages of the run see it;
3. the messages are inserted with one multi-row INSERT (their ids returned with their event ids), then the
   offences and the sanctions, one statement each;
4. the pushes are queued message by message in the order one-at-a-time would queue them, with the same names
   and payloads; a raid hides the raiders' messages stored before the raiding one (earlier runs and earlier in
   this run: ``id <`` the raiding message's), as it did when each message was stored on its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import realtime
from app.db.bulk import execute_rows, insert_rows
from live.events import ParsedEvent
from live.models import Broadcast, Viewer
from live.moderation.caches import Settings, state
from live.moderation.models import ModeratedMessage, ModerationOffence, ViewerSanction
from live.moderation.push import moderator_room, queue_moderators
from live.moderation.queries import (
    host_message,
    message_to_dict,
    sanction_to_dict,
)
from live.moderation.rules import (
    ChatMessage,
    Decision,
    ModerationContext,
    TermMatcher,
    moderate,
    moderate_and_record,
)
from live.moderation.rules import reasons as codes
from live.moderation.service import (
    AUTO,
    batch_sanctions,
    batch_settings,
    in_force,
    message_values,
    under_sanction,
)
from live.viewers import touch_viewers

_MESSAGES = ModeratedMessage.__table__
_SANCTIONS = ViewerSanction.__table__
# One multi-row INSERT per run. The ids come back with what tells them apart (a run's event ids are distinct, and a
# message earns at most one sanction): asking for them in row order would cost one INSERT per row on SQLite.
_INSERT_MESSAGES = sa.insert(_MESSAGES).returning(_MESSAGES.c.id, _MESSAGES.c.event_id)
_INSERT_SANCTIONS = sa.insert(_SANCTIONS).returning(_SANCTIONS.c.id, _SANCTIONS.c.message_id)
# The run's reads, built once (building and caching a statement anew costs more than running it).
_OFFENCES = ModerationOffence.__table__
_OFFENCES_OF = sa.select(_OFFENCES.c.viewer_id, _OFFENCES.c.at).where(
    _OFFENCES.c.broadcast_id == sa.bindparam("broadcast_id"),
    _OFFENCES.c.viewer_id.in_(sa.bindparam("viewers", expanding=True)),
    _OFFENCES.c.at >= sa.bindparam("earliest"), _OFFENCES.c.at <= sa.bindparam("latest"))
_SANCTION_COLUMNS = ("viewer_id", "broadcast_id", "kind", "until", "reason", "actor", "at", "message_id")


@dataclass
class _Decided:
    """One message of the run: its stored values, its decision, and the sanction it earned (if any)."""

    values: dict
    decision: Decision
    sanction: ViewerSanction | None


def moderate_chat_run(session: Session, broadcast: Broadcast, events: list[ParsedEvent], now: datetime) -> list[dict]:
    """Return one {"action"} (plus "viewer_action" when one was applied) per chat event, in order, after moderating,
    storing and queueing the pushes of the whole run."""
    if not events:
        return []
    touch_viewers(session, broadcast.platform,
                  [(event.data["viewer_id"], event.data.get("nickname"), event.ts) for event in events])
    matcher, settings = batch_settings(session, broadcast.id)
    decided, offences = _decide_all(session, broadcast, events, matcher, settings)
    ids = {event_id: message_id for message_id, event_id in execute_rows(
        session, _INSERT_MESSAGES, [item.values for item in decided])}
    for item in decided:
        item.values["id"] = ids[item.values["event_id"]]
    insert_rows(session, ModerationOffence.__table__, [
        {"viewer_id": item.values["viewer_id"], "broadcast_id": broadcast.id, "at": item.values["at"],
         "codes": item.decision.codes, "message_id": item.values["id"]} for item in offences])
    _store_sanctions(session, [item for item in decided if item.sanction is not None])
    results, pushes = [], []
    moderators = moderator_room(broadcast.id)
    for item in decided:
        _message_pushes(pushes, broadcast.id, moderators, item)
        if item.decision.raid_viewer_ids:  # rare: queue what came before, so the raid's pushes follow in order
            realtime.queue_all(session, pushes)
            pushes = []
            hide_raid(session, broadcast.id, item.decision, item.values["at"], settings, now,
                      before_id=item.values["id"])
        result = {"action": item.decision.action}
        if item.sanction is not None:
            result["viewer_action"] = item.decision.viewer_action
        results.append(result)
    realtime.queue_all(session, pushes)
    return results


def _store_sanctions(session: Session, sanctioned: list[_Decided]) -> None:
    """Insert the run's new sanctions (each with the message that earned it) and give them their ids."""
    if not sanctioned:
        return
    by_message = {}
    for item in sanctioned:
        item.sanction.message_id = item.values["id"]
        by_message[item.values["id"]] = item.sanction
    rows = [{column: getattr(item.sanction, column) for column in _SANCTION_COLUMNS} for item in sanctioned]
    for sanction_id, message_id in execute_rows(session, _INSERT_SANCTIONS, rows):
        by_message[message_id].id = sanction_id


def _decide_all(session: Session, broadcast: Broadcast, events: list[ParsedEvent], matcher: TermMatcher,
                settings: Settings) -> tuple[list[_Decided], list[_Decided]]:
    """Return every message of the run decided in order (and those that are offences), nothing written yet."""
    first_seen = _first_seen(session, broadcast.platform, events) if settings.mode.shield else {}
    sanctions = batch_sanctions(session, broadcast.id, {event.data["viewer_id"] for event in events},
                                min(event.ts for event in events))
    policy, mode = settings.policy, settings.mode
    recent, lock = state().recent_chat(broadcast.id)
    offence_log = _Offences(session, broadcast.id, events, policy.escalation_window_s)
    decided: list[_Decided] = []
    offences: list[_Decided] = []
    broadcast_key = str(broadcast.id)
    with lock:  # RecentChat is not safe across OS threads (threading mode, tests)
        for event in events:
            data, at = event.data, event.ts
            viewer_id = data["viewer_id"]
            message = ChatMessage(data["text"], viewer_id, data.get("nickname") or "", broadcast_key, at,
                                  first_seen.get(viewer_id))
            mine = sanctions.get(viewer_id)
            sanction = in_force(mine, at) if mine else None
            context = ModerationContext(matcher, policy, mode, recent, offence_log.before(at))
            if sanction is not None:
                decision = under_sanction(moderate(message, context), sanction)
            else:
                decision = moderate_and_record(message, context)
            item = _Decided(message_values(broadcast.id, event.id, data, at, decision), decision, None)
            decided.append(item)
            if sanction is not None and sanction.kind == "ban":
                continue
            if decision.offence:
                offences.append(item)
                offence_log.add(viewer_id, at)
            if decision.viewer_action is not None:
                item.sanction = _new_sanction(broadcast.id, viewer_id, decision, at)
                sanctions.setdefault(viewer_id, []).append(item.sanction)
    return decided, offences


class _Offences:
    """The offence times of a run's viewers: those stored before the run (read in one SELECT, on the run's first
    offence) and the run's own so far, as the escalation ladder of each message asks for them."""

    def __init__(self, session: Session, broadcast_id: int, events: list[ParsedEvent], window_s: float) -> None:
        self.session, self.broadcast_id, self.events, self.window = session, broadcast_id, events, window_s
        self.times: dict[str, list[datetime]] | None = None

    def before(self, at: datetime):
        """Return the offences callable of a message at `at`: the viewer's offence times within the window before."""
        since = at - timedelta(seconds=self.window)

        def offences(viewer_id: str) -> list[datetime]:
            return [t for t in self._all().get(viewer_id, ()) if since <= t <= at]
        return offences

    def add(self, viewer_id: str, at: datetime) -> None:
        """Count an offence of this run (stored with the run's messages)."""
        self._all().setdefault(viewer_id, []).append(at)

    def _all(self) -> dict[str, list[datetime]]:
        if self.times is None:
            self.times = {}
            viewers = sorted({event.data["viewer_id"] for event in self.events})
            earliest = min(event.ts for event in self.events) - timedelta(seconds=self.window)
            latest = max(event.ts for event in self.events)
            for viewer_id, at in self.session.execute(_OFFENCES_OF, {
                    "broadcast_id": self.broadcast_id, "viewers": viewers, "earliest": earliest, "latest": latest}):
                self.times.setdefault(viewer_id, []).append(at)
        return self.times


def _first_seen(session: Session, platform: str, events: list[ParsedEvent]) -> dict[str, datetime]:
    """Return {viewer id: first seen} of the run's viewers (touched already), in one SELECT."""
    viewer_ids = sorted({event.data["viewer_id"] for event in events})
    return dict(session.execute(sa.select(Viewer.viewer_id, Viewer.first_seen_at).where(
        Viewer.platform == platform, Viewer.viewer_id.in_(viewer_ids))).all())


def _new_sanction(broadcast_id: int, viewer_id: str, decision: Decision, at: datetime) -> ViewerSanction:
    """Return the timeout or ban the escalation ladder (or a ban term) chose, not yet stored."""
    action = decision.viewer_action or {}
    kind = action["type"]
    until = at + timedelta(seconds=action["seconds"]) if kind == "timeout" else None
    return ViewerSanction(viewer_id=viewer_id, broadcast_id=broadcast_id, kind=kind, until=until,
                          reason=", ".join(decision.codes), actor=AUTO, at=at)


def _message_pushes(pushes: list, broadcast_id: int, moderators: str, item: _Decided) -> None:
    """Append one message's pushes (for realtime.queue_all) as storing it alone queued them: its sanction, the
    host's copy, the moderators' copy (the raid it may start follows)."""
    decision = item.decision
    if item.sanction is not None:
        pushes.append((moderators, None, "viewer.sanctioned", {"sanction": sanction_to_dict(item.sanction)}))
    full = message_to_dict(SimpleNamespace(**item.values))
    if item.values["status"] == "visible":
        pushes.append((None, broadcast_id, "chat.message", {"message": host_message(full)}))
    pushes.append((moderators, None, "chat.moderated", {
        "message": full, "suggest_shield": decision.suggest_shield, "viewer_action": decision.viewer_action}))


def hide_raid(session: Session, broadcast_id: int, decision: Decision, at: datetime, settings: Settings,
              now: datetime, before_id: int) -> None:
    """Hide the other raiders' recent visible messages with the same text stored before message before_id, taking
    them off the host's chat. A message carrying a purchase claim is never hidden by a raid (a moderator may)."""
    since = at - timedelta(seconds=settings.policy.raid_window_s)
    rows = session.scalars(sa.select(ModeratedMessage).where(
        ModeratedMessage.broadcast_id == broadcast_id, ModeratedMessage.viewer_id.in_(decision.raid_viewer_ids),
        ModeratedMessage.normalized == decision.normalized, ModeratedMessage.status == "visible",
        ModeratedMessage.at >= since, ModeratedMessage.id < before_id).order_by(ModeratedMessage.id)).all()
    for row in rows:
        if row.claim:
            continue
        row.status, row.decided_by, row.decided_at = "hidden", AUTO, now
        row.decision_reason = codes.SPAM_RAID
        realtime.queue(session, broadcast_id, "chat.hidden", {"message_id": row.id, "id": row.event_id})
        queue_moderators(session, broadcast_id, "chat.moderated", {"message": message_to_dict(row)})
