"""customer care: complaints, SLA calendar and breaches (issue 15)

Complaints from every channel (back office, platform events, escalated chat) with their SLA due times, their
timeline (complaint_events) and their breaches, recorded once per complaint, target and round (the unique key is
what keeps two sweepers from recording one twice); the admin's SLA settings (business calendar and targets).

Revision ID: c3f1a2b3d4e5
Revises: c2f1a2b3d4e5
Create Date: 2026-12-06 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = "c3f1a2b3d4e5"
down_revision = "c2f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('care_sla_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_sla_settings'))
    )
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.String(length=32), nullable=False),
    sa.Column('platform_complaint_id', sa.String(length=64), nullable=True),
    sa.Column('chat_message_id', sa.Integer(), nullable=True),
    sa.Column('buyer_id', sa.String(length=64), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=True),
    sa.Column('order_ref', sa.String(length=64), nullable=True),
    sa.Column('broadcast_id', sa.Integer(), nullable=True),
    sa.Column('sku', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('platform_category', sa.String(length=64), nullable=True),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('assignee', sa.String(length=64), nullable=True),
    sa.Column('first_response_due_at', UTCDateTime(), nullable=False),
    sa.Column('resolution_due_at', UTCDateTime(), nullable=False),
    sa.Column('acknowledged_at', UTCDateTime(), nullable=True),
    sa.Column('investigating_at', UTCDateTime(), nullable=True),
    sa.Column('resolved_at', UTCDateTime(), nullable=True),
    sa.Column('closed_at', UTCDateTime(), nullable=True),
    sa.Column('reopened_at', UTCDateTime(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('first_response_breached_at', UTCDateTime(), nullable=True),
    sa.Column('resolution_breached_at', UTCDateTime(), nullable=True),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.Column('escalated_at', UTCDateTime(), nullable=True),
    sa.Column('root_cause', sa.String(length=32), nullable=True),
    sa.Column('cause_note', sa.Text(), nullable=True),
    sa.Column('actions', sa.JSON(), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("category IN ('product_quality','logistics','service_attitude','price_dispute','aftersales_delay','misleading_description','other')", name=op.f('ck_complaints_category_known')),
    sa.CheckConstraint("channel IN ('back_office','platform','chat','survey')", name=op.f('ck_complaints_channel_known')),
    sa.CheckConstraint("severity IN ('urgent','high','normal','low')", name=op.f('ck_complaints_severity_known')),
    sa.CheckConstraint("status IN ('new','acknowledged','investigating','resolved','closed')", name=op.f('ck_complaints_status_known')),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_complaints_broadcast_id_broadcasts')),
    sa.ForeignKeyConstraint(['chat_message_id'], ['chat_messages.id'], name=op.f('fk_complaints_chat_message_id_chat_messages')),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_complaints_order_pk_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('chat_message_id', name=op.f('uq_complaints_chat_message_id')),
    sa.UniqueConstraint('complaint_id', name=op.f('uq_complaints_complaint_id')),
    sa.UniqueConstraint('platform_complaint_id', name=op.f('uq_complaints_platform_complaint_id'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_broadcast_id'), ['broadcast_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_order_pk'), ['order_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_received_at'), ['received_at'], unique=False)
        batch_op.create_index('ix_complaints_status_first_response_due', ['status', 'first_response_due_at'], unique=False)
        batch_op.create_index('ix_complaints_status_resolution_due', ['status', 'resolution_due_at'], unique=False)

    op.create_table('complaint_breaches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_pk', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.CheckConstraint("target IN ('first_response','resolution')", name=op.f('ck_complaint_breaches_target_known')),
    sa.ForeignKeyConstraint(['complaint_pk'], ['complaints.id'], name=op.f('fk_complaint_breaches_complaint_pk_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_breaches')),
    sa.UniqueConstraint('complaint_pk', 'target', 'round', name='uq_complaint_breaches_complaint_target_round')
    )
    with op.batch_alter_table('complaint_breaches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_breaches_complaint_pk'), ['complaint_pk'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_pk', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_pk'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_pk_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_events_complaint_pk'), ['complaint_pk'], unique=False)


def downgrade():
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_events_complaint_pk'))

    op.drop_table('complaint_events')
    with op.batch_alter_table('complaint_breaches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_breaches_complaint_pk'))

    op.drop_table('complaint_breaches')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_status_resolution_due')
        batch_op.drop_index('ix_complaints_status_first_response_due')
        batch_op.drop_index(batch_op.f('ix_complaints_received_at'))
        batch_op.drop_index(batch_op.f('ix_complaints_order_pk'))
        batch_op.drop_index(batch_op.f('ix_complaints_buyer_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_broadcast_id'))

    op.drop_table('complaints')
    op.drop_table('care_sla_settings')
