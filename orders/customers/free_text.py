"""Contact data inside texts, found and replaced for an erasure (orders/customers/erasure.py and its listeners).

``scrub`` is pure; ``scrub_rows`` applies it to the text columns of a table's rows, for the listeners of
orders/care and orders/aftersales, which own those tables.
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from orders.customers import retention

# Mainland mobile numbers as people type them: 13800138000, 138 0013 8000, 138-0013-8000, +86 138…, 0086-138….
_PHONE = re.compile(r"(?<!\d)(?:(?:\+|00)\s*86[\s-]*)?1[3-9]\d(?:[\s-]*\d){8}(?!\d)")


def scrub(value, secrets: frozenset[str], phones: bool = False):
    """Return a JSON value with every secret in its texts (and, with phones, any mobile number) tombstoned."""
    if isinstance(value, str):
        for secret in sorted(secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, retention.TOMBSTONE)
        return _PHONE.sub(retention.TOMBSTONE, value) if phones else value
    if isinstance(value, list):
        return [scrub(item, secrets, phones) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, secrets, phones) for key, item in value.items()}
    return value


def scrub_rows(session: Session, table: sa.Table, columns: tuple[str, ...], where, secrets: frozenset[str]) -> int:
    """Tombstone the secrets and typed phone numbers in the text columns of the rows matching where (what a buyer
    wrote); return how many rows changed. No commit."""
    rows = session.execute(sa.select(table.c.id, *[table.c[name] for name in columns]).where(where)).mappings().all()
    changed = 0
    for row in rows:
        changes = {name: scrub(row[name], secrets, phones=True) for name in columns}
        changes = {name: value for name, value in changes.items() if value != row[name]}
        if changes:
            session.execute(sa.update(table).where(table.c.id == row["id"]).values(**changes))
            changed += 1
    return changed
