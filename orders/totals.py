"""A broadcast's live order totals, kept by the database as it changes orders: read at a cost that does not grow.

The host's totals (accepted and paid orders, units, GMV, held and waitlisted counts) are pushed after every
batch of orders. Summing them over the orders of the broadcast cost a scan of every order on every batch,
5 ms at 8,000 orders and growing with the sale. Instead, triggers on ``orders`` (SQLite and PostgreSQL, created
with the schema and by the migration) append one signed row per change to ``order_totals``: +1 for an order's
new (broadcast, status, units, total, paid amount), -1 for the values it leaves. Any writer is counted: the
ORM, Core statements, a migration, a person at the SQL prompt.

Reading folds the rows: ``compact_totals`` deletes a broadcast's rows and writes back one row per status (on SQLite
once they are more than ``FOLD_AFTER_ROWS``), so the rows read are the changes since the last fold plus one per
status, whatever the broadcast's length. The pushes after a batch fold (they write anyway); ``read_totals`` only
sums, for pages and snapshots.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db import cents_to_money
from app.db.kept_sums import create_with_schema, fold_sums, read_sums
from app.extensions import db

# The host's running totals count committed demand only: held and waitlisted orders are shown as counts. A paid
# order stays paid demand while the warehouse packs and ships it: shipping must not lower the host's figures.
PAID_STATUSES = ("paid", "packing", "partially_shipped", "shipped", "delivered", "delivery_failed",
                 "returned_to_sender", "lost")
COUNTED_STATUSES = ("accepted", *PAID_STATUSES)
WAITING_STATUSES = ("held", "waitlisted")


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
DDL = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}
create_with_schema(DDL)
_SUMMED = ("orders", "units", "total_cents", "paid_cents")
_LOCK = 17001  # the first key of the PostgreSQL advisory lock of a broadcast's fold (17002: the claim counts)


def compact_totals(session: Session, broadcast_id: int) -> dict:
    """Return the broadcast's totals (as broadcast_totals shapes them) after folding its change rows into one per status.

    Writes: call it inside the transaction that changed the orders (the pushes after a batch do).
    """
    return shape_totals(fold_sums(session, _T, "status", _SUMMED, broadcast_id, _LOCK))


def read_totals(session: Session, broadcast_id: int) -> dict:
    """Return the broadcast's totals without writing (for pages and snapshots)."""
    return shape_totals(read_sums(session, _T, "status", _SUMMED, broadcast_id))


def shape_totals(by_status: dict[str, tuple[int, int, int, int]]) -> dict:
    """Return the pushed totals: accepted and paid orders, units and GMV, the paid part, held and waitlisted counts,
    and the money already paid on held and waitlisted orders (paid_waiting)."""
    counted = [by_status.get(status, (0, 0, 0, 0)) for status in COUNTED_STATUSES]
    paid = [by_status.get(status, (0, 0, 0, 0)) for status in PAID_STATUSES]
    return {
        "orders": sum(row[0] for row in counted), "units": sum(row[1] for row in counted),
        "gmv": str(cents_to_money(sum(row[2] for row in counted))),
        "paid_orders": sum(row[0] for row in paid), "paid_gmv": str(cents_to_money(sum(row[3] for row in paid))),
        "held": by_status.get("held", (0,))[0], "waitlisted": by_status.get("waitlisted", (0,))[0],
        # Money already taken on orders that wait for review or for stock: not committed demand yet, but the
        # analytics GMV (the platform's view: paid and not cancelled) counts it, so the host page shows it too.
        "paid_waiting": str(cents_to_money(sum(by_status.get(status, (0, 0, 0, 0))[3] for status in WAITING_STATUSES))),
    }
