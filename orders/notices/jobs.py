"""The periodic delivery of buyer notices inside the server process (see app.background)."""
from __future__ import annotations

import logging

from flask import Flask

from app import background
from app.db import utcnow
from app.extensions import db
from orders.notices.channels import channel_from_config
from orders.notices.service import deliver_due

JOB_NAME = "notices"
INTERVAL_SECONDS = 2

logger = logging.getLogger("livedesk.notices")


def deliver_job(app: Flask) -> dict[str, int]:
    """Return the counts of one delivery pass through the channel the app's config names."""
    counts = deliver_due(db.session, channel_from_config(app.config), utcnow())
    if counts["retrying"] or counts["failed"]:
        logger.warning("buyer notices: %s", counts)
    return counts


def register_notice_jobs() -> None:
    """Register the notice delivery job (every 2 s); call before app.background.start(app)."""
    background.register(JOB_NAME, INTERVAL_SECONDS, deliver_job)
