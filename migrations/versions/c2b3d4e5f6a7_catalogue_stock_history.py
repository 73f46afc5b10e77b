"""catalogue and stock: product details, append-only stock history (issue 11)

Revision ID: c2b3d4e5f6a7
Revises: b1a2c3d4e5f6
Create Date: 2026-12-06 05:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = "c2b3d4e5f6a7"
down_revision = "b1a2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_url", sa.String(length=500), nullable=True))
    with op.batch_alter_table("product_variants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("size", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("colour", sa.String(length=32), nullable=True))
    op.create_table(
        "stock_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("available_before", sa.Integer(), nullable=False),
        sa.Column("available_after", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("sold", sa.Integer(), nullable=False),
        sa.Column("at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_stock_history_product_id_products")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_history")),
    )
    with op.batch_alter_table("stock_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_history_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_history_sku"), ["sku"], unique=False)


def downgrade():
    with op.batch_alter_table("stock_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_history_sku"))
        batch_op.drop_index(batch_op.f("ix_stock_history_product_id"))
    op.drop_table("stock_history")
    with op.batch_alter_table("product_variants", schema=None) as batch_op:
        batch_op.drop_column("colour")
        batch_op.drop_column("size")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("image_url")
