"""Migrations build exactly the schema the models describe, triggers and functions included, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from tests.support import databases


def _differences(url: str) -> list:
    app = databases.make_app(url)
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return differences


# compare_metadata sees tables, columns and indexes only; the triggers (orders/totals.py) are compared as the
# database itself prints them back.
_SQLITE_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
_POSTGRES_TRIGGERS = """SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
UNION ALL SELECT proname, pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' ORDER BY 1"""


def _triggers(url: str) -> list[tuple[str, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            query = _SQLITE_TRIGGERS if engine.dialect.name == "sqlite" else _POSTGRES_TRIGGERS
            return [tuple(row) for row in connection.execute(sa.text(query))]
    finally:
        engine.dispose()


def test_upgrading_an_empty_sqlite_database_matches_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    databases.migrate_to_head(url)
    assert _differences(url) == []
    created = f"sqlite:///{tmp_path / 'created.sqlite3'}"
    databases.create_schema(created)
    assert _triggers(url) == _triggers(created) != []


@pytest.mark.postgres
@pytest.mark.slow
def test_upgrading_an_empty_postgres_database_matches_the_models(postgres_url):
    databases.reset_postgres(postgres_url)
    try:
        databases.migrate_to_head(postgres_url)
        assert _differences(postgres_url) == []
        migrated = _triggers(postgres_url)
        databases.reset_postgres(postgres_url)
        databases.create_schema(postgres_url)
        assert migrated == _triggers(postgres_url) != []
    finally:
        # Other tests share this database: leave it as the session fixture made it.
        databases.reset_postgres(postgres_url)
        databases.create_schema(postgres_url)


def test_stock_can_never_go_negative_even_past_the_inventory_module(any_app):
    with any_app.app_context():
        db.session.execute(sa.text(
            "INSERT INTO products (sku, name, price, created_at) VALUES ('X', 'x', 100, CURRENT_TIMESTAMP)"))
        product_id = db.session.scalar(sa.text("SELECT id FROM products WHERE sku = 'X'"))
        db.session.execute(sa.text(
            "INSERT INTO stock_levels (sku, product_id, available, reserved, sold, received_total) "
            "VALUES ('X', :p, 1, 0, 0, 1)"), {"p": product_id})
        db.session.commit()
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(sa.text("UPDATE stock_levels SET available = available - 2 WHERE sku = 'X'"))
            db.session.commit()
        db.session.rollback()
