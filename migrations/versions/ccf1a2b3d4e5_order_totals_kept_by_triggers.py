"""order totals kept by the database (issue 17): order_totals and its triggers; an index for the audit's buyer reads

Revision ID: ccf1a2b3d4e5
Revises: cbf1a2b3d4e5
Create Date: 2026-12-06 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

# Frozen here, as they were when this revision was written: a migration must keep creating what it created, whatever
# orders/totals.py (which creates the same for a new schema) later becomes. tests/integration/test_migrations.py
# compares the two at head.
BACKFILL = 'INSERT INTO order_totals (broadcast_id, status, orders, units, total_cents, paid_cents) SELECT broadcast_id, status, count(*), coalesce(sum(units), 0), coalesce(sum(total), 0), coalesce(sum(coalesce(paid_amount, 0)), 0) FROM orders GROUP BY broadcast_id, status'
TRIGGERS = {
    "sqlite": (
        'CREATE TRIGGER IF NOT EXISTS order_totals_insert AFTER INSERT ON orders BEGIN INSERT INTO order_totals (broadcast_id, status, orders, units, total_cents, paid_cents) VALUES (NEW.broadcast_id, NEW.status, +1, +NEW.units, +NEW.total, +coalesce(NEW.paid_amount, 0)); END',
        'CREATE TRIGGER IF NOT EXISTS order_totals_update AFTER UPDATE OF broadcast_id, status, units, total, paid_amount ON orders WHEN OLD.broadcast_id IS NOT NEW.broadcast_id OR OLD.status IS NOT NEW.status OR OLD.units IS NOT NEW.units OR OLD.total IS NOT NEW.total OR OLD.paid_amount IS NOT NEW.paid_amount BEGIN INSERT INTO order_totals (broadcast_id, status, orders, units, total_cents, paid_cents) VALUES (OLD.broadcast_id, OLD.status, -1, -OLD.units, -OLD.total, -coalesce(OLD.paid_amount, 0)), (NEW.broadcast_id, NEW.status, +1, +NEW.units, +NEW.total, +coalesce(NEW.paid_amount, 0)); END',
        'CREATE TRIGGER IF NOT EXISTS order_totals_delete AFTER DELETE ON orders BEGIN INSERT INTO order_totals (broadcast_id, status, orders, units, total_cents, paid_cents) VALUES (OLD.broadcast_id, OLD.status, -1, -OLD.units, -OLD.total, -coalesce(OLD.paid_amount, 0)); END',
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION order_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' AND OLD.broadcast_id IS NOT DISTINCT FROM NEW.broadcast_id AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.units IS NOT DISTINCT FROM NEW.units AND OLD.total IS NOT DISTINCT FROM NEW.total AND OLD.paid_amount IS NOT DISTINCT FROM NEW.paid_amount THEN RETURN NULL; END IF; IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO order_totals (broadcast_id, status, orders, units, total_cents, paid_cents) VALUES (OLD.broadcast_id, OLD.status, -1, -OLD.units, -OLD.total, -coalesce(OLD.paid_amount, 0)); END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO order_totals (broadcast_id, status, orders, units, total_cents, paid_cents) VALUES (NEW.broadcast_id, NEW.status, +1, +NEW.units, +NEW.total, +coalesce(NEW.paid_amount, 0)); END IF; RETURN NULL; END $$",
        'DROP TRIGGER IF EXISTS order_totals_track ON orders',
        'CREATE TRIGGER order_totals_track AFTER INSERT OR DELETE OR UPDATE OF broadcast_id, status, units, total, paid_amount ON orders FOR EACH ROW EXECUTE FUNCTION order_totals_track()',
    ),
}
DROPS = {
    "sqlite": (
        'DROP TRIGGER IF EXISTS order_totals_insert',
        'DROP TRIGGER IF EXISTS order_totals_update',
        'DROP TRIGGER IF EXISTS order_totals_delete',
    ),
    "postgresql": (
        'DROP TRIGGER IF EXISTS order_totals_track ON orders',
        'DROP FUNCTION IF EXISTS order_totals_track()',
    ),
}


# revision identifiers, used by Alembic.
revision = "ccf1a2b3d4e5"
down_revision = "cbf1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "order_totals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_cents", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_order_totals_broadcast", "order_totals", ["broadcast_id"])
    op.create_index("ix_orders_broadcast_buyer", "orders", ["broadcast_id", "buyer_id", "status", "placed_at"])
    dialect = op.get_bind().dialect.name
    op.execute(BACKFILL)
    for statement in TRIGGERS[dialect]:
        op.execute(statement)


def downgrade():
    for statement in DROPS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index("ix_orders_broadcast_buyer", table_name="orders")
    op.drop_index("ix_order_totals_broadcast", table_name="order_totals")
    op.drop_table("order_totals")
