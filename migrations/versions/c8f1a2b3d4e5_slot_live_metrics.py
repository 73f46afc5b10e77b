"""live metrics kept incrementally (issue 17; empty if that work needed no schema change)

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
    pass


def downgrade():
    pass
