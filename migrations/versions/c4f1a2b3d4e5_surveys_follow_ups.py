"""customer care: surveys and follow-up tasks (issue 15)

NPS campaigns, survey invitations (one per trigger: unique trigger + subject), responses (one per invitation,
score on the invitation's scale) and follow-up (回访) tasks (one per source + source key).

Revision ID: c4f1a2b3d4e5
Revises: c3f1a2b3d4e5
Create Date: 2026-12-06 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from app.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = "c4f1a2b3d4e5"
down_revision = "c3f1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=True),
    sa.Column('paid_from', UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_to', UTCDateTime(timezone=True), nullable=True),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('broadcast_id IS NOT NULL OR (paid_from IS NOT NULL AND paid_to IS NOT NULL)',
                       name=op.f('ck_survey_campaigns_scope_given')),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_survey_campaigns_broadcast_id_broadcasts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_campaigns'))
    )
    op.create_table('survey_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('subject_key', sa.String(length=128), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.String(length=64), nullable=True),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('aftersale_case_id', sa.Integer(), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('agent', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('csat', 'nps')", name=op.f('ck_survey_invitations_kind_known')),
    sa.CheckConstraint("trigger IN ('delivery', 'aftersale', 'complaint', 'campaign')",
                       name=op.f('ck_survey_invitations_trigger_known')),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_survey_invitations_broadcast_id_broadcasts')),
    sa.ForeignKeyConstraint(['campaign_id'], ['survey_campaigns.id'],
                            name=op.f('fk_survey_invitations_campaign_id_survey_campaigns')),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_survey_invitations_order_pk_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invitations')),
    sa.UniqueConstraint('trigger', 'subject_key', name='uq_survey_invitations_trigger_subject')
    )
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_survey_invitations_broadcast_id', ['broadcast_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_invitations_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_invitations_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_invitations_order_pk'), ['order_pk'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invitation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('answered_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10)",
                       name=op.f('ck_survey_responses_score_on_scale')),
    sa.ForeignKeyConstraint(['invitation_id'], ['survey_invitations.id'],
                            name=op.f('fk_survey_responses_invitation_id_survey_invitations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('invitation_id', name=op.f('uq_survey_responses_invitation_id'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index('ix_survey_responses_answered_at', ['answered_at'], unique=False)

    op.create_table('follow_up_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.String(length=64), nullable=False),
    sa.Column('order_pk', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_key', sa.String(length=64), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('aftersale_case_id', sa.Integer(), nullable=True),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.CheckConstraint("status IN ('open', 'done', 'cancelled')", name=op.f('ck_follow_up_tasks_status_known')),
    sa.CheckConstraint("source IN ('delivery', 'complaint', 'case', 'survey', 'manual')",
                       name=op.f('ck_follow_up_tasks_source_known')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_follow_up_tasks_assignee_id_users')),
    sa.ForeignKeyConstraint(['order_pk'], ['orders.id'], name=op.f('fk_follow_up_tasks_order_pk_orders')),
    sa.ForeignKeyConstraint(['response_id'], ['survey_responses.id'],
                            name=op.f('fk_follow_up_tasks_response_id_survey_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_tasks')),
    sa.UniqueConstraint('source', 'source_key', name='uq_follow_up_tasks_source_key')
    )
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_tasks_assignee_status', ['assignee_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_tasks_buyer_id'), ['buyer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_tasks_order_pk'), ['order_pk'], unique=False)
        batch_op.create_index('ix_follow_up_tasks_status_due_at', ['status', 'due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_tasks_status_due_at')
        batch_op.drop_index(batch_op.f('ix_follow_up_tasks_order_pk'))
        batch_op.drop_index(batch_op.f('ix_follow_up_tasks_buyer_id'))
        batch_op.drop_index('ix_follow_up_tasks_assignee_status')
    op.drop_table('follow_up_tasks')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_responses_answered_at')
    op.drop_table('survey_responses')
    with op.batch_alter_table('survey_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_invitations_order_pk'))
        batch_op.drop_index(batch_op.f('ix_survey_invitations_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_survey_invitations_buyer_id'))
        batch_op.drop_index('ix_survey_invitations_broadcast_id')
    op.drop_table('survey_invitations')
    op.drop_table('survey_campaigns')
