"""A broadcast's live order totals, kept by the database as it changes orders: read at a cost that does not grow.

The host's totals (accepted and paid orders, units, GMV, held and waitlisted counts) are pushed after every
batch of orders. Summing them over the orders of the broadcast cost a scan of every order on every batch,
5 ms at 8,000 orders and growing with the sale. Instead, triggers on ``orders`` (SQLite and PostgreSQL, created
with the schema and by the migration) append one signed row per change to ``order_totals``: +1 for an order's
new (broadcast, status, units, total, paid amount), -1 for the values it leaves. Any writer is counted: the
ORM, Core statements, a migration, a person at the SQL prompt.

Reading folds the rows: ``compact_totals`` deletes a broadcast's rows and writes back one row per status, so
the rows read are the changes since the last fold plus one per status, whatever the broadcast's length. The
pushes after a batch fold (they write anyway); ``read_totals`` only sums, for pages and snapshots.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import cents_to_money
from app.extensions import db

# The host's running totals count committed demand only: held and waitlisted orders are shown as counts.
COUNTED_STATUSES = ("accepted", "paid")


class OrderTotalsRow(db.Model):
    """One signed change of a broadcast's order totals for one status (a fold leaves one row per status)."""

    __tablename__ = "order_totals"
    __table_args__ = (sa.Index("ix_order_totals_broadcast", "broadcast_id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    broadcast_id: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(32))
    orders: Mapped[int] = mapped_column(sa.BigInteger)
    units: Mapped[int] = mapped_column(sa.BigInteger)
    total_cents: Mapped[int] = mapped_column(sa.BigInteger)
    paid_cents: Mapped[int] = mapped_column(sa.BigInteger)


_T = OrderTotalsRow.__table__
_COLUMNS = "broadcast_id, status, orders, units, total_cents, paid_cents"
_TRACKED = ("broadcast_id", "status", "units", "total", "paid_amount")


def _row(side: str, sign: str) -> str:
    """Return the VALUES of one change row for the OLD or NEW side of a trigger, signed."""
    return (f"({side}.broadcast_id, {side}.status, {sign}1, {sign}{side}.units, {sign}{side}.total, "
            f"{sign}coalesce({side}.paid_amount, 0))")


_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in _TRACKED)
SQLITE_TRIGGERS = (
    (f"CREATE TRIGGER IF NOT EXISTS order_totals_insert AFTER INSERT ON orders BEGIN "
    f"INSERT INTO order_totals ({_COLUMNS}) VALUES {_row('NEW', '+')}; END"),
    (f"CREATE TRIGGER IF NOT EXISTS order_totals_update AFTER UPDATE OF {', '.join(_TRACKED)} ON orders "
    f"WHEN {_CHANGED} BEGIN "
    f"INSERT INTO order_totals ({_COLUMNS}) VALUES {_row('OLD', '-')}, {_row('NEW', '+')}; END"),
    (f"CREATE TRIGGER IF NOT EXISTS order_totals_delete AFTER DELETE ON orders BEGIN "
    f"INSERT INTO order_totals ({_COLUMNS}) VALUES {_row('OLD', '-')}; END"),
)
_UNCHANGED = " AND ".join(f"OLD.{column} IS NOT DISTINCT FROM NEW.{column}" for column in _TRACKED)
POSTGRESQL_TRIGGERS = (
    ("CREATE OR REPLACE FUNCTION order_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP = 'UPDATE' AND {_UNCHANGED} THEN RETURN NULL; END IF; "
    f"IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO order_totals ({_COLUMNS}) VALUES {_row('OLD', '-')}; END IF; "
    f"IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO order_totals ({_COLUMNS}) VALUES {_row('NEW', '+')}; END IF; "
    "RETURN NULL; END $$"),
    "DROP TRIGGER IF EXISTS order_totals_track ON orders",
    (f"CREATE TRIGGER order_totals_track AFTER INSERT OR DELETE OR UPDATE OF {', '.join(_TRACKED)} ON orders "
    "FOR EACH ROW EXECUTE FUNCTION order_totals_track()"),
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS order_totals_insert", "DROP TRIGGER IF EXISTS order_totals_update",
               "DROP TRIGGER IF EXISTS order_totals_delete")
POSTGRESQL_DROP = ("DROP TRIGGER IF EXISTS order_totals_track ON orders", "DROP FUNCTION IF EXISTS order_totals_track()")
# What a new schema (or the migration) starts from: every existing order, one row per broadcast and status.
BACKFILL = (f"INSERT INTO order_totals ({_COLUMNS}) SELECT broadcast_id, status, count(*), coalesce(sum(units), 0), "
            "coalesce(sum(total), 0), coalesce(sum(coalesce(paid_amount, 0)), 0) FROM orders GROUP BY broadcast_id, status")


def trigger_statements(dialect: str) -> tuple[str, ...]:
    """Return the DDL that makes the database keep order_totals on the dialect ("sqlite" or "postgresql")."""
    return POSTGRESQL_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS


def drop_statements(dialect: str) -> tuple[str, ...]:
    """Return the DDL that removes the triggers again (the migration's downgrade)."""
    return POSTGRESQL_DROP if dialect == "postgresql" else SQLITE_DROP


@sa.event.listens_for(db.metadata, "after_create")
def _create_triggers(_metadata, connection, **_kw) -> None:
    """Create the triggers with the schema (create_all), once every table exists."""
    for statement in trigger_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


def _sums(table) -> sa.Select:
    """Return the per-status sums of table's change rows (order_totals, or the rows a DELETE returned)."""
    return sa.select(table.c.status, sa.func.sum(table.c.orders), sa.func.sum(table.c.units),
                     sa.func.sum(table.c.total_cents), sa.func.sum(table.c.paid_cents)).group_by(table.c.status)


_OF_BROADCAST = _T.c.broadcast_id == sa.bindparam("broadcast_id")
_SUM = _sums(_T).where(_OF_BROADCAST)
_DELETE = sa.delete(_T).where(_OF_BROADCAST)
# PostgreSQL: the rows deleted are exactly the rows summed (other transactions may add rows meanwhile).
_FOLD_POSTGRESQL = _sums(_DELETE.returning(*_T.c).cte("folded"))
_TURN = sa.text("SELECT pg_advisory_xact_lock(17001, :broadcast_id)")


def compact_totals(session: Session, broadcast_id: int) -> dict:
    """Return the broadcast's totals (as broadcast_totals shapes them) after folding its change rows into one per status.

    Writes: call it inside the transaction that changed the orders (the pushes after a batch do).
    """
    session.flush()  # orders changed through the ORM must have fired their triggers first
    params = {"broadcast_id": broadcast_id}
    if session.get_bind().dialect.name == "postgresql":
        # Folds of one broadcast take turns: a fold's DELETE must start after the fold before it committed, or its
        # snapshot would miss the row that fold wrote back (the stored rows stay right; the pushed totals would not).
        session.execute(_TURN, params)
        by_status = _fold(session.execute(_FOLD_POSTGRESQL, params).all())
    else:  # one writer at a time: nothing can come between the sums and the DELETE
        by_status = _fold(session.execute(_SUM, params).all())
        session.execute(_DELETE, params)
    rows = [{"broadcast_id": broadcast_id, "status": status, "orders": n, "units": units, "total_cents": total,
             "paid_cents": paid} for status, (n, units, total, paid) in sorted(by_status.items())
            if (n, units, total, paid) != (0, 0, 0, 0)]
    if rows:
        session.execute(sa.insert(_T), rows)
    return shape_totals(by_status)


def read_totals(session: Session, broadcast_id: int) -> dict:
    """Return the broadcast's totals without writing (for pages and snapshots)."""
    session.flush()
    return shape_totals(_fold(session.execute(_SUM, {"broadcast_id": broadcast_id}).all()))


def _fold(rows) -> dict[str, tuple[int, int, int, int]]:
    """Return {status: (orders, units, total cents, paid cents)} from per-status sums."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for status, *values in rows:
        for index, value in enumerate(values):
            sums[status][index] += int(value or 0)
    return {status: tuple(values) for status, values in sums.items()}


def shape_totals(by_status: dict[str, tuple[int, int, int, int]]) -> dict:
    """Return the pushed totals: accepted and paid orders, units and GMV, the paid part, held and waitlisted counts."""
    counted = [by_status.get(status, (0, 0, 0, 0)) for status in COUNTED_STATUSES]
    paid = by_status.get("paid", (0, 0, 0, 0))
    return {
        "orders": sum(row[0] for row in counted), "units": sum(row[1] for row in counted),
        "gmv": str(cents_to_money(sum(row[2] for row in counted))),
        "paid_orders": paid[0], "paid_gmv": str(cents_to_money(paid[3])),
        "held": by_status.get("held", (0,))[0], "waitlisted": by_status.get("waitlisted", (0,))[0],
    }
