"""fulfilment: shipments, shipment lines, tracking checkpoints, carriers (issue 14)

A paid order is packed and shipped in one or more shipments (carrier, tracking number, lines); carriers and
people report tracking checkpoints, kept once per shipment. Admins may add carriers to the built-in table and
give a broadcast its own ship-by deadline.

Revision ID: c1f1a2b3d4e5
Revises: c0f1a2b3d4e5
Create Date: 2026-12-06 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = "c1f1a2b3d4e5"
down_revision = "c0f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.String(length=64), nullable=False),
        sa.Column("order_pk", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=16), nullable=False),
        sa.Column("tracking_no", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("eta", UTCDateTime(timezone=True), nullable=True),
        sa.Column("shipped_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_checkpoint_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("stale_since", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["order_pk"], ["orders.id"], name=op.f("fk_shipments_order_pk_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
        sa.UniqueConstraint("order_pk", "carrier", "tracking_no", name="uq_shipments_order_parcel"),
        sa.UniqueConstraint("shipment_id", name=op.f("uq_shipments_shipment_id")),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index("ix_shipments_carrier_tracking_no", ["carrier", "tracking_no"], unique=False)
        batch_op.create_index("ix_shipments_status", ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_order_pk"), ["order_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_shipments_stale_since"), ["stale_since"], unique=False)
    op.create_table(
        "shipment_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_pk", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.CheckConstraint("qty > 0", name=op.f("ck_shipment_lines_qty_positive")),
        sa.ForeignKeyConstraint(["shipment_pk"], ["shipments.id"], name=op.f("fk_shipment_lines_shipment_pk_shipments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_lines")),
    )
    with op.batch_alter_table("shipment_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_lines_shipment_pk"), ["shipment_pk"], unique=False)
    op.create_table(
        "tracking_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_pk", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("raw_state", sa.String(length=16), nullable=True),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shipment_pk"], ["shipments.id"],
                                name=op.f("fk_tracking_checkpoints_shipment_pk_shipments")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_checkpoints")),
        sa.UniqueConstraint("shipment_pk", "dedupe_key", name="uq_tracking_checkpoints_shipment_dedupe"),
    )
    with op.batch_alter_table("tracking_checkpoints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracking_checkpoints_shipment_pk"), ["shipment_pk"], unique=False)
    op.create_table(
        "carriers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("tracking_pattern", sa.String(length=200), nullable=True),
        sa.Column("kuaidi100_code", sa.String(length=32), nullable=True),
        sa.Column("kdniao_code", sa.String(length=16), nullable=True),
        sa.Column("eta_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carriers")),
        sa.UniqueConstraint("code", name=op.f("uq_carriers_code")),
    )
    op.create_table(
        "fulfilment_policies",
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_fulfilment_policies_amount_positive")),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_fulfilment_policies_broadcast_id_broadcasts")),
        sa.PrimaryKeyConstraint("broadcast_id", name=op.f("pk_fulfilment_policies")),
    )


def downgrade():
    op.drop_table("fulfilment_policies")
    op.drop_table("carriers")
    with op.batch_alter_table("tracking_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_checkpoints_shipment_pk"))
    op.drop_table("tracking_checkpoints")
    with op.batch_alter_table("shipment_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_lines_shipment_pk"))
    op.drop_table("shipment_lines")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipments_stale_since"))
        batch_op.drop_index(batch_op.f("ix_shipments_order_pk"))
        batch_op.drop_index("ix_shipments_status")
        batch_op.drop_index("ix_shipments_carrier_tracking_no")
    op.drop_table("shipments")
