"""Running a listener's writes in a savepoint of the sender's transaction, so a care bug never loses a delivery.

A survey invitation or a follow-up task is a side effect: if it fails for any reason but the database asking for
a retry, its savepoint is rolled back, the error is logged, and the sender's change (the delivery, the closed
case) still commits. Serialization failures and deadlocks are raised, so the sender's retry runs everything again.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)
T = TypeVar("T")
_RETRYABLE_PGCODES = frozenset({"40001", "40P01"})  # serialization failure, deadlock


def apart(session: Session, what: str, work: Callable[[], T]) -> T | None:
    """Return work()'s result, run in a savepoint; on a non-retryable error roll the savepoint back, log, return None."""
    savepoint = session.begin_nested()
    try:
        result = work()
        savepoint.commit()
        return result
    except DBAPIError as error:
        if getattr(error.orig, "pgcode", None) in _RETRYABLE_PGCODES or "database is locked" in str(error.orig):
            raise
        savepoint.rollback()
        logger.exception("%s failed; the sender's change is kept", what)
    except Exception:  # a survey or follow-up bug must not undo a delivery or a closed case
        savepoint.rollback()
        logger.exception("%s failed; the sender's change is kept", what)
    return None
