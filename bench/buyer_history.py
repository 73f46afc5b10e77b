"""One buyer's many orders: the time of a 100-order batch from one buyer at 0 and at 6,000 earlier orders of theirs.

Run: .venv/bin/python bench/buyer_history.py [--earlier 6000] [--batch 100] [--repeat 3]
In process on SQLite (ingest_events + realtime.commit, as bench/ingest.py's in-process rate). The per-buyer limit
and the duplicate check read the buyer's history with bounded queries (orders/review/context.py), so the second
figure should stay near the first; it used to grow with every earlier order (68 ms to 1.3 s by 6,000). The
earlier orders are placed within the duplicate window, the hardest case. Figures only: nothing is asserted on
time. Everything lives in a temporary folder removed at the end.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import ingest  # noqa: E402  (sets the environment up before the app is imported)
from ingest_support import SqliteDatabases, make_app, order, seed  # noqa: E402  (bench/ is on the path now)

from app import realtime  # noqa: E402
from app.extensions import db  # noqa: E402
from live.ingest import ingest_events  # noqa: E402
from live.models import Broadcast  # noqa: E402


def orders_of_one_buyer(tag: str, start: int, count: int, placed: datetime) -> list[dict]:
    """Return count order events of the buyer "whale", numbered from start, all placed at placed."""
    events = []
    for n in range(start, start + count):
        event = order(tag, n)
        event["ts"] = placed.isoformat()
        event["buyer"]["id"] = "whale"
        events.append(event)
    return events


def batch_ms(app, broadcast_id: int, events: list[dict]) -> float:
    """Return the milliseconds of taking one batch of events in and committing it."""
    with app.app_context():
        started = time.perf_counter()
        ingest_events(db.session, db.session.get(Broadcast, broadcast_id), "bench", events)
        realtime.commit(db.session)
        return (time.perf_counter() - started) * 1000


def main() -> None:
    """Print the per-batch time of one buyer's batches with none and with many earlier orders of theirs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--earlier", type=int, default=6000, help="earlier orders of the same buyer")
    parser.add_argument("--batch", type=int, default=100, help="orders per timed batch")
    parser.add_argument("--repeat", type=int, default=3, help="timed batches at each point (the median is shown)")
    args = parser.parse_args()
    try:
        app = make_app(SqliteDatabases().fresh("buyer-history"))
        _token, broadcast_id = seed(app)
        placed = datetime.now(timezone.utc) - timedelta(seconds=5)
        batch_ms(app, broadcast_id, [order("warm", 0)])
        sent, figures = 0, {}
        for point in (0, args.earlier):
            while sent < point:  # the earlier orders, in batches of 500 (not timed)
                count = min(500, point - sent)
                batch_ms(app, broadcast_id, orders_of_one_buyer("earlier", sent, count, placed))
                sent += count
            times = []
            for _ in range(args.repeat):
                times.append(batch_ms(app, broadcast_id, orders_of_one_buyer("timed", sent, args.batch, placed)))
                sent += args.batch
            figures[point] = statistics.median(times)
            print(f"{args.batch}-order batch of one buyer with {point:>6,} earlier orders of theirs: "
                  f"{figures[point]:8.1f} ms (median of {args.repeat})", flush=True)
        print(f"ratio: {figures[args.earlier] / figures[0]:.2f}x")
        with app.app_context():
            db.engine.dispose()
    finally:
        shutil.rmtree(ingest.WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
