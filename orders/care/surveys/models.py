"""Survey tables: NPS campaigns, invitations (one per trigger) and responses (one per invitation).

Complaints and after-sales cases are referred to by id without a foreign key: those tables belong to other
domains and a survey outlives any change to them. An invitation copies what the analysis segments by
(broadcast, agent, reason) when it is made, so a later edit of the case does not rewrite past answers.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

SURVEY_KINDS = ("csat", "nps")
# What made the invitation: a delivered order, an after-sales case that ended, a resolved complaint, a campaign.
TRIGGERS = ("delivery", "aftersale", "complaint", "campaign")
SCALES = {"csat": (1, 5), "nps": (0, 10)}
COMMENT_LIMIT = 1000
CAMPAIGN_NAME_LIMIT = 100


class SurveyCampaign(db.Model):
    """A named NPS survey over the buyers of one broadcast or of a date range of payments, made by an analyst."""

    __tablename__ = "survey_campaigns"
    __table_args__ = (
        sa.CheckConstraint("broadcast_id IS NOT NULL OR (paid_from IS NOT NULL AND paid_to IS NOT NULL)",
                           name="scope_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(CAMPAIGN_NAME_LIMIT))
    broadcast_id: Mapped[int | None] = mapped_column(sa.ForeignKey("broadcasts.id"))
    # The payments in scope: paid_from <= paid_at <= paid_to (both set, or neither when a broadcast is named).
    paid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyInvitation(db.Model):
    """One invitation to answer a survey, sent once per trigger: (trigger, subject_key) is unique.

    subject_key names what triggered it: the order pk (delivery), the case id (aftersale), the complaint id
    (complaint), "<campaign id>:<buyer id>" (campaign). The link /s/<token> carries the id, signed.
    """

    __tablename__ = "survey_invitations"
    __table_args__ = (
        sa.UniqueConstraint("trigger", "subject_key", name="uq_survey_invitations_trigger_subject"),
        sa.CheckConstraint("kind IN ('csat', 'nps')", name="kind_known"),
        sa.CheckConstraint("trigger IN ('delivery', 'aftersale', 'complaint', 'campaign')", name="trigger_known"),
        sa.Index("ix_survey_invitations_broadcast_id", "broadcast_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    trigger: Mapped[str] = mapped_column(sa.String(16))
    subject_key: Mapped[str] = mapped_column(sa.String(128))
    order_pk: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    buyer_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    broadcast_id: Mapped[int] = mapped_column(sa.ForeignKey("broadcasts.id"))
    campaign_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_campaigns.id"), index=True)
    aftersale_case_id: Mapped[int | None]  # aftersale_cases.id (orders/aftersales), no foreign key
    complaint_id: Mapped[int | None]  # complaints.id (orders/care/complaints), no foreign key
    # Who handled the case or complaint (a username) and its reason or category, as they were when invited.
    agent: Mapped[str | None] = mapped_column(sa.String(64))
    reason: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SurveyResponse(db.Model):
    """The one answer to an invitation: a score on the invitation's scale and an optional comment (plain text)."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        sa.CheckConstraint("(kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10)",
                           name="score_on_scale"),
        sa.Index("ix_survey_responses_answered_at", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_invitations.id"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
