"""Periodic jobs that run inside the server process (reservation sweeper, buyer notices, live metrics push).

Jobs are plain functions taking the app; they run in Socket.IO background tasks (green threads under
eventlet), each in its own app context, and an error in one run is logged, never fatal. Tests call the
job functions directly instead of waiting for the timer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask

from app.extensions import db, socketio


@dataclass(frozen=True)
class PeriodicJob:
    """A function of the app to run every `seconds` seconds."""

    name: str
    seconds: float
    run: Callable[[Flask], None]


_jobs: dict[str, PeriodicJob] = {}


def register(name: str, seconds: float, run: Callable[[Flask], None]) -> None:
    """Add (or replace) a periodic job; call at import time of the module that owns the job."""
    _jobs[name] = PeriodicJob(name, seconds, run)


def jobs() -> list[PeriodicJob]:
    """Return the registered jobs."""
    return list(_jobs.values())


def _loop(app: Flask, job: PeriodicJob) -> None:
    while True:
        socketio.sleep(job.seconds)
        with app.app_context():
            try:
                job.run(app)
            except Exception:  # a failed run must not stop the next one
                app.logger.exception("background job %s failed", job.name)
                db.session.rollback()
            finally:
                db.session.remove()


def start(app: Flask) -> None:
    """Start every registered job as a background task of the Socket.IO server."""
    for job in jobs():
        socketio.start_background_task(_loop, app, job)
