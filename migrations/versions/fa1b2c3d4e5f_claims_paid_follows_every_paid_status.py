"""claim_totals: a claim stays paid while its order is packed, shipped or delivered (the triggers and the counts)

Revision ID: fa1b2c3d4e5f
Revises: f9da9ad8e20b
Create Date: 2026-12-07 11:10:00.000000

"""
from alembic import op

# Frozen here, as they were when this revision was written (see cdf1a2b3d4e5): the rule of orders/claims/status.py,
# where "paid" now follows every paid status of orders/totals.py, not "paid" alone.
BACKFILL = "INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN o.status IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN o.status = 'expired' THEN 'expired' WHEN o.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, count(*) FROM chat_claims c LEFT OUTER JOIN orders o ON o.id = c.order_pk GROUP BY c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN o.status IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN o.status = 'expired' THEN 'expired' WHEN o.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END"
TRIGGERS = {
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS claim_totals_insert AFTER INSERT ON chat_claims BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (NEW.broadcast_id, CASE WHEN NEW.order_pk IS NULL THEN CASE WHEN NEW.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN NEW.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1); END",
        "CREATE TRIGGER IF NOT EXISTS claim_totals_update AFTER UPDATE OF broadcast_id, order_pk, reason, ordered_at ON chat_claims WHEN OLD.broadcast_id IS NOT NEW.broadcast_id OR OLD.order_pk IS NOT NEW.order_pk OR OLD.reason IS NOT NEW.reason OR OLD.ordered_at IS NOT NEW.ordered_at BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (OLD.broadcast_id, CASE WHEN OLD.order_pk IS NULL THEN CASE WHEN OLD.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN OLD.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1), (NEW.broadcast_id, CASE WHEN NEW.order_pk IS NULL THEN CASE WHEN NEW.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN NEW.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1); END",
        "CREATE TRIGGER IF NOT EXISTS claim_totals_delete AFTER DELETE ON chat_claims BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (OLD.broadcast_id, CASE WHEN OLD.order_pk IS NULL THEN CASE WHEN OLD.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN OLD.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1); END",
        "CREATE TRIGGER IF NOT EXISTS claim_totals_order_update AFTER UPDATE OF status ON orders WHEN OLD.status IS NOT NEW.status BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN OLD.status IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN OLD.status = 'expired' THEN 'expired' WHEN OLD.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1 FROM chat_claims c WHERE c.order_pk = OLD.id UNION ALL SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN NEW.status IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN NEW.status = 'expired' THEN 'expired' WHEN NEW.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1 FROM chat_claims c WHERE c.order_pk = NEW.id; END",
        "CREATE TRIGGER IF NOT EXISTS claim_totals_order_delete AFTER DELETE ON orders BEGIN INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN OLD.status IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN OLD.status = 'expired' THEN 'expired' WHEN OLD.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1 FROM chat_claims c WHERE c.order_pk = OLD.id UNION ALL SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN NULL IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN NULL = 'expired' THEN 'expired' WHEN NULL IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1 FROM chat_claims c WHERE c.order_pk = OLD.id; END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION claim_totals_track_claim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' AND OLD.broadcast_id IS NOT DISTINCT FROM NEW.broadcast_id AND OLD.order_pk IS NOT DISTINCT FROM NEW.order_pk AND OLD.reason IS NOT DISTINCT FROM NEW.reason AND OLD.ordered_at IS NOT DISTINCT FROM NEW.ordered_at THEN RETURN NULL; END IF; IF TG_OP IN ('UPDATE', 'DELETE') THEN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (OLD.broadcast_id, CASE WHEN OLD.order_pk IS NULL THEN CASE WHEN OLD.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = OLD.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN OLD.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1); END IF; IF TG_OP IN ('INSERT', 'UPDATE') THEN INSERT INTO claim_totals (broadcast_id, status, claims) VALUES (NEW.broadcast_id, CASE WHEN NEW.order_pk IS NULL THEN CASE WHEN NEW.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) = 'expired' THEN 'expired' WHEN (SELECT status FROM orders WHERE orders.id = NEW.order_pk) IN ('cancelled', 'rejected') THEN 'cancelled' WHEN NEW.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1); END IF; RETURN NULL; END $$",
        'DROP TRIGGER IF EXISTS claim_totals_track_claim ON chat_claims',
        'CREATE TRIGGER claim_totals_track_claim AFTER INSERT OR DELETE OR UPDATE OF broadcast_id, order_pk, reason, ordered_at ON chat_claims FOR EACH ROW EXECUTE FUNCTION claim_totals_track_claim()',
        "CREATE OR REPLACE FUNCTION claim_totals_track_order() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN RETURN NULL; END IF; INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN OLD.status IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN OLD.status = 'expired' THEN 'expired' WHEN OLD.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, -1 FROM chat_claims c WHERE c.order_pk = OLD.id; IF TG_OP = 'UPDATE' THEN INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN NEW.status IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN NEW.status = 'expired' THEN 'expired' WHEN NEW.status IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1 FROM chat_claims c WHERE c.order_pk = NEW.id; ELSE INSERT INTO claim_totals (broadcast_id, status, claims) SELECT c.broadcast_id, CASE WHEN c.order_pk IS NULL THEN CASE WHEN c.reason IS NOT NULL THEN 'unresolved' ELSE 'claimed' END WHEN NULL IN ('paid', 'packing', 'partially_shipped', 'shipped', 'delivered', 'delivery_failed', 'returned_to_sender', 'lost') THEN 'paid' WHEN NULL = 'expired' THEN 'expired' WHEN NULL IN ('cancelled', 'rejected') THEN 'cancelled' WHEN c.ordered_at IS NOT NULL THEN 'ordered' ELSE 'claimed' END, +1 FROM chat_claims c WHERE c.order_pk = OLD.id; END IF; RETURN NULL; END $$",
        'DROP TRIGGER IF EXISTS claim_totals_track_order ON orders',
        'CREATE TRIGGER claim_totals_track_order AFTER DELETE OR UPDATE OF status ON orders FOR EACH ROW EXECUTE FUNCTION claim_totals_track_order()',
    ),
}


# revision identifiers, used by Alembic.
revision = "fa1b2c3d4e5f"
down_revision = "f9da9ad8e20b"
branch_labels = None
depends_on = None


def _previous():
    """Return the module of cdf1a2b3d4e5, whose triggers this one replaces: its frozen SQL is read, not copied."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).with_name("cdf1a2b3d4e5_claim_counts_kept_by_triggers.py")
    spec = importlib.util.spec_from_file_location("claim_counts_kept_by_triggers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _recount(triggers, backfill):
    """Replace the triggers by triggers, and the counts by a fresh count of every claim (backfill)."""
    dialect = op.get_bind().dialect.name
    for statement in _previous().DROPS[dialect]:  # the same trigger names in both revisions
        op.execute(statement)
    op.execute("DELETE FROM claim_totals")
    op.execute(backfill)
    for statement in triggers[dialect]:
        op.execute(statement)


def upgrade():
    _recount(TRIGGERS, BACKFILL)


def downgrade():
    previous = _previous()
    _recount(previous.TRIGGERS, previous.BACKFILL)
