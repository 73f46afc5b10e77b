"""analytics: products with variants rolled up, the funnel's people (issue 10, items 10 and 13)

Order lines know their product, variants get their own totals, people count the orders they placed, and the
state holds the funnel's head counts. Every broadcast's rollups are marked stale: they are rebuilt from the
event log (analytics.rollups.rebuild) the next time they are read, so old data gets the new definitions.

Revision ID: e5f7a9b3c1d8
Revises: a7c3e9d1f2b4
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import analytics.models


# revision identifiers, used by Alembic.
revision = "e5f7a9b3c1d8"
down_revision = "a7c3e9d1f2b4"
branch_labels = None
depends_on = None

_STATE_COUNTS = ("people", "orderers", "orderer_clickers", "orderer_joiners")


def upgrade():
    op.create_table(
        "analytics_variant",
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("variant", sa.String(length=64), nullable=False),
        sa.Column("paid_orders", sa.Integer(), nullable=False),
        sa.Column("paid_units", sa.Integer(), nullable=False),
        sa.Column("paid_gmv", analytics.models.DecimalText(length=48), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_analytics_variant_broadcast_id_broadcasts")),
        sa.PrimaryKeyConstraint("broadcast_id", "sku", "variant", name=op.f("pk_analytics_variant")),
    )
    with op.batch_alter_table("analytics_state", schema=None) as batch_op:
        for name in _STATE_COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("analytics_viewer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("orders", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("first_placed_us", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_analytics_viewer_first_placed", ["broadcast_id", "first_placed_us"], unique=False)
    with op.batch_alter_table("analytics_order_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("product_sku", sa.String(length=64), nullable=False, server_default=""))
        batch_op.drop_index("ix_analytics_order_line_sku")
        batch_op.create_index("ix_analytics_order_line_product", ["broadcast_id", "product_sku", "placed_us"],
                              unique=False)
    # The defaults were only for the rows already there; the models give every new row its values.
    with op.batch_alter_table("analytics_state", schema=None) as batch_op:
        for name in _STATE_COUNTS:
            batch_op.alter_column(name, server_default=None)
    with op.batch_alter_table("analytics_viewer", schema=None) as batch_op:
        batch_op.alter_column("orders", server_default=None)
    with op.batch_alter_table("analytics_order_line", schema=None) as batch_op:
        batch_op.alter_column("product_sku", server_default=None)
    op.execute(sa.text("UPDATE analytics_state SET stale = true"))


def downgrade():
    op.execute(sa.text("UPDATE analytics_state SET stale = true"))
    with op.batch_alter_table("analytics_order_line", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_order_line_product")
        batch_op.create_index("ix_analytics_order_line_sku", ["broadcast_id", "sku", "placed_us"], unique=False)
        batch_op.drop_column("product_sku")
    with op.batch_alter_table("analytics_viewer", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_viewer_first_placed")
        batch_op.drop_column("first_placed_us")
        batch_op.drop_column("orders")
    with op.batch_alter_table("analytics_state", schema=None) as batch_op:
        for name in _STATE_COUNTS:
            batch_op.drop_column(name)
    op.drop_table("analytics_variant")
