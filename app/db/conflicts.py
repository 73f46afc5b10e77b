"""INSERT … ON CONFLICT (columns) DO NOTHING that SQLAlchemy's statement cache can hold.

The dialect forms (``sqlalchemy.dialects.sqlite.insert(...).on_conflict_do_nothing(...)`` and the PostgreSQL
one) declare ``inherit_cache = False``, so SQLAlchemy compiles them again on every execution: for the
event-log and order inserts that every ingest request runs, that was about a tenth of a one-order request.
These subclasses give the statement and its ON CONFLICT clause a cache key (the table, the values, the
conflict columns and RETURNING), and render exactly what the dialect forms render.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.visitors import InternalTraversal

__all__ = ["insert_ignoring_conflicts"]


class _SqliteDoNothing(sqlite.dml.OnConflictDoNothing):
    _traverse_internals = [("inferred_target_elements", InternalTraversal.dp_clauseelement_list)]


class _PostgresqlDoNothing(postgresql.dml.OnConflictDoNothing):
    _traverse_internals = [
        ("constraint_target", InternalTraversal.dp_string),
        ("inferred_target_elements", InternalTraversal.dp_clauseelement_list),
    ]


class _SqliteInsert(sqlite.Insert):
    inherit_cache = True  # the standard INSERT's cache key, which includes the ON CONFLICT clause


class _PostgresqlInsert(postgresql.Insert):
    inherit_cache = True


_FORMS = {"sqlite": (_SqliteInsert, _SqliteDoNothing), "postgresql": (_PostgresqlInsert, _PostgresqlDoNothing)}


def insert_ignoring_conflicts(dialect_name: str, table: sa.Table, columns: Sequence[str]) -> sa.Insert:
    """Return INSERT INTO table … ON CONFLICT (columns) DO NOTHING for the dialect, cacheable by SQLAlchemy.

    Add ``.values(...)`` and ``.returning(...)`` as with any INSERT.
    """
    insert_class, do_nothing = _FORMS["postgresql" if dialect_name == "postgresql" else "sqlite"]
    statement = insert_class(table)
    statement._post_values_clause = do_nothing(index_elements=[table.c[name] for name in columns])
    return statement
