"""claim counts kept by the database (issue 17): claim_totals and its triggers on chat_claims and orders

Revision ID: cdf1a2b3d4e5
Revises: ccf1a2b3d4e5
Create Date: 2026-12-06 19:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

# Frozen here, as they were when this revision was written: a migration must keep creating what it created, whatever
# orders/claims/totals.py (which creates the same for a new schema) later becomes. tests/integration/test_migrations.py
# compares the two at head.
BACKFILL = "INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN o.status = 'paid' THEN 'paid' WHEN o.status = 'expired' THEN 'expired' WHEN o.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, count(*) FROM chat_claims c LEFT OUTER JOIN orders o ON o.id = c.order_pk GROUP BY c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN o.status = 'paid' THEN 'paid' WHEN o.status = 'expired' THEN 'expired' WHEN o.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END"
TRIGGERS = {
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS claim_totals_insert AFTER INSERT ON chat_claims BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (NEW.broadcast_id, CASE WHEN NEW.order_pk IS NULL THEN CASE WHEN NEW.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'paid' THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN NEW.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1); END",
        "CREATE TRIGGER IF NOT EXISTS claim_totals_update AFTER UPDATE OF broadcast_id, order_pk, reason, ordered_at ON chat_claims WHEN OLD.broadcast_id IS NOT NEW.broadcast_id OR OLD.order_pk IS NOT NEW.order_pk OR OLD.reason IS NOT NEW.reason OR OLD.ordered_at IS NOT NEW.ordered_at BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (OLD.broadcast_id, CASE WHEN OLD.order_pk IS NULL THEN CASE WHEN OLD.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'paid' THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN OLD.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1), (NEW.broadcast_id, CASE WHEN NEW.order_pk IS NULL THEN CASE WHEN NEW.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'paid' THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN NEW.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1); END",
        "CREATE TRIGGER IF NOT EXISTS claim_totals_delete AFTER DELETE ON chat_claims BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (OLD.broadcast_id, CASE WHEN OLD.order_pk IS NULL THEN CASE WHEN OLD.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'paid' THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN OLD.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1); END",
        "CREATE TRIGGER IF NOT EXISTS claim_totals_order_update AFTER UPDATE OF status ON orders WHEN OLD.status IS NOT NEW.status BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN OLD.status = 'paid' THEN 'paid' WHEN OLD.status = 'expired' THEN 'expired' WHEN OLD.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1 FROM chat_claims c WHERE c.order_pk = OLD.id UNION ALL SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN NEW.status = 'paid' THEN 'paid' WHEN NEW.status = 'expired' THEN 'expired' WHEN NEW.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1 FROM chat_claims c WHERE c.order_pk = NEW.id; END",
        "CREATE TRIGGER IF NOT EXISTS claim_totals_order_delete AFTER DELETE ON orders BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN OLD.status = 'paid' THEN 'paid' WHEN OLD.status = 'expired' THEN 'expired' WHEN OLD.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1 FROM chat_claims c WHERE c.order_pk = OLD.id UNION ALL SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN NULL = 'paid' THEN 'paid' WHEN NULL = 'expired' THEN 'expired' WHEN NULL IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1 FROM chat_claims c WHERE c.order_pk = OLD.id; END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION claim_totals_track_claim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' AND OLD.broadcast_id IS NOT DISTINCT FROM NEW.broadcast_id AND OLD.order_pk IS NOT DISTINCT FROM NEW.order_pk AND OLD.reason IS NOT DISTINCT FROM NEW.reason AND OLD.ordered_at IS NOT DISTINCT FROM NEW.ordered_at THEN RETURN NULL; END IF; IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (OLD.broadcast_id, CASE WHEN OLD.order_pk IS NULL THEN CASE WHEN OLD.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'paid' THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN OLD.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1); END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (NEW.broadcast_id, CASE WHEN NEW.order_pk IS NULL THEN CASE WHEN NEW.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'paid' THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN NEW.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1); END IF; RETURN NULL; END $$",
        'DROP TRIGGER IF EXISTS claim_totals_track_claim ON chat_claims',
        'CREATE TRIGGER claim_totals_track_claim AFTER INSERT OR DELETE OR UPDATE OF broadcast_id, order_pk, reason, ordered_at ON chat_claims FOR EACH ROW EXECUTE FUNCTION claim_totals_track_claim()',
        "CREATE OR REPLACE FUNCTION claim_totals_track_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN RETURN NULL; END IF; INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN OLD.status = 'paid' THEN 'paid' WHEN OLD.status = 'expired' THEN 'expired' WHEN OLD.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1 FROM chat_claims c WHERE c.order_pk = OLD.id; IF TG_OP = 'UPDATE' THEN INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN NEW.status = 'paid' THEN 'paid' WHEN NEW.status = 'expired' THEN 'expired' WHEN NEW.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1 FROM chat_claims c WHERE c.order_pk = NEW.id; ELSE INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN NULL = 'paid' THEN 'paid' WHEN NULL = 'expired' THEN 'expired' WHEN NULL IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1 FROM chat_claims c WHERE c.order_pk = OLD.id; END IF; RETURN NULL; END $$",
        'DROP TRIGGER IF EXISTS claim_totals_track_order ON orders',
        'CREATE TRIGGER claim_totals_track_order AFTER DELETE OR UPDATE OF status ON orders FOR EACH ROW EXECUTE FUNCTION claim_totals_track_order()',
    ),
}
DROPS = {
    "sqlite": (
        'DROP TRIGGER IF EXISTS claim_totals_insert',
        'DROP TRIGGER IF EXISTS claim_totals_update',
        'DROP TRIGGER IF EXISTS claim_totals_delete',
        'DROP TRIGGER IF EXISTS claim_totals_order_update',
        'DROP TRIGGER IF EXISTS claim_totals_order_delete',
    ),
    "postgresql": (
        'DROP TRIGGER IF EXISTS claim_totals_track_claim ON chat_claims',
        'DROP TRIGGER IF EXISTS claim_totals_track_order ON orders',
        'DROP FUNCTION IF EXISTS claim_totals_track_claim()',
        'DROP FUNCTION IF EXISTS claim_totals_track_order()',
    ),
}


# revision identifiers, used by Alembic.
revision = "cdf1a2b3d4e5"
down_revision = "ccf1a2b3d4e5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "claim_totals",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claims", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_claim_totals_broadcast", "claim_totals", ["broadcast_id"])
    op.execute(BACKFILL)
    for statement in TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    for statement in DROPS[op.get_bind().dialect.name]:
        op.execute(statement)
    op.drop_index("ix_claim_totals_broadcast", table_name="claim_totals")
    op.drop_table("claim_totals")
