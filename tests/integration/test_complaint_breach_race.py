"""Breach events are recorded exactly once (issue 15): four sweepers running at the same moment over the same late
complaints record each missed target once, on SQLite and on PostgreSQL (SKIP LOCKED, then the unique key); two
transactions recording the same breach past the lock leave one row and one escalation."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import realtime
from app.db import utcnow
from app.extensions import db
from orders.care.complaints.breaches import record_breach, sweep
from orders.care.complaints.intake import NewComplaint, register_complaint
from orders.care.complaints.lookup import find_complaint
from orders.care.complaints.models import ComplaintBreach, ComplaintEvent
from tests.support.databases import dispose, make_app

LATE = 40
SWEEPERS = 4


def _late_complaints(app, count: int) -> list[str]:
    """Register count complaints and return their ids (every target is missed a month later)."""
    with app.app_context():
        ids = []
        for n in range(count):
            complaint, _ = register_complaint(db.session, NewComplaint(
                text=f"late {n}", channel="back_office", category="logistics", buyer_id=f"b-{n}"), "test", utcnow())
            ids.append(complaint.complaint_id)
        realtime.commit(db.session)
        db.session.remove()
    return ids


def _in_threads(url: str, work, count: int) -> list:
    """Run work(app) in count threads started together, each with an app (engine, session) of its own.

    The apps are built first, one by one: building apps in several threads at once trips CPython 3.11's AST
    compiler (werkzeug compiles each route), which is no part of what is tested here.
    """
    apps = [make_app(url) for _ in range(count)]
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            with apps[index].app_context():
                barrier.wait(timeout=120)
                results[index] = work(apps[index])
        except Exception as error:  # noqa: BLE001  reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(300)
    finally:
        for app in apps:
            dispose(app)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting (a lock never released?)"
    return results


def test_four_sweepers_record_each_missed_target_once(any_app, database_url):
    ids = _late_complaints(any_app, LATE)
    later = utcnow() + timedelta(days=30)
    recorded = _in_threads(database_url, lambda app: sweep(db.session, later), SWEEPERS)
    assert sum(recorded) == 2 * LATE
    with any_app.app_context():
        per_target = db.session.execute(sa.select(ComplaintBreach.complaint_pk, ComplaintBreach.target,
                                                  sa.func.count()).group_by(ComplaintBreach.complaint_pk,
                                                                            ComplaintBreach.target)).all()
        escalations = db.session.scalar(sa.select(sa.func.count(ComplaintEvent.id)).where(
            ComplaintEvent.kind == "escalated"))
    assert len(per_target) == 2 * LATE and {count for *_key, count in per_target} == {1}
    assert escalations == 2 * LATE
    assert len(ids) == LATE


@pytest.mark.postgres
@pytest.mark.slow
def test_two_transactions_recording_one_breach_past_the_lock_leave_one_row(postgres_url):
    from tests.support.databases import truncate_postgres

    truncate_postgres(postgres_url)
    app = make_app(postgres_url)
    try:
        (complaint_id,) = _late_complaints(app, 1)
    finally:
        dispose(app)
    later = utcnow() + timedelta(days=30)

    def record(_app) -> bool:
        complaint = find_complaint(db.session, complaint_id)  # no lock: both read it as not yet breached
        done = record_breach(db.session, complaint, "first_response", later, "test")
        realtime.commit(db.session)
        return done

    assert sorted(_in_threads(postgres_url, record, 2)) == [False, True]
    check = make_app(postgres_url)
    try:
        with check.app_context():
            assert db.session.scalar(sa.select(sa.func.count(ComplaintBreach.id))) == 1
            assert db.session.scalar(sa.select(sa.func.count(ComplaintEvent.id)).where(
                ComplaintEvent.kind == "escalated")) == 1
    finally:
        dispose(check)
