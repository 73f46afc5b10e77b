"""broadcasts and line-up set-up: planned start, link numbers (issue 11)

Revision ID: b1a2c3d4e5f6
Revises: e5f7a9b3c1d8
Create Date: 2026-12-06 05:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.db


# revision identifiers, used by Alembic.
revision = "b1a2c3d4e5f6"
down_revision = "e5f7a9b3c1d8"
branch_labels = None
depends_on = None

# Existing line-ups get link numbers 1, 2, 3 ... in rail order (position, then id: older rows could share a
# position), and their positions are made dense to match. A correlated count runs on SQLite and PostgreSQL alike.
_RANK = ("(SELECT COUNT(*) FROM broadcast_products AS other "
         "WHERE other.broadcast_id = broadcast_products.broadcast_id "
         "AND (other.position < broadcast_products.position "
         "OR (other.position = broadcast_products.position AND other.id <= broadcast_products.id)))")


def upgrade():
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_start_at", app.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("broadcast_products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_no", sa.Integer(), nullable=True))
    op.execute(f"UPDATE broadcast_products SET link_no = {_RANK}")
    op.execute("UPDATE broadcast_products SET position = link_no - 1")
    with op.batch_alter_table("broadcast_products", schema=None) as batch_op:
        batch_op.alter_column("link_no", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint("uq_broadcast_products_link_no", ["broadcast_id", "link_no"])
        batch_op.create_check_constraint(op.f("ck_broadcast_products_link_no_positive"), "link_no >= 1")


def downgrade():
    with op.batch_alter_table("broadcast_products", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_broadcast_products_link_no_positive"), type_="check")
        batch_op.drop_constraint("uq_broadcast_products_link_no", type_="unique")
        batch_op.drop_column("link_no")
    # A plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy of broadcasts would drop the table that
    # line-ups, events and orders reference, which SQLite's foreign keys refuse once it has rows.
    op.drop_column("broadcasts", "planned_start_at")
