"""blocklist.match_key: each entry's value as orders match it, so a batch reads only the entries its orders hit

Revision ID: cef1a2b3d4e5
Revises: cdf1a2b3d4e5
Create Date: 2026-12-06 21:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

# The key is the audit's own rule (a pure function): entries written before this revision get the key that the
# running code matches orders with.
from orders.audit.risk import blocklist_key

# revision identifiers, used by Alembic.
revision = "cef1a2b3d4e5"
down_revision = "cdf1a2b3d4e5"
branch_labels = None
depends_on = None

_BLOCKLIST = sa.table("blocklist", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                      sa.column("value", sa.String), sa.column("match_key", sa.String))


def upgrade():
    with op.batch_alter_table("blocklist") as batch_op:
        batch_op.add_column(sa.Column("match_key", sa.String(length=300), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_BLOCKLIST.c.id, _BLOCKLIST.c.kind, _BLOCKLIST.c.value)).all()
    keyed = [{"entry_id": row.id, "key": blocklist_key(row.kind, row.value)} for row in rows]
    if keyed:
        connection.execute(_BLOCKLIST.update().where(_BLOCKLIST.c.id == sa.bindparam("entry_id"))
                           .values(match_key=sa.bindparam("key")), keyed)
    op.create_index("ix_blocklist_match_key", "blocklist", ["match_key"])


def downgrade():
    op.drop_index("ix_blocklist_match_key", table_name="blocklist")
    with op.batch_alter_table("blocklist") as batch_op:
        batch_op.drop_column("match_key")
