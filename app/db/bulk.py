"""Writing many rows with one statement: plain INSERTs and INSERT … ON CONFLICT DO NOTHING, each built once."""
from __future__ import annotations

import functools
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db.conflicts import insert_ignoring_conflicts


def insert_ignoring(session: Session, table: sa.Table, unique: Sequence[str],
                    returning: Sequence[str] = ()) -> sa.Insert:
    """Return INSERT INTO table … ON CONFLICT (unique) DO NOTHING [RETURNING returning] for the session's dialect.

    Execute it with one dict (one row) or a list of dicts (executemany); it is built once per dialect and table.
    """
    return _insert_ignoring(session.get_bind().dialect.name, table, tuple(unique), tuple(returning))


@functools.cache
def _insert_ignoring(dialect_name: str, table: sa.Table, unique: tuple[str, ...], returning: tuple[str, ...]):
    # Built once per dialect and table: building and caching a statement anew costs more than running it.
    statement = insert_ignoring_conflicts(dialect_name, table, unique)
    return statement.returning(*(table.c[name] for name in returning)) if returning else statement


def insert_rows(session: Session, table: sa.Table, rows: list[dict]) -> None:
    """Insert rows (dicts with the same keys) into table with one executemany; nothing when rows is empty."""
    if rows:
        session.execute(_insert(table), rows)


@functools.cache
def _insert(table: sa.Table) -> sa.Insert:
    return sa.insert(table)
