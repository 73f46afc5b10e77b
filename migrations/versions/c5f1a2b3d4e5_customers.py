"""customers: records, RFM, tiers, offers (issue 15)

One row per buyer and platform (a snapshot of totals, RFM scores and segment, member tier, tags, erasure),
the history of tier changes, the events people caused on a record, the one-row tier policy with the last RFM
cut points, and offers (a coupon issued to a segment or tier) with one grant per customer.

Revision ID: c5f1a2b3d4e5
Revises: c4f1a2b3d4e5
Create Date: 2026-12-06 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import Money, UTCDateTime


# revision identifiers, used by Alembic.
revision = "c5f1a2b3d4e5"
down_revision = "c4f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("buyer_id", sa.String(length=64), nullable=False),
        sa.Column("first_order_at", UTCDateTime(), nullable=True),
        sa.Column("last_order_at", UTCDateTime(), nullable=True),
        sa.Column("last_paid_at", UTCDateTime(), nullable=True),
        sa.Column("order_count", sa.Integer(), nullable=False),
        sa.Column("paid_orders", sa.Integer(), nullable=False),
        sa.Column("paid_gmv", Money(), nullable=False),
        sa.Column("refunded", Money(), nullable=False),
        sa.Column("window_orders", sa.Integer(), nullable=False),
        sa.Column("window_spend", Money(), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=True),
        sa.Column("tier_since", UTCDateTime(), nullable=True),
        sa.Column("recency_days", sa.Integer(), nullable=True),
        sa.Column("frequency", sa.Integer(), nullable=False),
        sa.Column("monetary", Money(), nullable=False),
        sa.Column("r", sa.SmallInteger(), nullable=False),
        sa.Column("f", sa.SmallInteger(), nullable=False),
        sa.Column("m", sa.SmallInteger(), nullable=False),
        sa.Column("segment", sa.String(length=24), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("erased_at", UTCDateTime(), nullable=True),
        sa.Column("recalculated_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("platform", "buyer_id", name="uq_customers_platform_buyer"),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_segment", ["segment"], unique=False)
        batch_op.create_index("ix_customers_tier", ["tier"], unique=False)
    op.create_table(
        "customer_tier_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("from_tier", sa.String(length=32), nullable=True),
        sa.Column("to_tier", sa.String(length=32), nullable=True),
        sa.Column("spend", Money(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_tier_changes_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_tier_changes")),
    )
    with op.batch_alter_table("customer_tier_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_tier_changes_customer_id"), ["customer_id"], unique=False)
    op.create_table(
        "customer_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_customer_events_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_events")),
    )
    with op.batch_alter_table("customer_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_events_customer_id"), ["customer_id"], unique=False)
    op.create_table(
        "customer_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("rfm_cuts", sa.JSON(), nullable=True),
        sa.Column("recalculated_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_policy")),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("promotion_id", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=24), nullable=True),
        sa.Column("tier", sa.String(length=32), nullable=True),
        sa.Column("starts_at", UTCDateTime(), nullable=True),
        sa.Column("ends_at", UTCDateTime(), nullable=True),
        sa.Column("granted", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("segment IS NOT NULL OR tier IS NOT NULL", name=op.f("ck_offers_target_set")),
        sa.ForeignKeyConstraint(["promotion_id"], ["promotions.id"], name=op.f("fk_offers_promotion_id_promotions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_code"), ["code"], unique=False)
    op.create_table(
        "offer_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_offer_grants_customer_id_customers")),
        sa.ForeignKeyConstraint(["offer_id"], ["offers.id"], name=op.f("fk_offer_grants_offer_id_offers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_grants")),
        sa.UniqueConstraint("offer_id", "customer_id", name="uq_offer_grants_offer_customer"),
    )
    with op.batch_alter_table("offer_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_grants_customer_id"), ["customer_id"], unique=False)


def downgrade():
    with op.batch_alter_table("offer_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_grants_customer_id"))
    op.drop_table("offer_grants")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_code"))
    op.drop_table("offers")
    op.drop_table("customer_policy")
    with op.batch_alter_table("customer_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_events_customer_id"))
    op.drop_table("customer_events")
    with op.batch_alter_table("customer_tier_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_tier_changes_customer_id"))
    op.drop_table("customer_tier_changes")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_tier")
        batch_op.drop_index("ix_customers_segment")
    op.drop_table("customers")
