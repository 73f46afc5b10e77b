"""Periodic jobs that run inside the server process (reservation sweeper, buyer notices, live metrics push).

Jobs are plain functions taking the app; they run in Socket.IO background tasks (green threads under
eventlet), each in its own app context, and an error in one run is logged, never fatal. Tests call the
job functions directly instead of waiting for the timer.

With several servers every one runs the loops, and a lease per job (app/background/leases.py) lets one of
them run each job per period. A dedicated worker (``flask --app wsgi run-jobs``, app/background/worker.py)
runs the same jobs under the same leases, for deployments that keep web servers free of them
(``LIVEDESK_BACKGROUND_JOBS=0`` on the servers).

A server whose Socket.IO message queue (Redis) does not answer takes no lease: what its jobs push (metrics, order
changes) would reach no browser, and the job would be lost for the period instead of run by a server that can.

A job registered ``each_server`` is about the process itself (its own sockets, say): every serving process runs
it, without a lease, whatever LIVEDESK_BACKGROUND_JOBS says, and the worker never does.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask

from app.background.leases import take_lease
from app.db import utcnow
from app.extensions import db, socketio

# How long a server trusts its last look at the message queue before asking it again.
QUEUE_CHECK_SECONDS = 2.0
QUEUE_TIMEOUT_SECONDS = 1.0
# A lease outlives its period by half of it, so the holder renews it before anyone else may take it, and a
# server that died is replaced after one and a half periods.
LEASE_FACTOR = 1.5


@dataclass(frozen=True)
class PeriodicJob:
    """A function of the app to run every `seconds` seconds."""

    name: str
    seconds: float
    run: Callable[[Flask], None]
    each_server: bool = False


_jobs: dict[str, PeriodicJob] = {}


def register(name: str, seconds: float, run: Callable[[Flask], None], each_server: bool = False) -> None:
    """Add (or replace) a periodic job; call at import time of the module that owns the job. each_server: run by
    every serving process, unleased (a job about the process's own state), not by the worker."""
    _jobs[name] = PeriodicJob(name, seconds, run, each_server)


def jobs(each_server: bool = False) -> list[PeriodicJob]:
    """Return the registered jobs run once across servers (under leases), or with each_server those every serving
    process runs itself."""
    return [job for job in _jobs.values() if job.each_server == each_server]


def lease_seconds(job: PeriodicJob) -> float:
    """Return how long one run of job holds its lease."""
    return job.seconds * LEASE_FACTOR + 1


def pushes_deliverable(app: Flask) -> bool:
    """Return True when this server's pushes reach browsers: no message queue (one server), or its Redis answers
    PING (looked at most every QUEUE_CHECK_SECONDS; a change is logged once)."""
    url = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if not url or not str(url).startswith(("redis://", "rediss://", "unix://")):
        return True
    state = app.extensions.setdefault("livedesk_queue_check", {"at": None, "ok": True, "client": None})
    now = time.monotonic()
    if state["at"] is not None and now - state["at"] < QUEUE_CHECK_SECONDS:
        return state["ok"]
    if state["client"] is None:
        import redis

        state["client"] = redis.Redis.from_url(url, socket_timeout=QUEUE_TIMEOUT_SECONDS,
                                               socket_connect_timeout=QUEUE_TIMEOUT_SECONDS)
    try:
        ok = bool(state["client"].ping())
    except Exception:  # unreachable, refused, timed out: not ready, whatever the reason
        ok = False
    if ok != state["ok"]:
        app.logger.warning("background jobs: the message queue is %s; this server %s shared jobs",
                           "back" if ok else "unreachable", "takes" if ok else "leaves other servers the")
    state["at"], state["ok"] = now, ok
    return ok


def run_once(app: Flask, job: PeriodicJob) -> bool:
    """Return True after running job once in its own app context, or False when another server holds its lease or
    this one's pushes would reach nobody (a job of each server takes no lease and always runs)."""
    with app.app_context():
        try:
            if not job.each_server and not (pushes_deliverable(app) and
                                            take_lease(db.session, job.name, lease_seconds(job), utcnow())):
                return False
            job.run(app)
            return True
        except Exception:  # a failed run must not stop the next one
            app.logger.exception("background job %s failed", job.name)
            db.session.rollback()
            return False
        finally:
            db.session.remove()


def next_due(due: float, period: float, now: float) -> float:
    """Return when a job due at `due` runs next: one period later on the same grid, so runs start every period
    whatever each takes; a job that fell behind runs at once (`now`) rather than in a burst of missed runs."""
    following = due + period
    return following if following > now else now


def _loop(app: Flask, job: PeriodicJob) -> None:
    due = time.monotonic() + job.seconds
    while True:
        socketio.sleep(max(0.0, due - time.monotonic()))
        run_once(app, job)
        due = next_due(due, job.seconds, time.monotonic())


def start(app: Flask, shared: bool = True) -> None:
    """Start the jobs of this serving process as background tasks of the Socket.IO server: its own (each_server)
    always, and the shared ones (each run by one server per period, under its lease) unless shared is False."""
    for job in jobs(each_server=True) + (jobs() if shared else []):
        socketio.start_background_task(_loop, app, job)
