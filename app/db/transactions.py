"""Running a unit of work in one transaction, retried when the database asks for it."""
from __future__ import annotations

import time
from typing import Callable, TypeVar

from sqlalchemy.exc import DBAPIError

from app import realtime
from app.extensions import db

T = TypeVar("T")

# PostgreSQL: deadlock detected, serialization failure. SQLite: the write lock was not had within busy_timeout.
_RETRYABLE_PGCODES = {"40P01", "40001"}


def retryable(error: BaseException) -> bool:
    """Return True when error is a database failure that running the whole transaction again may cure."""
    return isinstance(error, DBAPIError) and _retryable(error)


def _retryable(error: DBAPIError) -> bool:
    """Return True when the failed transaction may succeed if run again from the start."""
    pgcode = getattr(error.orig, "pgcode", None)
    return pgcode in _RETRYABLE_PGCODES or "database is locked" in str(error.orig)


def run_with_retry(work: Callable[[], T], attempts: int = 4) -> T:
    """Return work()'s result; on a deadlock or lock timeout, roll back and run it again (nothing was committed)."""
    for attempt in range(attempts):
        try:
            return work()
        except DBAPIError as error:
            db.session.rollback()
            realtime.discard(db.session)
            if not _retryable(error) or attempt == attempts - 1:
                raise
            time.sleep(0.01 * (2 ** attempt))
    raise AssertionError("unreachable")
