"""platform adapters: connections, inbox, rejected messages (issue 16)

A platform connection feeds one broadcast; its messages are kept once per connection in the inbox
(processed at least once, deduplicated by the platform's message id) and what it refused is logged.

Revision ID: c6f1a2b3d4e5
Revises: c5f1a2b3d4e5
Create Date: 2026-12-06 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = "c6f1a2b3d4e5"
down_revision = "c5f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "platform_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=48), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("app_key", sa.String(length=128), nullable=True),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("previous_secret", sa.String(length=128), nullable=True),
        sa.Column("previous_expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("rotated_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_message_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_count", sa.Integer(), nullable=False),
        sa.Column("duplicate_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_platform_connections_broadcast_id_broadcasts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_connections")),
        sa.UniqueConstraint("name", name=op.f("uq_platform_connections_name")),
    )
    with op.batch_alter_table("platform_connections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_connections_broadcast_id"), ["broadcast_id"], unique=False)

    op.create_table(
        "adapter_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("processed_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'done', 'ignored', 'failed')",
                           name=op.f("ck_adapter_inbox_status_known")),
        sa.ForeignKeyConstraint(["connection_id"], ["platform_connections.id"],
                                name=op.f("fk_adapter_inbox_connection_id_platform_connections")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adapter_inbox")),
        sa.UniqueConstraint("connection_id", "message_id", name="uq_adapter_inbox_connection_message"),
    )
    with op.batch_alter_table("adapter_inbox", schema=None) as batch_op:
        batch_op.create_index("ix_adapter_inbox_status_lease", ["status", "lease_until"], unique=False)
        batch_op.create_index("ix_adapter_inbox_connection_received", ["connection_id", "received_at"], unique=False)

    op.create_table(
        "adapter_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("message_id", sa.String(length=128), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["connection_id"], ["platform_connections.id"],
                                name=op.f("fk_adapter_rejections_connection_id_platform_connections")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adapter_rejections")),
    )
    with op.batch_alter_table("adapter_rejections", schema=None) as batch_op:
        batch_op.create_index("ix_adapter_rejections_connection_received", ["connection_id", "received_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("adapter_rejections", schema=None) as batch_op:
        batch_op.drop_index("ix_adapter_rejections_connection_received")
    op.drop_table("adapter_rejections")
    with op.batch_alter_table("adapter_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_adapter_inbox_connection_received")
        batch_op.drop_index("ix_adapter_inbox_status_lease")
    op.drop_table("adapter_inbox")
    with op.batch_alter_table("platform_connections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_connections_broadcast_id"))
    op.drop_table("platform_connections")
