"""Taking a run's chat claims at once: the claims of consecutive chat messages stored with one INSERT, the orders
naming their comments read with one SELECT, and the rows their drafts add written with one statement per table.

Called by live ingestion (live/ingest/) after a run of chat events is moderated. The outcomes, rows and pushes are
those of taking each claim alone, in order (tests/integration/test_chat_bulk.py compares the two):

1. every claim is resolved against the line-up and the claim policy, both read once per transaction
   (orders/claims/lineup.py), and the comments' locks are taken in one statement (PostgreSQL);
2. the claims are inserted with one multi-row INSERT … ON CONFLICT DO NOTHING (the ids come back with their
   comment ids, in row order as one-at-a-time gave them): a comment claimed already gets no outcome;
3. one SELECT finds, for the new claims, the platform orders that named their comments first;
4. each claim is then settled in order: linked to that order, left as it is (unresolved, or claims are off), or
   made a draft that takes its place in line (drafts are inserted one by one: a draft's place depends on the
   stock the drafts before it took). The drafts' links, notices and findings are written with one statement
   each, at the end or before a claim that joins an order (its review may read and write the same tables).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.db.bulk import execute_rows, insert_rows
from app.db.conflicts import insert_ignoring_conflicts
from app.db.reads import read_tables
from orders import history
from orders.claims.drafts import (
    MODERATION_REASONS,
    ClaimOutcome,
    Comment,
    buyer_finding_rows,
    join_order,
    new_draft,
    pushed_draft,
)
from orders.claims.line import claimed_context, take_place
from orders.claims.lineup import batch_lineup, batch_policy
from orders.claims.locks import lock_comments
from orders.claims.models import ChatClaim
from orders.claims.resolve import ClaimRequest, resolve
from orders.claims.status import claim_status
from orders.models import Order, OrderFinding
from orders.notices.service import PendingNotice, queue_notices

_CLAIMS = ChatClaim.__table__
# A draft's claim gets its order once the draft is stored; one executemany for the run (no expanding IN).
_LINK = sa.update(_CLAIMS).where(_CLAIMS.c.id == sa.bindparam("b_claim")).values(order_pk=sa.bindparam("b_order"))


@dataclass(frozen=True)
class ClaimInput:
    """One chat message's claim: the comment, what it claims, and what moderation did with the message."""

    comment: Comment
    request: ClaimRequest
    moderation_action: str


@dataclass
class _Pending:
    """The rows the run's drafts add that no later step reads before they are written."""

    links: list[dict] = field(default_factory=list)
    notices: list[PendingNotice] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)

    def write(self, session: Session, now: datetime) -> None:
        """Write what is pending, one statement per table, and start afresh."""
        if self.links:
            session.execute(_LINK, self.links)
        queue_notices(session, self.notices, now)
        insert_rows(session, OrderFinding.__table__, self.findings)
        self.links, self.notices, self.findings = [], [], []


def take_claims(session: Session, broadcast_id: int, claims: list[ClaimInput],
                now: datetime) -> list[ClaimOutcome | None]:
    """Return what each claim did, in order, after storing them all (None: this comment's claim was taken already).

    A message moderation held or hid makes no draft (it stays unresolved with that reason until a person looks).
    """
    if not claims:
        return []
    policy = batch_policy(session, broadcast_id)
    lineup = batch_lineup(session, broadcast_id)
    resolutions = [resolve(item.request, lineup, policy.max_qty) for item in claims]
    reasons = [resolution.reason or MODERATION_REASONS.get(item.moderation_action)
               for item, resolution in zip(claims, resolutions)]
    lock_comments(session, broadcast_id, [item.comment.comment_id for item in claims])
    ids = _insert_claims(session, claims, resolutions, reasons)
    naming = _orders_naming(session, broadcast_id, list(ids))
    pending, outcomes = _Pending(), []
    for item, resolution, reason in zip(claims, resolutions, reasons):
        comment = item.comment
        claim_pk = ids.get(comment.comment_id)
        if claim_pk is None:
            outcomes.append(None)
            continue
        claim = {"id": claim_pk, "comment_id": comment.comment_id, "reason": reason,
                 "status": claim_status(reason, None, None)}
        existing = naming.get(comment.comment_id)
        if existing is not None:
            pending.write(session, now)
            outcomes.append(join_order(session, claim, existing, now))
        elif reason or policy.mode == "off":
            outcomes.append(ClaimOutcome(claim))
        else:
            order = new_draft(session, comment, resolution, lineup, now)
            bumped = take_place(session, order, now, policy.hold_minutes, pending.notices)
            pending.links.append({"b_claim": claim_pk, "b_order": order.id})
            history.status_changed(session, order, "claimed",
                                   reason=None if order.stock_reserved else "waiting for stock")
            pending.notices.append(PendingNotice(order.id, order.order_id, order.buyer_id, "claimed",
                                                 claimed_context(order, policy.hold_minutes)))
            findings = buyer_finding_rows(order, now)
            pending.findings += findings
            claim["order_id"], claim["status"] = order.order_id, "claimed"
            outcomes.append(ClaimOutcome(claim, pushed_draft(order, comment, findings), True, bumped,
                                         sorted({resolution.sku})))
    pending.write(session, now)
    return outcomes


def _insert_claims(session: Session, claims: list[ClaimInput], resolutions, reasons) -> dict[str, int]:
    """Return {comment id: new claim id} of the claims this call stored; the others' comments had one already."""
    rows = [{"broadcast_id": item.comment.broadcast_id, "comment_id": item.comment.comment_id,
             "viewer_id": item.comment.viewer_id, "nickname": item.comment.nickname, "text": item.comment.text,
             "at": item.comment.at, "link": item.request.link, "product_sku": resolution.product_sku,
             "variant_sku": resolution.variant_sku, "qty": resolution.qty, "reason": reason, "order_pk": None,
             "ordered_at": None, "created_at": item.comment.at}
            for item, resolution, reason in zip(claims, resolutions, reasons)]
    insert = _insert_statement(session.get_bind().dialect.name)
    return {comment_id: claim_pk for claim_pk, comment_id in execute_rows(session, insert, rows)}


@functools.cache
def _insert_statement(dialect_name: str):
    """Return INSERT INTO chat_claims … ON CONFLICT (broadcast, comment) DO NOTHING RETURNING id, comment_id (built
    once): the ids come back with what tells them apart, so SQLite needs no INSERT per row to keep their order."""
    return insert_ignoring_conflicts(dialect_name, _CLAIMS, ("broadcast_id", "comment_id")).returning(
        _CLAIMS.c.id, _CLAIMS.c.comment_id)


# Run once per chat run with claims: built once (building and caching a statement anew costs more than running it).
_ORDERS = Order.__table__
# Most chat batches name no platform order: a Core probe for their ids costs about a third of loading the orders.
_IDS_OF_ORDERS_NAMING = sa.select(_ORDERS.c.id).where(
    _ORDERS.c.broadcast_id == sa.bindparam("broadcast_id"),
    _ORDERS.c.comment_id.in_(sa.bindparam("comments", expanding=True)), _ORDERS.c.status != "claimed")
_ORDERS_BY_ID = sa.select(Order).where(Order.id.in_(sa.bindparam("ids", expanding=True))).order_by(
    Order.id).options(selectinload(Order.lines))


def _orders_naming(session: Session, broadcast_id: int, comment_ids: list[str]) -> dict[str, Order]:
    """Return {comment id: the first platform order that named it} for these comments, in one SELECT (and one for
    the orders' lines)."""
    if not comment_ids:
        return {}
    ids = read_tables(session, _IDS_OF_ORDERS_NAMING,
                      {"broadcast_id": broadcast_id, "comments": sorted(comment_ids)}).scalars().all()
    found: dict[str, Order] = {}
    if ids:
        for order in session.scalars(_ORDERS_BY_ID, {"ids": sorted(ids)}):
            found.setdefault(order.comment_id, order)
    return found
