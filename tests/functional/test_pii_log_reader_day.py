"""The PII access log page filters by whole days in the reader's zone, the zone its rows are shown in; the API keeps
UTC days, its contract (probe 2 of session 15: a row shown at 2026-12-08 00:11 in Shanghai was found only by
filtering 12-07)."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from app.auth.models import PiiAccessLog, User
from app.extensions import db
from tests.support.auth import login

SHOWN_AT = datetime(2026, 12, 7, 16, 11, tzinfo=timezone.utc)  # 2026-12-08 00:11 in Asia/Shanghai


def _log_one(app) -> None:
    with app.app_context():
        auditor = db.session.scalar(sa.select(User).filter_by(username="auditor"))
        db.session.add(PiiAccessLog(user_id=auditor.id, subject="order:DY-1", channel="page", at=SHOWN_AT,
                                    buyer_id="B-1"))
        db.session.commit()


def _shown(client, day: str) -> bool:
    return "order:DY-1" in client.get(f"/admin/pii-access-log?from={day}&to={day}").get_data(as_text=True)


def test_the_page_takes_days_in_the_readers_zone_and_the_api_in_utc(app, users):
    _log_one(app)
    admin = login(app, "admin")
    assert _shown(admin, "2026-12-07") and not _shown(admin, "2026-12-08")  # no zone known yet: UTC days
    admin.set_cookie("livedesk_tz", "Asia%2FShanghai")  # as static/common/zone.js writes it
    assert _shown(admin, "2026-12-08") and not _shown(admin, "2026-12-07")
    assert "From (a day in Asia/Shanghai)" in admin.get("/admin/pii-access-log").get_data(as_text=True)
    headers = {"Accept": "application/json"}
    api = admin.get("/api/v1/pii-access-log?from=2026-12-07&to=2026-12-07", headers=headers).get_json()
    assert [entry["subject"] for entry in api["entries"]] == ["order:DY-1"]
