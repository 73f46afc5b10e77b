"""PostgreSQL for bench/ingest.py: fresh databases made from one migrated template, and the raw ceilings.

The raw ceiling is what one transaction per order costs with nothing of LiveDesk around it: a conditional stock
decrement, the order row and its line, then COMMIT (at the engine's durability: SQLite synchronous=FULL,
PostgreSQL synchronous_commit on). On SQLite through SQLAlchemy Core as the app's engine is tuned; on PostgreSQL
with psycopg2 directly.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timezone

import psycopg2
import sqlalchemy as sa
from psycopg2.extras import Json

from ingest_support import PRICE, SKUS, migrate, order
from app.db.engine import configure_engine
from live.models import Broadcast
from orders.models import Order, OrderLine, Product, StockLevel

CENTS = int(PRICE * 100)


class PostgresDatabases:
    """Fresh PostgreSQL databases (CREATE DATABASE ... TEMPLATE), all dropped by close()."""

    engine = "postgresql"

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rsplit("/", 1)[0]
        self.prefix = f"livedesk_bench_{uuid.uuid4().hex[:8]}"
        self.names: list[str] = []
        self.template = self._create("template")
        migrate(f"{self.base_url}/{self.template}")

    def _admin(self, statement: str) -> None:
        connection = psycopg2.connect(f"{self.base_url}/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
        connection.close()

    def _create(self, name: str, template: str | None = None) -> str:
        full = f"{self.prefix}_{name}"
        self._admin(f'CREATE DATABASE "{full}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.names.append(full)
        return full

    def fresh(self, name: str) -> str:
        """Return the URL of a new database copied from the migrated template."""
        return f"{self.base_url}/{self._create(name, self.template)}"

    def close(self) -> None:
        """Drop every database this bench made."""
        for name in reversed(self.names):
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _setup(url: str) -> int:
    """Return the id of a live broadcast, after giving the bench SKUs plenty of stock (SQLAlchemy Core, once)."""
    engine = sa.create_engine(url)
    configure_engine(engine)  # SQLite: the app's PRAGMAs (WAL, synchronous=FULL, busy_timeout), BEGIN IMMEDIATE
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        broadcast_id = conn.execute(sa.insert(Broadcast.__table__).values(
            title="raw", platform="douyin", status="live", created_at=now)).inserted_primary_key[0]
        product_id = conn.execute(sa.insert(Product.__table__).values(
            sku="RAW", name="raw", price=PRICE, created_at=now)).inserted_primary_key[0]
        conn.execute(sa.insert(StockLevel.__table__), [
            {"sku": sku, "product_id": product_id, "variant_id": None, "available": 10_000_000, "reserved": 0,
             "sold": 0, "received_total": 10_000_000} for sku in SKUS])
    engine.dispose()
    return broadcast_id


def _order_row(event: dict, broadcast_id: int, now: datetime) -> dict:
    buyer, address = event["buyer"], event["buyer"]["address"]
    return {"order_id": event["order_id"], "broadcast_id": broadcast_id, "source": "in_stream", "status": "accepted",
            "buyer_id": buyer["id"], "buyer_name": buyer["name"], "buyer_phone": buyer["phone"],
            "address_province": address["province"], "address_city": address["city"],
            "address_district": address["district"], "address_detail": address["detail"], "comment_id": None,
            "coupon_codes": [], "units": 1, "subtotal": PRICE, "discount": 0, "total": PRICE, "paid_amount": None,
            "refund_due": False, "stock_reserved": True, "placed_at": now, "received_at": now, "updated_at": now}


def raw_rate_sqlite(url: str, total: int, budget: float) -> tuple[int, float]:
    """Return (orders, orders/s) for SQLAlchemy Core on SQLite, per order one transaction: decrement, 2 inserts."""
    broadcast_id = _setup(url)
    engine = sa.create_engine(url)
    configure_engine(engine)
    # Built once, like any tuned hot path would: only parameters change per order.
    decrement = sa.text("UPDATE stock_levels SET available=available-:q, reserved=reserved+:q "
                        "WHERE sku=:s AND available>=:q")
    insert_order, insert_line = sa.insert(Order.__table__), sa.insert(OrderLine.__table__)
    started, sent = time.perf_counter(), 0
    while sent < total and time.perf_counter() - started < budget:
        event, now = order("raw", sent), datetime.now(timezone.utc)
        sku = event["items"][0]["sku"]
        with engine.begin() as conn:
            if conn.execute(decrement, {"q": 1, "s": sku}).rowcount != 1:
                raise RuntimeError("out of stock")
            pk = conn.execute(insert_order, _order_row(event, broadcast_id, now)).inserted_primary_key[0]
            conn.execute(insert_line, {"order_pk": pk, "sku": sku, "qty": 1, "unit_price": PRICE, "line_total": PRICE,
                                       "order_discount": 0})
        sent += 1
    rate = sent / (time.perf_counter() - started)
    engine.dispose()
    return sent, rate


def raw_rate_postgresql(url: str, total: int, budget: float) -> tuple[int, float]:
    """Return (orders, orders/s) for psycopg2 on PostgreSQL, per order one transaction: decrement, 2 inserts."""
    broadcast_id = _setup(url)
    columns = list(_order_row(order("raw", 0), broadcast_id, datetime.now(timezone.utc)))
    insert_order = (f"INSERT INTO orders ({', '.join(columns)}) VALUES ({', '.join(f'%({c})s' for c in columns)}) "
                    "RETURNING id")
    insert_line = ("INSERT INTO order_lines (order_pk, sku, qty, unit_price, order_discount, line_total) "
                   "VALUES (%s, %s, 1, %s, 0, %s)")
    decrement = ("UPDATE stock_levels SET available = available - 1, reserved = reserved + 1 "
                 "WHERE sku = %s AND available >= 1")
    connection = psycopg2.connect(url)
    started, sent = time.perf_counter(), 0
    while sent < total and time.perf_counter() - started < budget:
        event, now = order("raw", sent), datetime.now(timezone.utc)
        sku = event["items"][0]["sku"]
        row = _order_row(event, broadcast_id, now) | {"coupon_codes": Json([]), "subtotal": CENTS, "total": CENTS}
        with connection, connection.cursor() as cursor:  # one transaction, committed on leaving
            cursor.execute(decrement, (sku,))
            if cursor.rowcount != 1:
                raise RuntimeError("out of stock")
            cursor.execute(insert_order, row)
            cursor.execute(insert_line, (cursor.fetchone()[0], sku, CENTS, CENTS))
        sent += 1
    rate = sent / (time.perf_counter() - started)
    connection.close()
    return sent, rate
