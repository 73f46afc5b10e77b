"""The broadcast filters of the back-office pages (live/models.broadcast_choices): every live broadcast first,
then the newest others, at most the limit, on SQLite and PostgreSQL."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from live.models import Broadcast, broadcast_choices
from tests.support import databases


def _broadcasts(session, statuses: list[str]) -> list[int]:
    rows = [Broadcast(title=f"show {n}", platform="douyin", status=status) for n, status in enumerate(statuses)]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def test_live_broadcasts_come_first_then_the_newest_others_up_to_the_limit(database_url):
    app = databases.make_app(database_url)
    with app.app_context():
        ids = _broadcasts(db.session, ["ended", "live", "ended", "scheduled", "live", "ended"])
        chosen = [b.id for b in broadcast_choices(db.session, 4)]
        assert chosen == [ids[4], ids[1], ids[5], ids[3]]
        assert [b.id for b in broadcast_choices(db.session, 2)] == [ids[4], ids[1]]
        assert [b.id for b in broadcast_choices(db.session)] == [ids[4], ids[1], ids[5], ids[3], ids[2], ids[0]]
        db.session.rollback()
    databases.dispose(app)


def test_a_live_broadcast_created_long_after_thousands_of_ended_ones_still_comes_first(sqlite_url):
    app = databases.make_app(sqlite_url)
    with app.app_context():
        db.session.execute(sa.insert(Broadcast), [
            {"title": f"old {n}", "platform": "douyin", "status": "ended"} for n in range(3_000)])
        live = _broadcasts(db.session, ["live"])[0]
        chosen = broadcast_choices(db.session, 10)
        assert chosen[0].id == live and len(chosen) == 10
        assert all(b.status == "ended" for b in chosen[1:])
        assert [b.id for b in chosen[1:]] == sorted((b.id for b in chosen[1:]), reverse=True)
        db.session.rollback()
    databases.dispose(app)
