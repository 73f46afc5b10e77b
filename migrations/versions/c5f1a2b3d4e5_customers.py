"""customers: records, RFM, tiers, offers (issue 15)

PLACEHOLDER: filled in by the owner of this part; until then it changes nothing.

Revision ID: c5f1a2b3d4e5
Revises: c4f1a2b3d4e5
Create Date: 2026-12-06 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c5f1a2b3d4e5"
down_revision = "c4f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
