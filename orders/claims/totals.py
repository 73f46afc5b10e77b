"""A broadcast's claim counts by status, kept by the database as claims and their orders change.

The host page's live claim count (claims.changed) was pushed after every batch with claims, and counting it grouped
every claim of the broadcast joined to its order: 43 ms at 100,000 claims, on every chat batch of a long comment
selling show. Instead, triggers append one signed row per change to ``claim_totals``: on ``chat_claims`` (a claim
added, its order, reason or order time changed, a claim deleted) and on ``orders`` (the status of an order that
claims became, which the claim's status follows; an order deleted). Any writer is counted, as for the order totals
(orders/totals.py; the fold is app/db/kept_sums.py): the pushes fold a broadcast's rows back to one per status, pages sum.

A claim's status is orders/claims/status.py's rule, written here once more as SQL over a claim's columns and its
order's status (status_sql); tests/integration/test_claim_totals.py compares the counts with that module's query.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.kept_sums import create_with_schema, fold_sums, read_sums
from app.extensions import db
from orders.claims.status import CLAIM_STATUSES
from orders.totals import PAID_STATUSES


class ClaimTotalsRow(db.Model):
    """One signed change of a broadcast's claim count for one status (a fold leaves one row per status)."""

    __tablename__ = "claim_totals"
    __table_args__ = (sa.Index("ix_claim_totals_broadcast", "broadcast_id"),)

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    broadcast_id: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(16))
    claims: Mapped[int] = mapped_column(sa.BigInteger)


_PAID = ", ".join(f"'{status}'" for status in PAID_STATUSES)


def status_sql(claim: str, order_status: str) -> str:
    """Return the SQL of the status of the claim row `claim` (NEW, OLD, or an alias) whose order has order_status
    (an expression; NULL when the claim has no order or its order is gone): orders/claims/status.py's rule."""
    return (f"CASE WHEN {claim}.order_pk IS NULL THEN "
            f"CASE WHEN {claim}.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END "
            f"WHEN {order_status} IN ({_PAID}) THEN 'paid' WHEN {order_status} = 'expired' THEN 'expired' "
            f"WHEN {order_status} IN ('cancelled', 'rejected') THEN 'cancelled' "
            f"WHEN {claim}.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END")


def _own(claim: str) -> str:
    """Return the status of claim row `claim` as its order stands now."""
    return status_sql(claim, f"(SELECT status FROM orders WHERE orders.id = {claim}.order_pk)")


def _claim_row(claim: str, sign: str) -> str:
    return f"({claim}.broadcast_id, {_own(claim)}, {sign}1)"


def _claims_of(order: str, order_status: str, sign: str) -> str:
    """Return a SELECT of one signed change row per claim that became order `order` (OLD or NEW), its status read
    with order_status."""
    return (f"SELECT c.broadcast_id, {status_sql('c', order_status)}, {sign}1 FROM chat_claims c "
            f"WHERE c.order_pk = {order}.id")


_COLUMNS = "broadcast_id, status, claims"
_TRACKED = ("broadcast_id", "order_pk", "reason", "ordered_at")
_CHANGED = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in _TRACKED)
SQLITE_TRIGGERS = (
    (f"CREATE TRIGGER IF NOT EXISTS claim_totals_insert AFTER INSERT ON chat_claims BEGIN "
     f"INSERT INTO claim_totals ({_COLUMNS}) VALUES {_claim_row('NEW', '+')}; END"),
    (f"CREATE TRIGGER IF NOT EXISTS claim_totals_update AFTER UPDATE OF {', '.join(_TRACKED)} ON chat_claims "
     f"WHEN {_CHANGED} BEGIN "
     f"INSERT INTO claim_totals ({_COLUMNS}) VALUES {_claim_row('OLD', '-')}, {_claim_row('NEW', '+')}; END"),
    (f"CREATE TRIGGER IF NOT EXISTS claim_totals_delete AFTER DELETE ON chat_claims BEGIN "
     f"INSERT INTO claim_totals ({_COLUMNS}) VALUES {_claim_row('OLD', '-')}; END"),
    (f"CREATE TRIGGER IF NOT EXISTS claim_totals_order_update AFTER UPDATE OF status ON orders "
     f"WHEN OLD.status IS NOT NEW.status BEGIN "
     f"INSERT INTO claim_totals ({_COLUMNS}) {_claims_of('OLD', 'OLD.status', '-')} "
     f"UNION ALL {_claims_of('NEW', 'NEW.status', '+')}; END"),
    (f"CREATE TRIGGER IF NOT EXISTS claim_totals_order_delete AFTER DELETE ON orders BEGIN "
     f"INSERT INTO claim_totals ({_COLUMNS}) {_claims_of('OLD', 'OLD.status', '-')} "
     f"UNION ALL {_claims_of('OLD', 'NULL', '+')}; END"),
)
_UNCHANGED = " AND ".join(f"OLD.{column} IS NOT DISTINCT FROM NEW.{column}" for column in _TRACKED)
POSTGRESQL_TRIGGERS = (
    ("CREATE OR REPLACE FUNCTION claim_totals_track_claim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
     f"IF TG_OP = 'UPDATE' AND {_UNCHANGED} THEN RETURN NULL; END IF; "
     f"IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO claim_totals ({_COLUMNS}) VALUES {_claim_row('OLD', '-')}; "
     "END IF; "
     f"IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO claim_totals ({_COLUMNS}) VALUES {_claim_row('NEW', '+')}; "
     "END IF; RETURN NULL; END $$"),
    "DROP TRIGGER IF EXISTS claim_totals_track_claim ON chat_claims",
    (f"CREATE TRIGGER claim_totals_track_claim AFTER INSERT OR DELETE OR UPDATE OF {', '.join(_TRACKED)} "
     "ON chat_claims FOR EACH ROW EXECUTE FUNCTION claim_totals_track_claim()"),
    ("CREATE OR REPLACE FUNCTION claim_totals_track_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
     "IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN RETURN NULL; END IF; "
     f"INSERT INTO claim_totals ({_COLUMNS}) {_claims_of('OLD', 'OLD.status', '-')}; "
     f"IF TG_OP = 'UPDATE' THEN INSERT INTO claim_totals ({_COLUMNS}) {_claims_of('NEW', 'NEW.status', '+')}; "
     f"ELSE INSERT INTO claim_totals ({_COLUMNS}) {_claims_of('OLD', 'NULL', '+')}; END IF; "
     "RETURN NULL; END $$"),
    "DROP TRIGGER IF EXISTS claim_totals_track_order ON orders",
    ("CREATE TRIGGER claim_totals_track_order AFTER DELETE OR UPDATE OF status ON orders "
     "FOR EACH ROW EXECUTE FUNCTION claim_totals_track_order()"),
)
DDL = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}
create_with_schema(DDL)
_T = ClaimTotalsRow.__table__
_LOCK = 17002  # the first key of the PostgreSQL advisory lock of a broadcast's fold (17001: the order totals)


def compact_claim_counts(session: Session, broadcast_id: int) -> dict[str, int]:
    """Return {status: claims} of the broadcast (every status, 0 when none) after folding its change rows into one
    row per status. Writes: call it inside the transaction that changed the claims (the pushes do)."""
    return _counts(fold_sums(session, _T, "status", ("claims",), broadcast_id, _LOCK))


def read_claim_counts(session: Session, broadcast_id: int) -> dict[str, int]:
    """Return {status: claims} of the broadcast (every status, 0 when none) without writing."""
    return _counts(read_sums(session, _T, "status", ("claims",), broadcast_id))


def _counts(sums: dict[str, tuple[int, ...]]) -> dict[str, int]:
    counts = dict.fromkeys(CLAIM_STATUSES, 0)
    counts.update({status: claims for status, (claims,) in sums.items()})
    return counts
