"""A long blocklist: CPU per order of batches of 100 and of 1 with no entries and with 30,000 (10,000 of each kind).

Run: .venv/bin/python bench/blocklist.py [--entries 10000] [--orders 1000]
In process on SQLite (ingest_events + realtime.commit, as bench/ingest.py's in-process rate), one fresh database
per size. A batch reads only the entries its orders could match (blocklist.match_key, docs/audit.md "Duplicate
orders"), so the figures at 30,000 entries should stay near those at none; before, every batch read and
normalised the whole list (33 ms of CPU per order in batches of 100 at 30,000 entries, against 0.9 ms). CPU time
of this process, which other work on the machine distorts less than wall time. Nothing is asserted on time.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import ingest  # noqa: E402, F401  (sets the environment up before the app is imported)
from ingest_support import WORKDIR, SqliteDatabases, make_app, order, seed  # noqa: E402  (bench/ is on the path now)

from app import realtime  # noqa: E402
from app.extensions import db  # noqa: E402
from live.ingest import ingest_events  # noqa: E402
from live.models import Broadcast  # noqa: E402
from orders.models import BlocklistEntry  # noqa: E402


def cpu_ms_per_order(app, broadcast_id: int, tag: str, orders: int, batch: int) -> float:
    """Return the CPU milliseconds per order of ingesting orders in batches of batch (none of them blocklisted)."""
    with app.app_context():
        started, sent = time.process_time(), 0
        while sent < orders:
            events = [order(tag, n) for n in range(sent, min(orders, sent + batch))]
            ingest_events(db.session, db.session.get(Broadcast, broadcast_id), "bench", events)
            realtime.commit(db.session)
            sent += len(events)
        return (time.process_time() - started) * 1000 / sent


def main() -> None:
    """Print the CPU per order at each blocklist size, and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="entries of each kind (buyer id, phone, address)")
    parser.add_argument("--orders", type=int, default=1000, help="orders timed in batches of 100 (a tenth alone)")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    try:
        databases, figures = SqliteDatabases(), {}
        for size in (0, args.entries):
            app = make_app(databases.fresh(f"blocklist-{size}"))
            _token, broadcast_id = seed(app)
            with app.app_context():
                db.session.add_all([BlocklistEntry(kind=kind, value=value) for n in range(size) for kind, value in (
                    ("buyer_id", f"fraud-{n}"), ("phone", f"139{n:08d}"), ("address", f"广东省深圳市南山区科技园 {n} 号"))])
                db.session.commit()
            cpu_ms_per_order(app, broadcast_id, "warm", 100, 100)
            figures[size] = (cpu_ms_per_order(app, broadcast_id, "b100", args.orders, 100),
                             cpu_ms_per_order(app, broadcast_id, "b1", max(10, args.orders // 10), 1))
            print(f"{size * 3:>7,} blocklist entries: {figures[size][0]:7.2f} ms CPU per order in batches of 100, "
                  f"{figures[size][1]:7.2f} ms alone", flush=True)
            with app.app_context():
                db.engine.dispose()
        small, large = figures[0], figures[args.entries]
        print(f"ratio {args.entries * 3:,} entries / none: batches of 100 {large[0] / small[0]:.2f}x, "
              f"alone {large[1] / small[1]:.2f}x")
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
