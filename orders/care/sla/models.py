"""The saved SLA settings of customer care: one row, the JSON of orders.care.sla.policy.SlaSettings."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class SlaSettingsRecord(db.Model):
    """The business calendar and per-severity targets an admin saved (id 1); none saved means the defaults."""

    __tablename__ = "care_sla_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    settings: Mapped[dict] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(sa.String(64))
