"""The follow-up task table: one call-back to a buyer, open until done (with an outcome) or cancelled."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

FOLLOWUP_SOURCES = ("delivery", "complaint", "case", "survey", "manual")
FOLLOWUP_STATUSES = ("open", "done", "cancelled")
NOTE_LIMIT = 500
OUTCOME_LIMIT = 1000


class FollowUpTask(db.Model):
    """A call-back (回访) to a buyer about an order, due by due_at, assigned to an agent (or nobody yet).

    (source, source_key) is unique, so a signal delivered twice opens one task: source_key is the order pk
    (delivery), the case id (case), the complaint id (complaint), the response id (survey); manual tasks have
    none. complaint_id and aftersale_case_id refer to other domains' tables without a foreign key.
    """

    __tablename__ = "follow_up_tasks"
    __table_args__ = (
        sa.UniqueConstraint("source", "source_key", name="uq_follow_up_tasks_source_key"),
        sa.CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status_known"),
        sa.CheckConstraint("source IN ('delivery', 'complaint', 'case', 'survey', 'manual')", name="source_known"),
        sa.Index("ix_follow_up_tasks_status_due_at", "status", "due_at"),
        sa.Index("ix_follow_up_tasks_assignee_status", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    order_pk: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    source: Mapped[str] = mapped_column(sa.String(16))
    source_key: Mapped[str | None] = mapped_column(sa.String(64))
    complaint_id: Mapped[int | None]
    aftersale_case_id: Mapped[int | None]
    response_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_responses.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    note: Mapped[str | None] = mapped_column(sa.String(NOTE_LIMIT))
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(sa.String(64))
