"""Reads built once on the tables (Core), as hot paths run them instead of ORM selects."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session


def read_tables(session: Session, statement: sa.Executable, params: dict | None = None) -> sa.Result:
    """Return the result of a Core statement after flushing the session.

    A Core statement built once on the tables costs about half the same ORM select, but Session.execute autoflushes
    only for ORM statements: without the flush, a row added or changed through the ORM earlier in the transaction
    (a draft, a pin, a saved policy) would be missed.
    """
    session.flush()
    return session.execute(statement, params)
