"""Job leases: each periodic job runs on one server per period, on SQLite and PostgreSQL; a dead holder is replaced."""
from __future__ import annotations

import threading
from datetime import timedelta

from app import background
from app.background.leases import JobLease, release_lease, take_lease
from app.background.worker import run_forever
from app.db import utcnow
from app.extensions import db


def test_one_holder_at_a_time_and_the_holder_renews(any_app):
    now = utcnow()
    with any_app.app_context():
        assert take_lease(db.session, "sweeper", 7.5, now, holder="server-a")
        assert not take_lease(db.session, "sweeper", 7.5, now + timedelta(seconds=5), holder="server-b")
        assert take_lease(db.session, "sweeper", 7.5, now + timedelta(seconds=5), holder="server-a")
        assert take_lease(db.session, "notices", 7.5, now, holder="server-b")  # leases are per job


def test_a_lease_that_expired_goes_to_the_next_server(any_app):
    now = utcnow()
    with any_app.app_context():
        assert take_lease(db.session, "sweeper", 7.5, now, holder="server-a")
        assert not take_lease(db.session, "sweeper", 7.5, now + timedelta(seconds=7.4), holder="server-b")
        assert take_lease(db.session, "sweeper", 7.5, now + timedelta(seconds=7.5), holder="server-b")
        assert db.session.get(JobLease, "sweeper").holder == "server-b"


def test_a_released_lease_is_free_at_once(any_app):
    now = utcnow()
    with any_app.app_context():
        assert take_lease(db.session, "sweeper", 60, now, holder="server-a")
        release_lease(db.session, "sweeper", holder="server-a")
        assert take_lease(db.session, "sweeper", 60, now, holder="server-b")


def test_servers_racing_for_a_new_lease_give_it_to_exactly_one(any_app):
    now, winners, barrier = utcnow(), [], threading.Barrier(6)

    def race(holder: str) -> None:
        with any_app.app_context():
            barrier.wait()
            if take_lease(db.session, "fresh-job", 60, now, holder=holder):
                winners.append(holder)
            db.session.remove()

    threads = [threading.Thread(target=race, args=(f"server-{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1


def test_two_servers_running_the_job_loop_run_a_job_once_per_period(any_app, monkeypatch):
    runs = []
    job = background.PeriodicJob("counted", 5, lambda app: runs.append(1))
    monkeypatch.setattr(background, "_jobs", {"counted": job})
    assert background.run_once(any_app, job)
    with any_app.app_context():
        # Another server within the period is refused: the job ran once.
        assert not take_lease(db.session, "counted", background.lease_seconds(job), utcnow(), holder="server-b")
    assert runs == [1]


def test_the_worker_runs_due_jobs_under_their_leases(any_app, monkeypatch):
    runs = []
    monkeypatch.setattr(background, "_jobs", {"quick": background.PeriodicJob("quick", 0, lambda app: runs.append(1))})
    assert run_forever(any_app, rounds=3, sleep=lambda seconds: None) == 3
    assert len(runs) == 3
