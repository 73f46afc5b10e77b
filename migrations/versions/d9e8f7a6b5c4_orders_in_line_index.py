"""orders: a partial index of the orders with a place in a SKU's line, read by every batch of new orders

Revision ID: d9e8f7a6b5c4
Revises: cef1a2b3d4e5
Create Date: 2026-12-07 07:55:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "d9e8f7a6b5c4"
down_revision = "cef1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_orders_in_line", "orders", ["waitlisted_at"],
                    sqlite_where=sa.text("waitlisted_at IS NOT NULL"),
                    postgresql_where=sa.text("waitlisted_at IS NOT NULL"))


def downgrade():
    op.drop_index("ix_orders_in_line", table_name="orders")
