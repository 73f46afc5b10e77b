"""NPS campaigns: a named survey over the buyers who paid in a broadcast or a date range, one invitation each.

The buyer outbox is per order, so each buyer is invited through their latest paid order in the scope. Every
invitation, notice and history row of a campaign is written with one INSERT each (a campaign may reach
thousands of buyers); the unique (trigger, subject) key keeps one invitation per buyer and campaign.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.bulk import insert_ignoring, insert_rows
from live.models import Broadcast
from orders import history
from orders.care.order_history import care_step_row
from orders.care.surveys.invitations import NOTICE_KIND, invitation_row, link_days
from orders.care.surveys.links import survey_url
from orders.care.surveys.models import CAMPAIGN_NAME_LIMIT, SurveyCampaign, SurveyInvitation, SurveyResponse
from orders.care.surveys.scores import nps
from orders.models import Order, OrderHistory
from orders.notices.service import PendingNotice, queue_notices

MAX_BUYERS = 20_000
NOT_PAID = ("cancelled", "expired", "rejected")


class CampaignRefused(Exception):
    """A campaign that cannot be made: an HTTP status, a stable code, the field at fault and a message."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass(frozen=True)
class CampaignDraft:
    """What an analyst asks for: a name and a scope (a broadcast, a payment time range [paid_from, paid_to] (both
    included), or both)."""

    name: str
    broadcast_id: int | None = None
    paid_from: datetime | None = None
    paid_to: datetime | None = None

    def check(self) -> None:
        """Raise CampaignRefused naming the field when the draft is not a usable campaign."""
        if not self.name or len(self.name) > CAMPAIGN_NAME_LIMIT:
            raise CampaignRefused(400, "invalid_name", f"name must be 1 to {CAMPAIGN_NAME_LIMIT} characters", "name")
        if (self.paid_from is None) != (self.paid_to is None):
            field = "to" if self.paid_to is None else "from"
            raise CampaignRefused(400, "missing_field", "a date range needs both from and to", field)
        if self.broadcast_id is None and self.paid_from is None:
            raise CampaignRefused(400, "missing_field", "name a broadcast_id or a date range (from, to)", "broadcast_id")
        if self.paid_from is not None and self.paid_from > self.paid_to:
            raise CampaignRefused(400, "invalid_range", "from must not be after to", "to")


def _latest_paid_orders(session: Session, draft: CampaignDraft) -> list[tuple[int, str, str, str]]:
    """Return (order pk, order id, buyer id, status) of each buyer's latest paid order in the draft's scope."""
    conditions = [Order.paid_at.is_not(None), Order.buyer_id.is_not(None), Order.status.not_in(NOT_PAID)]
    if draft.broadcast_id is not None:
        conditions.append(Order.broadcast_id == draft.broadcast_id)
    if draft.paid_from is not None:
        conditions += [Order.paid_at >= draft.paid_from, Order.paid_at <= draft.paid_to]
    rank = sa.func.row_number().over(partition_by=Order.buyer_id, order_by=(Order.paid_at.desc(), Order.id.desc()))
    ranked = sa.select(Order.id, Order.order_id, Order.buyer_id, Order.status, Order.broadcast_id,
                       rank.label("rank")).where(*conditions).subquery()
    return session.execute(sa.select(ranked.c.id, ranked.c.order_id, ranked.c.buyer_id, ranked.c.status,
                                     ranked.c.broadcast_id).where(ranked.c.rank == 1).order_by(ranked.c.id)
                           .limit(MAX_BUYERS + 1)).all()


def create_campaign(session: Session, draft: CampaignDraft, actor: str, now: datetime) -> SurveyCampaign:
    """Return the new campaign with every buyer in scope invited (notices queued, history noted); does not commit."""
    draft.check()
    if draft.broadcast_id is not None and session.get(Broadcast, draft.broadcast_id) is None:
        raise CampaignRefused(404, "not_found", f"no broadcast {draft.broadcast_id}", "broadcast_id")
    orders = _latest_paid_orders(session, draft)
    if len(orders) > MAX_BUYERS:
        raise CampaignRefused(400, "too_many_buyers", f"the scope has more than {MAX_BUYERS} buyers; narrow it",
                              "broadcast_id" if draft.paid_from is None else "from")
    campaign = SurveyCampaign(name=draft.name, broadcast_id=draft.broadcast_id, paid_from=draft.paid_from,
                              paid_to=draft.paid_to, created_by=actor, created_at=now)
    session.add(campaign)
    session.flush()
    rows = [invitation_row("nps", "campaign", f"{campaign.id}:{buyer}", _Ref(pk, buyer, broadcast), now,
                           campaign_id=campaign.id) for pk, _oid, buyer, _status, broadcast in orders]
    if rows:
        session.execute(insert_ignoring(session, SurveyInvitation.__table__, ("trigger", "subject_key")), rows)
    made = dict(session.execute(sa.select(SurveyInvitation.order_pk, SurveyInvitation.id)
                                .where(SurveyInvitation.campaign_id == campaign.id)).all())
    days = link_days()
    queue_notices(session, [PendingNotice(pk, oid, buyer, NOTICE_KIND, {"url": survey_url(made[pk]), "survey": "nps",
                                                                         "days": days}, dedupe=f"campaign:{campaign.id}")
                            for pk, oid, buyer, _status, _b in orders if pk in made], now)
    insert_rows(session, OrderHistory.__table__, [
        care_step_row(pk, status, "survey_invited", history.SYSTEM, now, data={
            "invitation_id": made[pk], "kind": "nps", "trigger": "campaign", "campaign_id": campaign.id})
        for pk, _oid, _buyer, status, _b in orders if pk in made])
    campaign.invited = len(made)
    return campaign


@dataclass(frozen=True)
class _Ref:
    """The parts of an order an invitation row needs."""

    id: int
    buyer_id: str
    broadcast_id: int


def campaigns(session: Session, limit: int = 100) -> list[dict]:
    """Return the newest campaigns with how many were invited and answered, and their NPS (None without answers)."""
    found = session.scalars(sa.select(SurveyCampaign).order_by(SurveyCampaign.id.desc()).limit(limit)).all()
    scores: dict[int, list[int]] = {c.id: [] for c in found}
    if found:
        rows = session.execute(sa.select(SurveyInvitation.campaign_id, SurveyResponse.score)
                               .join(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
                               .where(SurveyInvitation.campaign_id.in_(list(scores)))).all()
        for campaign_id, score in rows:
            scores[campaign_id].append(score)
    return [campaign_to_dict(c, scores[c.id]) for c in found]


def campaign_to_dict(campaign: SurveyCampaign, scores: list[int] | None = None) -> dict:
    """Return a campaign as JSON-ready data (responses and nps from the scores given)."""
    scores = scores or []
    return {"id": campaign.id, "name": campaign.name, "kind": "nps", "broadcast_id": campaign.broadcast_id,
            "from": campaign.paid_from.isoformat() if campaign.paid_from else None,
            "to": campaign.paid_to.isoformat() if campaign.paid_to else None, "invited": campaign.invited,
            "responses": len(scores), "nps": nps(scores), "created_by": campaign.created_by,
            "created_at": campaign.created_at.isoformat()}
