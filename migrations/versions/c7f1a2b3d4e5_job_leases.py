"""job leases: one server runs each periodic job per period (issue 17)

Revision ID: c7f1a2b3d4e5
Revises: c6f1a2b3d4e5
Create Date: 2026-12-06 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = "c7f1a2b3d4e5"
down_revision = "c6f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=96), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )


def downgrade():
    op.drop_table("job_leases")
