"""Sums the database keeps itself: triggers append signed change rows, and a fold writes them back one row per key.

Used where a live figure would otherwise be a GROUP BY over everything a broadcast ever had (the order totals,
orders/totals.py; the claim counts, orders/claims/totals.py). Each owner writes its triggers; this module creates
them with the schema and does the fold and the read, which are the same for every such table: a table with a
``broadcast_id``, a key column and integer columns to sum.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db


def _for_dialect(ddl: Mapping[str, Sequence[str]], dialect: str) -> tuple[str, ...]:
    """Return the statements of ddl ({"sqlite": ..., "postgresql": ...}) for the dialect ("sqlite" unless PostgreSQL)."""
    return tuple(ddl["postgresql"] if dialect == "postgresql" else ddl["sqlite"])


def create_with_schema(ddl: Mapping[str, Sequence[str]]) -> None:
    """Run ddl's statements for the dialect whenever the schema is created (create_all), once every table exists."""

    @sa.event.listens_for(db.metadata, "after_create")
    def _create(_metadata, connection, **_kw) -> None:
        for statement in _for_dialect(ddl, connection.dialect.name):
            connection.exec_driver_sql(statement)


_TURN = sa.text("SELECT pg_advisory_xact_lock(:lock, :broadcast_id)")


@lru_cache(maxsize=None)
def _statements(table: sa.Table, key: str, values: tuple[str, ...]):
    """Return (sum, delete, fold on PostgreSQL) of one broadcast's change rows of table, built once."""
    of_broadcast = table.c.broadcast_id == sa.bindparam("broadcast_id")
    summed = sa.select(table.c[key], *(sa.func.sum(table.c[name]) for name in values), sa.func.count()).where(
        of_broadcast).group_by(table.c[key])
    delete = sa.delete(table).where(of_broadcast)
    # PostgreSQL: the rows deleted are exactly the rows summed (other transactions may add rows meanwhile).
    folded = delete.returning(table.c[key], *(table.c[name] for name in values)).cte("folded")
    fold = sa.select(folded.c[key], *(sa.func.sum(folded.c[name]) for name in values)).group_by(folded.c[key])
    return summed, delete, fold


def _by_key(rows, counted: bool = False) -> dict[str, tuple[int, ...]]:
    """Return {key: sums} of per-key sum rows, NULL sums read as 0 (counted: each row ends with a row count, left out)."""
    return {found: tuple(int(value or 0) for value in (sums[:-1] if counted else sums)) for found, *sums in rows}


# SQLite folds a broadcast's change rows once they are this many: reading a few dozen rows costs less than the DELETE
# and INSERT of a fold, which chat batches paid every time (a batch adds a row or two per status it changed).
FOLD_AFTER_ROWS = 64


def fold_sums(session: Session, table: sa.Table, key: str, values: tuple[str, ...], broadcast_id: int,
              lock: int) -> dict[str, tuple[int, ...]]:
    """Return {key: sums of values} of the broadcast after replacing its change rows with one row per key (rows that
    sum to zero go; on SQLite only once there are more than FOLD_AFTER_ROWS of them). Writes: call it in the
    transaction that changed what the triggers count. lock: the first key of the PostgreSQL advisory lock that makes
    folds of one broadcast take turns."""
    session.flush()  # rows changed through the ORM must have fired their triggers first
    summed, delete, fold = _statements(table, key, values)
    params = {"broadcast_id": broadcast_id}
    if session.get_bind().dialect.name == "postgresql":
        # A fold's DELETE must start after the fold before it committed, or its snapshot would miss the row that
        # fold wrote back (the stored rows would stay right; the figure read would not).
        session.execute(_TURN, {"lock": lock, **params})
        sums = _by_key(session.execute(fold, params).all())
    else:  # one writer at a time: nothing can come between the sums and the DELETE
        found = session.execute(summed, params).all()
        sums = _by_key(found, counted=True)
        if sum(row[-1] for row in found) <= FOLD_AFTER_ROWS:
            return sums
        session.execute(delete, params)
    rows = [{"broadcast_id": broadcast_id, key: found, **dict(zip(values, numbers))}
            for found, numbers in sorted(sums.items()) if any(numbers)]
    if rows:
        session.execute(sa.insert(table), rows)
    return sums


def read_sums(session: Session, table: sa.Table, key: str, values: tuple[str, ...],
              broadcast_id: int) -> dict[str, tuple[int, ...]]:
    """Return {key: sums of values} of the broadcast without writing (pages and snapshots)."""
    session.flush()
    summed, _delete, _fold = _statements(table, key, values)
    return _by_key(session.execute(summed, {"broadcast_id": broadcast_id}).all(), counted=True)
