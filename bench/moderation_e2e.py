"""Chat end to end through a real server, and a raw insert of the very rows that run stored (bench/moderation.py).

``bench_end_to_end`` POSTs the corpus to ``/api/v1/broadcasts/<id>/events`` in batches of 100 chat events, one
client sending batch after batch, to ``python wsgi.py`` (eventlet, as tests/support/server.py starts it) on SQLite,
with the terms (no regex rules: the database has none), allow-list, policy and slow mode stored in the moderation
tables: every rule on. ``bench_raw_insert`` then copies every row that run inserted (event log, messages, viewers,
offences, sanctions, claims, push log, rollups: each table that grew, but the counts the database's triggers keep,
which inserting the rows they count writes again) into a copy of the database as seeded,
with one plain executemany per table and one commit per 100 messages, on the app's engine (the same SQLite
pragmas: WAL, synchronous=FULL): the floor of storing that run, with no moderation, no HTTP and no ORM.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from bench.process_cpu import process_cpu
from live.moderation.rules import (
    AllowTerm,
    ChatMessage,
    ChatMode,
    ModerationPolicy,
    Term,
)


def _seed(url: str, terms: list[Term], allow: list[AllowTerm], policy: ModerationPolicy,
          mode: ChatMode) -> tuple[str, int]:
    """Return (API token, broadcast id) after storing the terms, allow-list and policy in a fresh database."""
    import sqlalchemy as sa

    from app.auth.tokens import issue_token
    from app.extensions import db
    from live import broadcasts as lineup
    from live.moderation.models import (
        ModerationPolicyRecord,
        ModerationTerm,
        ModerationVersion,
    )
    from live.moderation.terms import term_key
    from tests.support.databases import create_schema, make_app

    create_schema(url)
    with make_app(url).app_context():
        # The corpus scopes terms to "b1".."b20": one real broadcast each; "b1" is the one chatted in.
        broadcasts = {f"b{n}": lineup.create_broadcast(db.session, f"bench {n}", "douyin") for n in range(1, 21)}
        lineup.start_broadcast(db.session, broadcasts["b1"], None)
        db.session.flush()
        ids = {name: broadcast.id for name, broadcast in broadcasts.items()}
        rows, seen = [], set()
        for item, action, category in [(t, t.action, t.category) for t in terms] + [(a, "allow", "custom") for a in allow]:
            bid = ids.get(item.broadcast_id) if item.broadcast_id else None
            key = term_key(item.term)
            if key and (key, bid) not in seen:
                seen.add((key, bid))
                rows.append({"term": item.term, "key": key, "category": category, "action": action,
                             "scope": str(bid) if bid else "global", "broadcast_id": bid, "created_by": "bench"})
        db.session.execute(sa.insert(ModerationTerm), rows)
        db.session.add(ModerationVersion(name="terms", version=1))
        db.session.add(ModerationPolicyRecord(
            broadcast_id=ids["b1"], policy={"allowed_domains": list(policy.allowed_domains)},
            slow_seconds=int(mode.slow_seconds), shield=mode.shield, version=1))
        token = issue_token(db.session, "bench")
        db.session.commit()
        db.engine.dispose()
    return token, ids["b1"]


def bench_end_to_end(terms: list[Term], allow: list[AllowTerm], messages: list[ChatMessage], policy: ModerationPolicy,
                     mode: ChatMode, batch: int = 100, budget: float = 60.0, connections: int = 1) -> dict:
    """Return {"sent", "rate", "cpu", "actions", "workdir", "seeded", "stored"} for chat POSTed to a real server in
    batches of `batch` from `connections` clients at once, taking consecutive batches (rate: messages/s wall clock;
    cpu: server CPU s per message, the figure a busy machine distorts least). The caller removes workdir; seeded
    and stored are the database before and after the run."""
    os.environ.setdefault("SOCKETIO_ASYNC_MODE", "threading")  # this process only builds the database
    import requests

    # Measured as deployed: a new `python wsgi.py`, not a server forked from the test suite's preloaded process.
    os.environ["LIVEDESK_TEST_FORK_SERVERS"] = "0"
    from tests.support.server import ServerProcess

    workdir = Path(tempfile.mkdtemp(prefix="livedesk-bench-moderation-"))
    stored = workdir / "bench.sqlite3"
    token, broadcast_id = _seed(f"sqlite:///{stored}", terms, allow, policy, mode)
    seeded = workdir / "seeded.sqlite3"
    shutil.copy(stored, seeded)  # the seeding app is disposed: its WAL is checkpointed into the file
    server = ServerProcess(f"sqlite:///{stored}", workdir)
    actions: dict[str, int] = {}
    lock, next_batch, failures = threading.Lock(), iter(range(0, len(messages), batch)), []

    def client() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        while time.perf_counter() - started < budget and not failures:
            with lock:
                first = next(next_batch, None)
            if first is None:
                return
            events = [{"id": f"e2e-{first + i}", "type": "chat", "ts": m.at.isoformat(), "viewer_id": m.viewer_id,
                       "nickname": m.nickname, "text": m.text} for i, m in enumerate(messages[first:first + batch])]
            response = session.post(endpoint, json={"events": events}, timeout=120)
            if response.status_code != 200:
                failures.append(f"{response.status_code} {response.text[:200]}")
                return
            with lock:
                for result in response.json()["results"]:
                    key = result.get("action", result["status"])
                    actions[key] = actions.get(key, 0) + 1

    try:
        endpoint = f"{server.url}/api/v1/broadcasts/{broadcast_id}/events"
        warm = {"id": "warm", "type": "chat", "ts": messages[0].at.isoformat(), "viewer_id": "warm", "text": "hi"}
        requests.post(endpoint, json={"events": [warm]}, headers={"Authorization": f"Bearer {token}"},
                      timeout=120).raise_for_status()  # builds the matcher
        started, cpu = time.perf_counter(), process_cpu(server.process.pid)
        threads = [threading.Thread(target=client) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        cpu = process_cpu(server.process.pid) - cpu
    finally:
        server.stop()
    if failures:
        raise RuntimeError(f"the server refused a batch: {failures[0]}")
    sent = sum(actions.values())
    return {"sent": sent, "rate": sent / elapsed, "cpu": cpu / max(sent, 1), "actions": actions,
            "workdir": workdir, "seeded": seeded, "stored": stored}


# Tables the database fills itself as other tables change (orders/totals.py, orders/claims/totals.py).
KEPT_BY_TRIGGERS = frozenset({"order_totals", "claim_totals"})


def bench_raw_insert(seeded: Path, stored: Path, messages: int, batch: int = 100) -> dict:
    """Return {"rate", "rows", "tables"}: messages/s of inserting every row the run added to `stored` into a copy
    of `seeded`, with one executemany per table and one commit per `batch` messages (rows split evenly)."""
    import sqlalchemy as sa

    from app.extensions import db
    from tests.support.databases import make_app

    target = seeded.with_name("raw.sqlite3")
    shutil.copy(seeded, target)
    before = sa.create_engine(f"sqlite:///{seeded}")
    after = sa.create_engine(f"sqlite:///{stored}")
    app = make_app(f"sqlite:///{target}")
    added: list[tuple[sa.Table, list[dict]]] = []
    with app.app_context(), before.connect() as old, after.connect() as new:
        for table in db.metadata.sorted_tables:  # parents before children
            if table.name in KEPT_BY_TRIGGERS:
                continue  # inserting the rows they count writes them again
            count = sa.select(sa.func.count()).select_from(table)
            if new.scalar(count) > old.scalar(count):
                known = {tuple(row) for row in old.execute(sa.select(*table.primary_key.columns))}
                rows = [dict(row._mapping) for row in new.execute(sa.select(table))
                        if tuple(row._mapping[c.name] for c in table.primary_key.columns) not in known]
                added.append((table, rows))
        # Rows naming a message (offences, sanctions) after the messages, whatever the metadata's sort made of cycles.
        added.sort(key=lambda item: any(fk.column.table.name == "chat_messages" for fk in item[0].foreign_keys))
        batches = max(1, math.ceil(messages / batch))
        chunks = [_split(rows, batches, added) for _table, rows in added]
        engine = db.engine
        started = time.perf_counter()
        for number in range(batches):
            with engine.begin() as conn:
                for (table, _rows), chunk in zip(added, chunks):
                    if chunk[number]:
                        conn.execute(table.insert(), chunk[number])
        elapsed = time.perf_counter() - started
        engine.dispose()
    before.dispose()
    after.dispose()
    return {"rate": messages / elapsed, "rows": sum(len(rows) for _table, rows in added),
            "tables": {table.name: len(rows) for table, rows in added}}


def _split(rows: list[dict], batches: int, added: list) -> list[list[dict]]:
    """Return rows in `batches` chunks: evenly in order, or with the chunk of the message they name (message_id)."""
    if not rows or "message_id" not in rows[0]:
        return [rows[len(rows) * n // batches:len(rows) * (n + 1) // batches] for n in range(batches)]
    messages = next(rows for table, rows in added if table.name == "chat_messages")
    chunk_of = {row["id"]: n for n, chunk in enumerate(_split(messages, batches, added)) for row in chunk}
    chunks: list[list[dict]] = [[] for _ in range(batches)]
    for row in rows:
        chunks[chunk_of.get(row["message_id"], 0)].append(row)
    return chunks
