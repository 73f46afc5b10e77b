"""live metrics kept incrementally (issue 17): a change marker on the rollup state and the minute rows

Revision ID: c8f1a2b3d4e5
Revises: c7f1a2b3d4e5
Create Date: 2026-12-06 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c8f1a2b3d4e5"
down_revision = "c7f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("analytics_state") as batch:
        batch.add_column(sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("epoch", sa.String(length=32), nullable=True))
    with op.batch_alter_table("analytics_minute") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_index("ix_analytics_minute_seq", "analytics_minute", ["broadcast_id", "seq"])


def downgrade():
    op.drop_index("ix_analytics_minute_seq", table_name="analytics_minute")
    with op.batch_alter_table("analytics_minute") as batch:
        batch.drop_column("seq")
    with op.batch_alter_table("analytics_state") as batch:
        batch.drop_column("epoch")
        batch.drop_column("version")
