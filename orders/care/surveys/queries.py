"""Reading survey invitations and responses: the responses list (API, CSV) and a buyer's surveys (customer page)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import utcnow
from orders.care.surveys.models import SurveyInvitation, SurveyResponse
from orders.models import Order

MAX_OF_BUYER = 100


@dataclass(frozen=True)
class Scope:
    """Which responses a summary, report or list covers: a broadcast, answered between since and until (both
    included), a kind."""

    broadcast_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None

    def conditions(self) -> list:
        """Return the SQL conditions on SurveyResponse and SurveyInvitation (joined) of this scope."""
        found = []
        if self.broadcast_id is not None:
            found.append(SurveyInvitation.broadcast_id == self.broadcast_id)
        if self.since is not None:
            found.append(SurveyResponse.answered_at >= self.since)
        if self.until is not None:
            found.append(SurveyResponse.answered_at <= self.until)
        if self.kind is not None:
            found.append(SurveyResponse.kind == self.kind)
        return found


def joined_responses(*columns):
    """Return SELECT columns FROM survey_responses JOIN survey_invitations JOIN orders."""
    return (sa.select(*columns).select_from(SurveyResponse)
            .join(SurveyInvitation, SurveyInvitation.id == SurveyResponse.invitation_id)
            .join(Order, Order.id == SurveyInvitation.order_pk))


def response_to_dict(response: SurveyResponse, invitation: SurveyInvitation, order_id: str) -> dict:
    """Return one response with what it was about, JSON-ready (the comment is the buyer's text, as written)."""
    return {"id": response.id, "kind": response.kind, "score": response.score, "comment": response.comment,
            "locale": response.locale, "answered_at": response.answered_at.isoformat(),
            "trigger": invitation.trigger, "order_id": order_id, "buyer_id": invitation.buyer_id,
            "broadcast_id": invitation.broadcast_id, "campaign_id": invitation.campaign_id,
            "aftersale_case_id": invitation.aftersale_case_id, "complaint_id": invitation.complaint_id,
            "agent": invitation.agent, "reason": invitation.reason}


def responses_page(session: Session, scope: Scope, page: int, per_page: int) -> tuple[list[dict], int]:
    """Return one page of the responses in scope, newest first, and how many there are in all."""
    conditions = scope.conditions()
    total = session.scalar(joined_responses(sa.func.count(SurveyResponse.id)).where(*conditions)) or 0
    rows = session.execute(joined_responses(SurveyResponse, SurveyInvitation, Order.order_id).where(*conditions)
                           .order_by(SurveyResponse.answered_at.desc(), SurveyResponse.id.desc())
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return [response_to_dict(*row) for row in rows], int(total)


def surveys_of_buyer(session: Session, buyer_id: str, now: datetime | None = None) -> list[dict]:
    """Return the buyer's newest survey invitations (at most 100), each with its state and answer when given.

    Each dict: id, kind (csat/nps), trigger, order_id, created_at, expires_at, state (open/answered/expired),
    and score, comment, answered_at (None until answered).
    """
    now = now or utcnow()
    rows = session.execute(
        sa.select(SurveyInvitation, SurveyResponse, Order.order_id).select_from(SurveyInvitation)
        .join(Order, Order.id == SurveyInvitation.order_pk)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(SurveyInvitation.buyer_id == buyer_id)
        .order_by(SurveyInvitation.id.desc()).limit(MAX_OF_BUYER)).all()
    found = []
    for invitation, response, order_id in rows:
        state = "answered" if response else "expired" if invitation.expires_at <= now else "open"
        found.append({"id": invitation.id, "kind": invitation.kind, "trigger": invitation.trigger, "order_id": order_id,
                      "created_at": invitation.created_at.isoformat(), "expires_at": invitation.expires_at.isoformat(),
                      "state": state, "score": response.score if response else None,
                      "comment": response.comment if response else None,
                      "answered_at": response.answered_at.isoformat() if response else None})
    return found
