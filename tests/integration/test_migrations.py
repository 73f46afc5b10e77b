"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_upgrading_an_empty_database_matches_the_models(any_app):
    with any_app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_stock_can_never_go_negative_even_past_the_inventory_module(any_app):
    with any_app.app_context():
        db.session.execute(sa.text(
            "INSERT INTO products (sku, name, price, created_at) VALUES ('X', 'x', 100, CURRENT_TIMESTAMP)"))
        product_id = db.session.scalar(sa.text("SELECT id FROM products WHERE sku = 'X'"))
        db.session.execute(sa.text(
            "INSERT INTO stock_levels (sku, product_id, available, reserved, sold, received_total) "
            "VALUES ('X', :p, 1, 0, 0, 1)"), {"p": product_id})
        db.session.commit()
        try:
            db.session.execute(sa.text("UPDATE stock_levels SET available = available - 2 WHERE sku = 'X'"))
            db.session.commit()
            raised = False
        except sa.exc.IntegrityError:
            db.session.rollback()
            raised = True
    assert raised
