"""after-sale foundation: the aftersales role, longer order statuses, fulfilment dates and refunded amount

Order statuses after payment (partially_shipped, returned_to_sender) are longer than 16 characters, so the
status columns of orders and their history grow to 24. Orders get the dates of fulfilment (paid, ship-by,
packed, shipped, delivered) and the refunded amount; paid orders get paid_at from their first paid payment.

Revision ID: c0f1a2b3d4e5
Revises: a9e8d7c6b5f4
Create Date: 2026-12-06 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import Money, UTCDateTime


# revision identifiers, used by Alembic.
revision = "c0f1a2b3d4e5"
down_revision = "a9e8d7c6b5f4"
branch_labels = None
depends_on = None

_OLD_ROLES = "role IN ('admin','host','moderator','auditor','analyst')"
_NEW_ROLES = "role IN ('admin','host','moderator','auditor','analyst','aftersales')"


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("role_known", type_="check")
        batch_op.create_check_constraint("role_known", _NEW_ROLES)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column("status", existing_type=sa.String(length=16), type_=sa.String(length=24))
        batch_op.add_column(sa.Column("paid_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("ship_by_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("packed_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("shipped_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("refunded_amount", Money(), server_default="0", nullable=False))
        batch_op.create_index("ix_orders_ship_by_at", ["ship_by_at"], unique=False)
    with op.batch_alter_table("order_history", schema=None) as batch_op:
        batch_op.alter_column("from_status", existing_type=sa.String(length=16), type_=sa.String(length=24))
        batch_op.alter_column("to_status", existing_type=sa.String(length=16), type_=sa.String(length=24))
    _fill_paid_at()


def _fill_paid_at():
    """Give every paid order the time of its first paid payment."""
    op.execute(
        "UPDATE orders SET paid_at = (SELECT MIN(order_payments.at) FROM order_payments "
        "WHERE order_payments.order_pk = orders.id AND order_payments.status = 'paid') "
        "WHERE paid_amount IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("order_history", schema=None) as batch_op:
        batch_op.alter_column("to_status", existing_type=sa.String(length=24), type_=sa.String(length=16))
        batch_op.alter_column("from_status", existing_type=sa.String(length=24), type_=sa.String(length=16))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_ship_by_at")
        batch_op.drop_column("refunded_amount")
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("shipped_at")
        batch_op.drop_column("packed_at")
        batch_op.drop_column("ship_by_at")
        batch_op.drop_column("paid_at")
        batch_op.alter_column("status", existing_type=sa.String(length=24), type_=sa.String(length=16))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("role_known", type_="check")
        batch_op.create_check_constraint("role_known", _OLD_ROLES)
