"""The reference for chat ingestion: each chat event logged, moderated, stored and pushed alone, in its own savepoint.

This is the path chat took before runs (live/moderation/run.py): one event-log INSERT, one viewer upsert, one
message INSERT, one offence and sanction INSERT and one raid query per message, and then its claim taken alone
(one claim INSERT, one query for an order naming the comment, its draft's rows one statement each: take_claim, as
orders/claims/drafts.py had it before orders/claims/run.py), as it was written then; the batch's order and claim
pushes queued at its end as live/ingest/ queues them. tests/integration/test_chat_bulk.py feeds the same events to
both and compares results, rows and pushes.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app import realtime
from app.db.bulk import insert_ignoring, insert_rows
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
from orders import history
from orders.claims import drafts
from orders.claims.line import claimed_context, take_place
from orders.claims.lineup import batch_lineup, batch_policy
from orders.claims.locks import lock_comments
from orders.claims.models import ChatClaim
from orders.claims.push import queue_claim_counts
from orders.claims.resolve import ClaimRequest, resolve
from orders.claims.status import claim_status
from orders.models import Order, OrderFinding
from orders.notices.service import PendingNotice, queue_notices
from orders.push import queue_order_changes

_SANCTIONS = "chat_oracle_sanctions"
_CLAIMS = ChatClaim.__table__


def ingest_chat_one_by_one(session: Session, broadcast: Broadcast, source: str, raw_events: list,
                           now: datetime) -> list[dict]:
    """Return one result per raw chat event after taking each alone, as ingestion did before chat runs."""
    window = event_window(broadcast.started_at, broadcast.ended_at, now)
    results = []
    changes: dict[int, tuple] = {}
    stock_skus: set[str] = set()
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
        claimed, outcome = _claim(session, broadcast, event, fields, now)
        results.append({"id": event.id, "status": "accepted"} | fields | claimed)
        if outcome is not None:
            _collect(changes, outcome.order, outcome.created)
            for other in outcome.also_changed:
                _collect(changes, other, False)
            stock_skus.update(outcome.stock_skus)
    if any("claim" in result for result in results):
        queue_claim_counts(session, broadcast.id)
    if changes:
        queue_order_changes(session, list(changes.values()), stock_skus)
    return results


def _collect(changes: dict[int, tuple], order, created: bool) -> None:
    """Keep one push per order per batch: created wins over updated, the latest state is sent."""
    if order is not None:
        changes[order.id] = (order, created or changes.get(order.id, (None, False))[1])


def _claim(session: Session, broadcast: Broadcast, event, fields: dict, now: datetime) -> tuple[dict, object]:
    """Return ({"claim": ...}, outcome) when the message's claim was taken, else ({}, None)."""
    terms = claim_terms(event.data["text"])
    if terms is None:
        return {}, None
    comment = drafts.Comment(broadcast.id, event.id, event.data["viewer_id"], event.data.get("nickname"),
                             event.data["text"].replace("\x00", "\ufffd"), event.ts)
    outcome = take_claim(session, comment, ClaimRequest(terms.link, terms.words, terms.qty, terms.numbers, terms.qty_from_number), fields["action"], now)
    return ({}, None) if outcome is None else ({"claim": drafts.claim_result(outcome)}, outcome)


def take_claim(session: Session, comment, request: ClaimRequest, moderation_action: str, now: datetime):
    """Return what a claim did after storing it, or None when this comment's claim was taken already."""
    policy = batch_policy(session, comment.broadcast_id)
    resolution = resolve(request, batch_lineup(session, comment.broadcast_id), policy.max_qty)
    reason = resolution.reason or drafts.MODERATION_REASONS.get(moderation_action)
    lock_comments(session, comment.broadcast_id, [comment.comment_id])
    row = {"broadcast_id": comment.broadcast_id, "comment_id": comment.comment_id, "viewer_id": comment.viewer_id,
           "nickname": comment.nickname, "text": comment.text, "at": comment.at, "link": request.link,
           "product_sku": resolution.product_sku, "variant_sku": resolution.variant_sku, "qty": resolution.qty,
           "reason": reason, "order_pk": None, "ordered_at": None, "created_at": comment.at}
    claim_pk = session.execute(insert_ignoring(session, _CLAIMS, ("broadcast_id", "comment_id"), returning=("id",)),
                               row).scalar()
    if claim_pk is None:
        return None
    claim = {"id": claim_pk, "comment_id": comment.comment_id, "reason": reason,
             "status": claim_status(reason, None, None)}
    existing = session.scalar(sa.select(Order).where(
        Order.broadcast_id == comment.broadcast_id, Order.comment_id == comment.comment_id,
        Order.status != "claimed").order_by(Order.id).limit(1).options(selectinload(Order.lines)))
    if existing is not None:
        return drafts.join_order(session, claim, existing, now)
    if reason or policy.mode == "off":
        return drafts.ClaimOutcome(claim)
    order = drafts.new_draft(session, comment, resolution, batch_lineup(session, comment.broadcast_id), now)
    bumped = take_place(session, order, now, policy.hold_minutes)
    session.execute(sa.update(_CLAIMS).where(_CLAIMS.c.id == claim_pk).values(order_pk=order.id))
    history.status_changed(session, order, "claimed", reason=None if order.stock_reserved else "waiting for stock")
    queue_notices(session, [PendingNotice(order.id, order.order_id, order.buyer_id, "claimed",
                                          claimed_context(order, policy.hold_minutes))], now)
    findings = drafts.buyer_finding_rows(order, now)
    insert_rows(session, OrderFinding.__table__, findings)
    claim["order_id"], claim["status"] = order.order_id, "claimed"
    return drafts.ClaimOutcome(claim, drafts.pushed_draft(order, comment, findings), True, bumped,
                               sorted({resolution.sku}))


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
