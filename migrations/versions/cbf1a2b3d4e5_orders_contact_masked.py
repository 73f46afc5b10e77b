"""orders.contact_masked: the platform keeps the buyer's contact (privacy-protected orders ship with its waybill)

Revision ID: cbf1a2b3d4e5
Revises: caf1a2b3d4e5
Create Date: 2026-12-06 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "cbf1a2b3d4e5"
down_revision = "caf1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("contact_masked", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_column("contact_masked")
