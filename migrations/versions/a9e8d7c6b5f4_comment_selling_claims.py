"""comment selling: chat claims, claim policies, rejected events (issue 13)

A chat claim ("拍了 2件 3号") is kept once per comment with what it resolved to and the order it became; each
broadcast may set how claims are treated (off / draft, hold time, largest quantity); events the events API
refuses are kept as received with their error. Draft orders use the orders table (status "claimed").

Revision ID: a9e8d7c6b5f4
Revises: f4d5e6a7b8c9
Create Date: 2026-12-06 05:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = "a9e8d7c6b5f4"
down_revision = "f4d5e6a7b8c9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_broadcast_comment", ["broadcast_id", "comment_id"], unique=False)
    op.create_table(
        "chat_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.String(length=128), nullable=False),
        sa.Column("viewer_id", sa.String(length=64), nullable=False),
        sa.Column("nickname", sa.String(length=100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("link", sa.String(length=64), nullable=True),
        sa.Column("product_sku", sa.String(length=64), nullable=True),
        sa.Column("variant_sku", sa.String(length=64), nullable=True),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("order_pk", sa.Integer(), nullable=True),
        sa.Column("ordered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"], name=op.f("fk_chat_claims_broadcast_id_broadcasts")),
        sa.ForeignKeyConstraint(["order_pk"], ["orders.id"], name=op.f("fk_chat_claims_order_pk_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_claims")),
        sa.UniqueConstraint("broadcast_id", "comment_id", name="uq_chat_claims_broadcast_comment"),
    )
    with op.batch_alter_table("chat_claims", schema=None) as batch_op:
        batch_op.create_index("ix_chat_claims_broadcast_at", ["broadcast_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_claims_order_pk"), ["order_pk"], unique=False)
    op.create_table(
        "claim_policies",
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("hold_minutes", sa.Integer(), nullable=False),
        sa.Column("max_qty", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_claim_policies_broadcast_id_broadcasts")),
        sa.PrimaryKeyConstraint("broadcast_id", name=op.f("pk_claim_policies")),
    )
    op.create_table(
        "rejected_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=True),
        sa.Column("error_code", sa.String(length=32), nullable=False),
        sa.Column("error_field", sa.String(length=100), nullable=True),
        sa.Column("error_message", sa.String(length=500), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_rejected_events_broadcast_id_broadcasts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_events")),
    )
    with op.batch_alter_table("rejected_events", schema=None) as batch_op:
        batch_op.create_index("ix_rejected_events_broadcast_received", ["broadcast_id", "received_at"], unique=False)


def downgrade():
    with op.batch_alter_table("rejected_events", schema=None) as batch_op:
        batch_op.drop_index("ix_rejected_events_broadcast_received")
    op.drop_table("rejected_events")
    op.drop_table("claim_policies")
    with op.batch_alter_table("chat_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_claims_order_pk"))
        batch_op.drop_index("ix_chat_claims_broadcast_at")
    op.drop_table("chat_claims")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_broadcast_comment")
