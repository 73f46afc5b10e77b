"""Job leases: each periodic job runs on one server at a time, however many servers run the job loop.

A lease is a row per job name: who holds it and until when. Taking it is one conditional UPDATE (free, expired,
or already ours), else an INSERT for a job never run; both hold on SQLite and PostgreSQL without locks held
across the run. A server that dies loses its lease when it expires and another server takes the job over.
The lease lasts one period of the job, so each period the job runs once across servers; the jobs themselves
still claim their rows with ``FOR UPDATE SKIP LOCKED``, so an overlap at a hand-over (clock skew between
servers) can never fire one timer twice.
"""
from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import UTCDateTime
from app.extensions import db

HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:96]


class JobLease(db.Model):
    """Which server runs a periodic job until when."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(96))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def take_lease(session: Session, name: str, seconds: float, now: datetime, holder: str = HOLDER) -> bool:
    """Return True when holder now holds the lease of job name for seconds (committed), False when another does."""
    until = now + timedelta(seconds=seconds)
    taken = session.execute(
        sa.update(JobLease).where(JobLease.name == name,
                                  sa.or_(JobLease.expires_at <= now, JobLease.holder == holder))
        .values(holder=holder, expires_at=until)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken:
        session.commit()
        return True
    exists = session.scalar(sa.select(sa.func.count()).select_from(JobLease).where(JobLease.name == name))
    session.rollback()
    if exists:
        return False
    try:
        session.execute(sa.insert(JobLease).values(name=name, holder=holder, expires_at=until))
        session.commit()
        return True
    except IntegrityError:  # another server inserted it first: theirs
        session.rollback()
        return False


def release_lease(session: Session, name: str, holder: str = HOLDER) -> None:
    """Give up the lease of job name when holder has it (a server stopping hands its jobs over at once)."""
    session.execute(sa.delete(JobLease).where(JobLease.name == name, JobLease.holder == holder))
    session.commit()
