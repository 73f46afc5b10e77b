"""The printable packing list reads its orders once (SQLite and PostgreSQL): the SKU totals and the per-order list
come from the same load, and the page costs the same statements for 3 orders as for 30."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.support import databases
from tests.support.fulfilment import AgentClient, place_paid_order

ORDERS_READ = re.compile(r"\bFROM orders\b", re.IGNORECASE)
LINES_READ = re.compile(r"\bFROM order_lines\b", re.IGNORECASE)
BROADCAST_READ = re.compile(r"\bFROM broadcasts\b", re.IGNORECASE)


def _statements_of_page(any_app, agent: AgentClient, path: str) -> list[str]:
    """Return the SQL statements the database received while the page was drawn."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with any_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = agent.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return seen


def _count(pattern: re.Pattern, statements: list[str]) -> int:
    return sum(1 for statement in statements if pattern.search(statement))


@pytest.mark.slow
def test_the_packing_list_page_reads_its_orders_once_however_many_it_lists(any_app, any_api):
    any_api.product("TEE", stock=500)
    few_id = any_api.live_broadcast(title="Few", skus=("TEE",))
    many_id = any_api.live_broadcast(title="Many", skus=("TEE",))
    databases.create_users(any_app)
    agent = AgentClient(any_app, "aftersales")
    for n in range(3):
        place_paid_order(any_api, few_id, f"FEW-{n}", [("TEE", 1)])
    for n in range(30):
        place_paid_order(any_api, many_id, f"MANY-{n}", [("TEE", 2)])

    few = _statements_of_page(any_app, agent, f"/fulfilment/packing-list?broadcast_id={few_id}")
    many = _statements_of_page(any_app, agent, f"/fulfilment/packing-list?broadcast_id={many_id}")

    assert _count(ORDERS_READ, many) == 1, [s for s in many if ORDERS_READ.search(s)]
    assert _count(LINES_READ, many) == 1
    assert _count(BROADCAST_READ, many) == 1
    assert len(many) == len(few)
