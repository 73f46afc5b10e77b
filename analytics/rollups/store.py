"""Reading and writing rollup rows of one broadcast by key, a few statements per batch (Core, executemany).

Callers hold the broadcast's analytics_state row lock (analytics.rollups.record), so read-modify-write is safe.
A key is the tuple of a table's primary-key columns after ``broadcast_id``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

CHUNK = 400  # keys per statement: far below SQLite's and PostgreSQL's parameter limits

Key = tuple
Row = dict[str, Any]


def _table(model) -> sa.Table:
    return model.__table__


def key_columns(model) -> list[sa.Column]:
    """Return the primary-key columns of a rollup table other than broadcast_id, in order."""
    return [c for c in _table(model).primary_key.columns if c.name != "broadcast_id"]


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@cache
def _defaults(model) -> tuple[tuple[str, ...], dict[str, Any]]:
    names = tuple(c.name for c in key_columns(model))
    values = {}
    for column in _table(model).columns:
        if column.name != "broadcast_id" and column.name not in names:
            default = column.default
            values[column.name] = default.arg if default is not None and not callable(default.arg) else None
    return names, values


def blank(model, broadcast_id: int, key: Key) -> Row:
    """Return a new row of model for key, every other column at its default."""
    names, values = _defaults(model)
    return {"broadcast_id": broadcast_id, **dict(zip(names, key)), **values}


@cache
def _by_key(model) -> sa.Select:
    """Return the select of rows by a list of one-column keys (built once: every batch reads its minutes)."""
    table, (column,) = _table(model), key_columns(model)
    return sa.select(table).where(table.c.broadcast_id == sa.bindparam("broadcast_id"),
                                  column.in_(sa.bindparam("keys", expanding=True)))


@cache
def _by_keys(model) -> sa.TextClause:
    """Return the select of rows by CHUNK composite keys: a join with a VALUES list of bound parameters.

    Not a row-value IN list, which makes SQLite scan the whole broadcast; plain text built once, because
    compiling a VALUES construct of CHUNK rows for every batch costs more than running it (a short last
    chunk repeats its last key).
    """
    table, columns = _table(model), key_columns(model)
    names = ", ".join(f"k{i}" for i in range(len(columns)))
    rows = ", ".join("(" + ", ".join(f":k{i}_{j}" for i in range(len(columns))) + ")" for j in range(CHUNK))
    join = " AND ".join(f"t.{c.name} = wanted.k{i}" for i, c in enumerate(columns))
    selected = ", ".join(f"t.{c.name}" for c in table.columns)
    sql = (f"WITH wanted({names}) AS (VALUES {rows}) SELECT {selected} FROM {table.name} AS t "
           f"JOIN wanted ON {join} WHERE t.broadcast_id = :broadcast_id")
    return sa.text(sql).columns(*table.columns)


def load(session: Session, model, broadcast_id: int, keys: Iterable[Key]) -> dict[Key, Row]:
    """Return the existing rows of keys, by key."""
    columns = key_columns(model)
    found: dict[Key, Row] = {}
    for chunk in _chunks(sorted(set(keys))):
        if len(columns) == 1:
            rows = session.execute(_by_key(model), {"broadcast_id": broadcast_id,
                                                    "keys": [key[0] for key in chunk]}).mappings().all()
        else:
            padded = chunk + [chunk[-1]] * (CHUNK - len(chunk))
            params = {f"k{i}_{j}": key[i] for j, key in enumerate(padded) for i in range(len(columns))}
            rows = session.execute(_by_keys(model), {"broadcast_id": broadcast_id, **params}).mappings().all()
        for row in rows:
            found[tuple(row[c.name] for c in columns)] = dict(row)
    return found


@cache
def _statements(model) -> dict[str, tuple[sa.TextClause, list[str]]]:
    """Return the insert, update-by-key and delete-by-key statements of a table with their parameter order."""
    table = _table(model)
    pk = ["broadcast_id", *(c.name for c in key_columns(model))]
    values = [c.name for c in table.columns if c.name not in pk]
    every = [c.name for c in table.columns]
    where = " AND ".join(f"{name} = :{name}" for name in pk)
    return {
        "insert": (f"INSERT INTO {table.name} ({', '.join(every)}) VALUES ({', '.join(':' + n for n in every)})", every),
        "update": (f"UPDATE {table.name} SET {', '.join(f'{n} = :{n}' for n in values)} WHERE {where}", values + pk),
        "delete": (f"DELETE FROM {table.name} WHERE {where}", pk),
    }


def _write(session: Session, model, kind: str, rows: list[Row]) -> None:
    """Run one insert, update or delete statement for many rows (executemany)."""
    sql, names = _statements(model)[kind]
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        session.execute(sa.text(sql).bindparams(*(sa.bindparam(n, type_=_table(model).c[n].type) for n in names)),
                        rows)
        return
    # SQLite: straight to the driver, converting with the column types. SQLAlchemy builds a parameter
    # dict per row otherwise, which costs more than the statement when rebuilding millions of rows.
    processors = [_table(model).c[n].type.bind_processor(connection.dialect) for n in names]
    positional = sql
    for n in sorted(names, key=len, reverse=True):
        positional = positional.replace(f":{n}", "?")
    connection.exec_driver_sql(positional, [tuple(p(row[n]) if p else row[n] for n, p in zip(names, processors))
                                            for row in rows])


def save(session: Session, model, rows: Mapping[Key, Row], existing: Mapping[Key, Row] | Iterable[Key]) -> None:
    """Insert the rows whose key is not in existing and update the others (whole rows).

    When existing maps keys to the rows as loaded, rows equal to them are not written again.
    """
    before = existing if isinstance(existing, Mapping) else dict.fromkeys(existing)
    fresh = [row for key, row in rows.items() if key not in before]
    if fresh:
        _write(session, model, "insert", fresh)
    changed = [row for key, row in rows.items() if key in before and row != before[key]]
    if changed:
        _write(session, model, "update", changed)


def delete(session: Session, model, broadcast_id: int, keys: Iterable[Key]) -> None:
    """Delete the rows of keys."""
    names = [c.name for c in key_columns(model)]
    rows = [{"broadcast_id": broadcast_id, **dict(zip(names, key))} for key in sorted(set(keys))]
    if rows:
        _write(session, model, "delete", rows)


def add(session: Session, model, broadcast_id: int, deltas: Mapping[Key, Mapping[str, Any]]) -> dict[Key, Row]:
    """Add per-column deltas to the rows of their keys (created at their defaults); return the new rows."""
    deltas = {key: d for key, d in deltas.items() if any(d.values())}
    if not deltas:
        return {}
    existing = load(session, model, broadcast_id, deltas)
    rows: dict[Key, Row] = {}
    for key, delta in deltas.items():
        row = dict(existing.get(key) or blank(model, broadcast_id, key))
        for column, value in delta.items():
            row[column] = row[column] + value
        rows[key] = row
    save(session, model, rows, existing)
    return rows
