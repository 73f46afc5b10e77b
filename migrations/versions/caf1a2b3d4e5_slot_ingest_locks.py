"""order ingestion (issue 17; empty if that work needed no schema change)

Revision ID: caf1a2b3d4e5
Revises: c9f1a2b3d4e5
Create Date: 2026-12-06 11:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "caf1a2b3d4e5"
down_revision = "c9f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
