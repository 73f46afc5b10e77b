"""The broadcast set-up migration numbers existing line-ups' links in rail order (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.support import databases

BEFORE, SETUP = "e5f7a9b3c1d8", "b1a2c3d4e5f6"


def _check_backfill(url: str) -> None:
    app = databases.make_app(url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO broadcasts (id, title, platform, status, created_at) VALUES "
                                       "(1, 'a', 'douyin', 'live', CURRENT_TIMESTAMP), "
                                       "(2, 'b', 'douyin', 'scheduled', CURRENT_TIMESTAMP)"))
            connection.execute(sa.text("INSERT INTO products (id, sku, name, price, created_at) VALUES "
                                       "(1, 'P1', 'p', 100, CURRENT_TIMESTAMP), (2, 'P2', 'p', 100, CURRENT_TIMESTAMP), "
                                       "(3, 'P3', 'p', 100, CURRENT_TIMESTAMP)"))
            # Older code numbered positions by count, so two rows of one broadcast could share a position.
            connection.execute(sa.text("INSERT INTO broadcast_products (id, broadcast_id, product_id, position) VALUES "
                                       "(1, 1, 3, 0), (2, 1, 1, 1), (3, 1, 2, 1), (4, 2, 2, 0)"))
        upgrade(revision=SETUP)
        with db.engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, link_no, position FROM broadcast_products ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, 1, 0), (2, 2, 1), (3, 3, 2), (4, 1, 0)]
            connection.rollback()
            with pytest.raises(sa.exc.IntegrityError):
                with connection.begin():
                    connection.execute(sa.text("UPDATE broadcast_products SET link_no = 1 WHERE id = 2"))
            with pytest.raises(sa.exc.IntegrityError):
                with connection.begin():
                    connection.execute(sa.text("UPDATE broadcast_products SET link_no = 0 WHERE id = 4"))
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("broadcast_products")}
        assert "link_no" not in columns
        db.engine.dispose()


def test_existing_line_ups_get_link_numbers_in_rail_order_on_sqlite(tmp_path):
    _check_backfill(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


@pytest.mark.postgres
def test_existing_line_ups_get_link_numbers_in_rail_order_on_postgres(postgres_url):
    databases.reset_postgres(postgres_url)
    try:
        _check_backfill(postgres_url)
    finally:
        databases.reset_postgres(postgres_url)
        databases.create_schema(postgres_url)
