"""Job leases: each periodic job runs on one server per period, on SQLite and PostgreSQL; a dead holder is replaced."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from app import background
from app.background.leases import JobLease, release_lease, take_lease
from app.background.worker import run_forever
from app.db import utcnow
from app.extensions import db
from tests.support.databases import redis_url_or_skip
from live import socket  # noqa: F401  registers the socket-sessions job


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


@pytest.mark.slow
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


def test_a_job_of_each_server_runs_in_every_process_without_a_lease_and_never_in_the_worker(any_app, monkeypatch):
    """Probe 4 of session 15: the check of a server's own sockets ran under a shared lease, so only one server per
    period checked its sockets; a user logged out elsewhere kept streaming pushes on the others."""
    runs = []
    own = background.PeriodicJob("own-sockets", 5, lambda app: runs.append("own"), each_server=True)
    shared = background.PeriodicJob("counted", 5, lambda app: runs.append("shared"))
    monkeypatch.setattr(background, "_jobs", {"own-sockets": own, "counted": shared})
    assert background.run_once(any_app, own) and background.run_once(any_app, own)  # a second server too
    with any_app.app_context():
        assert take_lease(db.session, "own-sockets", 10, utcnow(), holder="server-b")  # it never held one
        db.session.commit()
    assert background.jobs() == [shared] and background.jobs(each_server=True) == [own]
    started = []
    monkeypatch.setattr(background.socketio, "start_background_task", lambda loop, app, job: started.append(job.name))
    background.start(any_app, shared=False)
    assert started == ["own-sockets"]
    background.start(any_app)
    assert started == ["own-sockets", "own-sockets", "counted"]
    assert run_forever(any_app, rounds=1, sleep=lambda _s: None) == 0  # nothing shared is due yet
    assert runs == ["own", "own"]


def test_the_socket_session_check_is_a_job_of_each_server():
    assert any(job.name == "socket-sessions" for job in background.jobs(each_server=True))
    assert all(job.name != "socket-sessions" for job in background.jobs())


def test_a_server_whose_message_queue_is_down_leaves_shared_jobs_to_the_others(any_app, monkeypatch):
    """Probe 4 of session 15: a server failing /readyz (Redis unreachable) took the metrics push's lease, and every
    live page on every server stopped getting metrics."""
    runs = []
    shared = background.PeriodicJob("counted", 5, lambda app: runs.append("shared"))
    own = background.PeriodicJob("own-sockets", 5, lambda app: runs.append("own"), each_server=True)
    any_app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert not background.run_once(any_app, shared)
    assert background.run_once(any_app, own)
    with any_app.app_context():
        assert take_lease(db.session, "counted", 10, utcnow(), holder="server-b")  # it took none
        db.session.commit()
    assert runs == ["own"]
    any_app.config["SOCKETIO_MESSAGE_QUEUE"] = None
    assert background.pushes_deliverable(any_app)


@pytest.mark.redis
def test_a_server_whose_message_queue_answers_takes_shared_jobs(any_app):
    url = redis_url_or_skip()
    any_app.config["SOCKETIO_MESSAGE_QUEUE"] = url  # read by the check alone: the app's Socket.IO stays in process
    assert background.pushes_deliverable(any_app)
    runs = []
    assert background.run_once(any_app, background.PeriodicJob("counted", 5, lambda app: runs.append(1)))
    assert runs == [1]


def test_the_worker_refuses_to_start_without_the_servers_message_queue(any_app):
    """Probe 4 of session 15: a worker without SOCKETIO_MESSAGE_QUEUE took every job and its pushes reached no one."""
    result = any_app.test_cli_runner().invoke(args=["run-jobs"])
    assert result.exit_code != 0 and "SOCKETIO_MESSAGE_QUEUE" in result.output
