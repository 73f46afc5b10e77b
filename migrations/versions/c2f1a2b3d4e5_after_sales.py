"""after-sales: cases, case lines, case events, refunds (issue 14)

An after-sales case (refund only, return and refund, exchange, reship, repair) belongs to one order; its lines
say which units and what came back, its events are the append-only timeline (a timer that fired is recorded
once per case and deadline), and its refunds are the ledger whose succeeded total is Order.refunded_amount.

Orders already flagged refund_due get their refund case lazily: `flask aftersales open-refund-due` (and the
first payment that flags an order from now on) opens it; the migration itself writes no rows.

Revision ID: c2f1a2b3d4e5
Revises: c1f1a2b3d4e5
Create Date: 2026-12-06 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import Money, UTCDateTime


# revision identifiers, used by Alembic.
revision = "c2f1a2b3d4e5"
down_revision = "c1f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "aftersale_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("order_pk", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("responsibility", sa.String(length=8), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("deadline_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("deadline_kind", sa.String(length=24), nullable=True),
        sa.Column("deadline_source", sa.String(length=8), nullable=True),
        sa.Column("platform", sa.String(length=32), nullable=True),
        sa.Column("aftersale_id", sa.String(length=128), nullable=True),
        sa.Column("platform_event_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("requested_amount", Money(), nullable=True),
        sa.Column("freight_amount", Money(), server_default="0", nullable=False),
        sa.Column("freight_payer", sa.String(length=8), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("appeal_used", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("return_carrier", sa.String(length=64), nullable=True),
        sa.Column("return_tracking", sa.String(length=64), nullable=True),
        sa.Column("replacement_carrier", sa.String(length=64), nullable=True),
        sa.Column("replacement_tracking", sa.String(length=64), nullable=True),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("claimed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("freight_amount >= 0", name=op.f("ck_aftersale_cases_freight_not_negative")),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"],
                                name=op.f("fk_aftersale_cases_broadcast_id_broadcasts")),
        sa.ForeignKeyConstraint(["claimed_by"], ["users.id"], name=op.f("fk_aftersale_cases_claimed_by_users")),
        sa.ForeignKeyConstraint(["order_pk"], ["orders.id"], name=op.f("fk_aftersale_cases_order_pk_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersale_cases")),
        sa.UniqueConstraint("case_id", name=op.f("uq_aftersale_cases_case_id")),
        sa.UniqueConstraint("platform", "aftersale_id", name="uq_aftersale_cases_platform_aftersale"),
    )
    with op.batch_alter_table("aftersale_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aftersale_cases_order_pk"), ["order_pk"], unique=False)
        batch_op.create_index("ix_aftersale_cases_status_deadline", ["status", "deadline_at"], unique=False)
        batch_op.create_index("ix_aftersale_cases_broadcast_status", ["broadcast_id", "status"], unique=False)

    op.create_table(
        "aftersale_case_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_pk", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("unit_price", Money(), nullable=False),
        sa.Column("received_qty", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sellable_qty", sa.Integer(), server_default="0", nullable=False),
        sa.Column("restocked_qty", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("qty > 0", name=op.f("ck_aftersale_case_lines_qty_positive")),
        sa.CheckConstraint("received_qty >= 0 AND received_qty <= qty",
                           name=op.f("ck_aftersale_case_lines_received_within_qty")),
        sa.CheckConstraint("sellable_qty >= 0 AND sellable_qty <= received_qty",
                           name=op.f("ck_aftersale_case_lines_sellable_within_received")),
        sa.CheckConstraint("restocked_qty >= 0 AND restocked_qty <= sellable_qty",
                           name=op.f("ck_aftersale_case_lines_restocked_within_sellable")),
        sa.ForeignKeyConstraint(["case_pk"], ["aftersale_cases.id"],
                                name=op.f("fk_aftersale_case_lines_case_pk_aftersale_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersale_case_lines")),
    )
    with op.batch_alter_table("aftersale_case_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aftersale_case_lines_case_pk"), ["case_pk"], unique=False)

    op.create_table(
        "aftersale_case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_pk", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("timer_key", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_pk"], ["aftersale_cases.id"],
                                name=op.f("fk_aftersale_case_events_case_pk_aftersale_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersale_case_events")),
        sa.UniqueConstraint("case_pk", "timer_key", name="uq_aftersale_case_events_case_timer"),
    )
    with op.batch_alter_table("aftersale_case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aftersale_case_events_case_pk"), ["case_pk"], unique=False)

    op.create_table(
        "aftersale_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.String(length=32), nullable=False),
        sa.Column("case_pk", sa.Integer(), nullable=False),
        sa.Column("order_pk", sa.Integer(), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("freight", Money(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("settled_at", UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_aftersale_refunds_amount_not_negative")),
        sa.CheckConstraint("freight >= 0", name=op.f("ck_aftersale_refunds_freight_not_negative")),
        sa.ForeignKeyConstraint(["case_pk"], ["aftersale_cases.id"],
                                name=op.f("fk_aftersale_refunds_case_pk_aftersale_cases")),
        sa.ForeignKeyConstraint(["order_pk"], ["orders.id"], name=op.f("fk_aftersale_refunds_order_pk_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftersale_refunds")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_aftersale_refunds_refund_id")),
    )
    with op.batch_alter_table("aftersale_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_aftersale_refunds_case_pk"), ["case_pk"], unique=False)
        batch_op.create_index("ix_aftersale_refunds_order_status", ["order_pk", "status"], unique=False)


def downgrade():
    with op.batch_alter_table("aftersale_refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_aftersale_refunds_order_status")
        batch_op.drop_index(batch_op.f("ix_aftersale_refunds_case_pk"))
    op.drop_table("aftersale_refunds")
    with op.batch_alter_table("aftersale_case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aftersale_case_events_case_pk"))
    op.drop_table("aftersale_case_events")
    with op.batch_alter_table("aftersale_case_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aftersale_case_lines_case_pk"))
    op.drop_table("aftersale_case_lines")
    with op.batch_alter_table("aftersale_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_aftersale_cases_broadcast_status")
        batch_op.drop_index("ix_aftersale_cases_status_deadline")
        batch_op.drop_index(batch_op.f("ix_aftersale_cases_order_pk"))
    op.drop_table("aftersale_cases")
