"""order totals kept by the database (issue 17): order_totals and its triggers; an index for the audit's buyer reads

Revision ID: ccf1a2b3d4e5
Revises: cbf1a2b3d4e5
Create Date: 2026-12-06 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from orders.totals import BACKFILL, drop_statements, trigger_statements


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
    for statement in trigger_statements(dialect):
        op.execute(statement)


def downgrade():
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_index("ix_orders_broadcast_buyer", table_name="orders")
    op.drop_index("ix_order_totals_broadcast", table_name="order_totals")
    op.drop_table("order_totals")
