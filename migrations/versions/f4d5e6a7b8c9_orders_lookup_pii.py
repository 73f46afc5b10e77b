"""look-up and PII: normalised buyer phone index, retention (issue 11)

Orders get the searched forms of the buyer phone (digits without +86, and their last four), each indexed, an
index for the buyer-name prefix search and one for the date filter; existing orders get their phone forms
filled here. The PII access log records whose contact was shown and to which client address.

Revision ID: f4d5e6a7b8c9
Revises: d3c4e5f6a7b8
Create Date: 2026-12-06 05:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

from orders.lookup.phone import phone_digits, phone_last4


# revision identifiers, used by Alembic.
revision = "f4d5e6a7b8c9"
down_revision = "d3c4e5f6a7b8"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buyer_phone_normalized", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("buyer_phone_last4", sa.String(length=4), nullable=True))
    _fill_phone_forms()
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_buyer_phone_normalized", ["buyer_phone_normalized"], unique=False)
        batch_op.create_index("ix_orders_buyer_phone_last4", ["buyer_phone_last4"], unique=False)
        batch_op.create_index("ix_orders_buyer_name", ["buyer_name"], unique=False,
                              postgresql_ops={"buyer_name": "varchar_pattern_ops"})
        batch_op.create_index("ix_orders_placed_at", ["placed_at"], unique=False)
    with op.batch_alter_table("pii_access_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buyer_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("remote_addr", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_pii_access_log_buyer_id", ["buyer_id"], unique=False)


def _fill_phone_forms():
    """Give every existing order the normalised phone and its last four, a batch of orders at a time."""
    connection = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("buyer_phone", sa.String),
                      sa.column("buyer_phone_normalized", sa.String), sa.column("buyer_phone_last4", sa.String))
    update = orders.update().where(orders.c.id == sa.bindparam("b_id")).values(
        buyer_phone_normalized=sa.bindparam("b_digits"), buyer_phone_last4=sa.bindparam("b_last4"))
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(orders.c.id, orders.c.buyer_phone).where(orders.c.id > last_id,
                                                               orders.c.buyer_phone.is_not(None))
            .order_by(orders.c.id).limit(_BATCH)).all()
        if not rows:
            return
        params = [{"b_id": pk, "b_digits": phone_digits(phone), "b_last4": phone_last4(phone_digits(phone))}
                  for pk, phone in rows]
        connection.execute(update, params)
        last_id = rows[-1][0]


def downgrade():
    with op.batch_alter_table("pii_access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_pii_access_log_buyer_id")
        batch_op.drop_column("remote_addr")
        batch_op.drop_column("buyer_id")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_placed_at")
        batch_op.drop_index("ix_orders_buyer_name", postgresql_ops={"buyer_name": "varchar_pattern_ops"})
        batch_op.drop_index("ix_orders_buyer_phone_last4")
        batch_op.drop_index("ix_orders_buyer_phone_normalized")
        batch_op.drop_column("buyer_phone_last4")
        batch_op.drop_column("buyer_phone_normalized")
