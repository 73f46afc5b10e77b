"""platform_connections: an admin can switch a connection off (disabled_at, disabled_by)

Revision ID: ab12cd34ef56
Revises: fa1b2c3d4e5f
Create Date: 2026-12-07 16:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

import app.db

# revision identifiers, used by Alembic.
revision = "ab12cd34ef56"
down_revision = "fa1b2c3d4e5f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("platform_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("disabled_by", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("platform_connections", schema=None) as batch_op:
        batch_op.drop_column("disabled_by")
        batch_op.drop_column("disabled_at")
