"""Writing many rows with one statement: plain INSERTs and INSERT … ON CONFLICT DO NOTHING, each built once, and
``execute_rows``, which runs such a statement over many rows without SQLAlchemy's per-row work on SQLite."""
from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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
        execute_rows(session, _insert(table), rows)


@functools.cache
def _insert(table: sa.Table) -> sa.Insert:
    return sa.insert(table)


def execute_rows(session: Session, statement: sa.Insert, rows: list[dict]) -> list[tuple]:
    """Run an INSERT on a table (maybe ON CONFLICT …, maybe RETURNING) for each of rows, dicts with the same keys,
    in the session's transaction; return the RETURNING rows, in no particular order ([] without RETURNING).

    It does what ``session.execute(statement, rows)`` does. On SQLite it binds the rows itself: SQLAlchemy's
    per-row work (building each row's parameters, then converting them) cost more than SQLite's own in the chat
    and order batches. The values are converted by the very bind processors SQLAlchemy would use; rows with
    RETURNING go in multi-row VALUES, as SQLAlchemy sends them; a column default of no arguments is called per row,
    as SQLAlchemy calls it. A statement this cannot bind exactly (values set in the statement, a default that
    reads the row, a RETURNING column that needs converting, another database) runs through SQLAlchemy.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect
    if dialect.name == "sqlite":
        plan = _bind_plan(dialect, statement, tuple(rows[0]))
        if plan is not None:
            return plan.run(session.connection(), rows)
    result = session.execute(statement, rows)
    return result.all() if result.returns_rows else []


_SQLITE_PARAMETERS = 32_000  # SQLite (3.32 and later) takes up to 32,766 parameters in one statement


@dataclass
class _BindPlan:
    """A compiled statement's SQL and, in parameter order, each parameter's row key and bind processor."""

    sql: str
    columns: list[tuple[str, Callable | None]]
    values: str | None  # the "(?, …, ?)" of one row when the statement returns rows, else None
    defaults: dict[str, Callable[[], object]]  # the parameters the rows leave to a column default
    by_count: dict[int, str] = field(default_factory=dict)

    def run(self, connection: sa.Connection, rows: list[dict]) -> list[tuple]:
        """Bind and run rows; return what RETURNING gave."""
        columns = self.columns
        if self.defaults:
            rows = [row | {name: default() for name, default in self.defaults.items()} for row in rows]
        bound = [tuple([row[key] if convert is None else convert(row[key]) for key, convert in columns])
                 for row in rows]
        if self.values is None:
            connection.exec_driver_sql(self.sql, bound)
            return []
        returned: list[tuple] = []
        chunk = max(1, min(1000, _SQLITE_PARAMETERS // max(1, len(columns))))
        for start in range(0, len(bound), chunk):
            part = bound[start:start + chunk]
            flat = tuple(value for row in part for value in row)
            returned.extend(connection.exec_driver_sql(self._sql_for(len(part)), flat).all())
        return returned

    def _sql_for(self, count: int) -> str:
        sql = self.by_count.get(count)
        if sql is None:
            sql = self.sql.replace(f"VALUES {self.values}", "VALUES " + ", ".join([self.values] * count), 1)
            if len(self.by_count) < 64:
                self.by_count[count] = sql
        return sql


@functools.lru_cache(maxsize=256)
def _bind_plan(dialect: sa.Dialect, statement: sa.Insert, keys: tuple[str, ...]) -> _BindPlan | None:
    """Return how to bind rows with these keys to statement on SQLite, or None when only SQLAlchemy can."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    names = compiled.positiontup or []
    if (not names or compiled.literal_execute_params or compiled.post_compile_params
            or getattr(statement, "_values", None) or getattr(statement, "_multi_values", None)):
        return None  # a parameter rendered at run time, or values given in the statement itself
    defaults = {}
    for name in set(names) - set(keys):
        default = _plain_default(statement, name)
        if default is None:
            return None  # a parameter the rows do not give and no plain column default fills
        defaults[name] = default
    returning = list(compiled.returning or [])
    for column in returning:
        if column.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
            return None
    columns = [(name, compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names]
    values = "(" + ", ".join(["?"] * len(names)) + ")"
    if returning and compiled.string.count(f"VALUES {values}") != 1:
        return None
    return _BindPlan(compiled.string, columns, values if returning else None, defaults)


def _plain_default(statement: sa.Insert, name: str) -> Callable[[], object] | None:
    """Return what gives column name's Python-side default for one row (a constant, or a function of no
    arguments, called per row as SQLAlchemy does), or None for anything else (a default that reads the row)."""
    column = statement.table.c.get(name)
    default = column.default if column is not None else None
    if default is None or default.is_sequence or default.is_clause_element:
        return None
    if default.is_scalar:
        return lambda value=default.arg: value
    original = getattr(default.arg, "__wrapped__", None)  # SQLAlchemy wraps a function of no arguments
    return original if callable(original) else None
