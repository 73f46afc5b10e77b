"""A chat run reads only the sanctions that can apply to it (live/moderation/service.py batch_sanctions): those
unlifted and not over by the run's earliest message; a later run of the same transaction with an earlier message
reads its viewers again from there. On SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.extensions import db
from live import broadcasts as lineup
from live.moderation.models import ViewerSanction
from live.moderation.service import batch_sanctions, in_force

T0 = datetime(2026, 12, 7, 20, 0, tzinfo=UTC)


def _sanction(broadcast_id: int, viewer_id: str, kind: str, until: datetime | None, lifted: bool = False):
    return ViewerSanction(viewer_id=viewer_id, broadcast_id=broadcast_id, kind=kind, until=until, reason="test",
                          actor="auto", at=T0 - timedelta(hours=2), lifted_at=T0 if lifted else None)


def test_a_run_reads_what_can_apply_and_an_earlier_run_reads_again(any_app):
    with any_app.app_context():
        session = db.session
        broadcast = lineup.create_broadcast(session, "sanctions", "douyin")
        session.flush()
        bid = broadcast.id
        session.add_all([
            _sanction(bid, "v1", "timeout", T0 + timedelta(seconds=60)),  # over before the first run below
            _sanction(bid, "v2", "timeout", T0 - timedelta(hours=1)),  # over long ago
            _sanction(None, "v3", "ban", None),  # a global ban
            _sanction(bid, "v4", "ban", None, lifted=True),
        ])
        session.commit()

        later = batch_sanctions(session, bid, {"v1", "v2", "v3", "v4"}, T0 + timedelta(seconds=120))
        assert {viewer: [s.kind for s in found] for viewer, found in later.items()} == {
            "v1": [], "v2": [], "v3": ["ban"], "v4": []}

        earlier = batch_sanctions(session, bid, {"v1"}, T0 + timedelta(seconds=30))
        assert [s.kind for s in earlier["v1"]] == ["timeout"]
        assert in_force(earlier["v1"], T0 + timedelta(seconds=30)).kind == "timeout"
        session.rollback()
