"""The host page's live claim count at 10,000 and 100,000 claims: counting every claim, against the counts kept by
the database (orders/claims/totals.py), in the same run.

Run: .venv/bin/python bench/claim_counts.py [--sizes 10000,100000] [--rounds 20] [--engine sqlite|postgresql]

For each size: one broadcast with that many claims (a third unresolved, a third drafts, a third platform orders of
mixed statuses), inserted with the triggers on. Then, each round: 50 new claims and 20 order status changes (what
a chat batch and the orders around it write), the push's fold (compact_claim_counts, what claims.changed runs
after every batch with claims) and the former way, one GROUP BY over every claim of the broadcast joined to its
order (orders/claims/status.py's rule). Both give the same counts (checked). Figures only: medians and maxima in
ms, with the load average.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="livedesk-bench-claims-"))
os.environ.update(SOCKETIO_ASYNC_MODE="threading", LIVEDESK_INSTANCE=str(WORKDIR), SECRET_KEY="bench",
                  DATABASE_URL=f"sqlite:///{WORKDIR / 'unused.sqlite3'}")

import sqlalchemy as sa  # noqa: E402

from app.extensions import db  # noqa: E402
from live import broadcasts as lineup  # noqa: E402
from orders.claims.models import ChatClaim  # noqa: E402
from orders.claims.status import CLAIM_STATUSES, status_column  # noqa: E402
from orders.claims.totals import compact_claim_counts  # noqa: E402
from orders.models import Order  # noqa: E402
from tests.support.databases import create_private_database, create_schema, drop_private_database, make_app  # noqa: E402

NOW = datetime.now(timezone.utc)
STATUSES = ("claimed", "accepted", "paid", "paid", "expired", "cancelled")


def scanned(session, broadcast_id: int) -> dict[str, int]:
    """Return the counts the former way: every claim of the broadcast joined to its order, grouped by status."""
    status = status_column()
    counts = dict.fromkeys(CLAIM_STATUSES, 0)
    counts.update({name: int(n) for name, n in session.execute(
        sa.select(status, sa.func.count()).select_from(ChatClaim).outerjoin(Order, Order.id == ChatClaim.order_pk)
        .where(ChatClaim.broadcast_id == broadcast_id).group_by(status))})
    return counts


def fill(session, broadcast_id: int, claims: int, rng: random.Random, start: int = 0) -> list[int]:
    """Insert claims (and the orders two thirds of them became) in chunks; return the new orders' keys."""
    made: list[int] = []
    for first in range(start, start + claims, 5000):
        numbers = range(first, min(start + claims, first + 5000))
        orders = [{"order_id": f"B-{n}", "broadcast_id": broadcast_id, "source": "comment", "buyer_id": f"v{n % 3000}",
                   "status": rng.choice(STATUSES), "placed_at": NOW} for n in numbers if n % 3]
        keys = [pk for (pk,) in session.execute(sa.insert(Order).returning(Order.id), orders)] if orders else []
        made.extend(keys)
        linked = iter(keys)
        session.execute(sa.insert(ChatClaim), [
            {"broadcast_id": broadcast_id, "comment_id": f"c{n}", "viewer_id": f"v{n % 3000}", "text": "3号 要2件",
             "at": NOW, "reason": "link_missing" if n % 3 == 0 else None,
             "order_pk": None if n % 3 == 0 else next(linked), "ordered_at": NOW if n % 3 == 2 else None}
            for n in numbers])
        session.commit()
    return made


def measure(url: str, size: int, rounds: int) -> dict:
    """Return the fold's and the scan's times (ms) per round at size claims."""
    rng = random.Random(size)
    app = make_app(url)
    with app.app_context():
        session = db.session
        broadcast_id = lineup.create_broadcast(session, f"claims {size}", "douyin").id
        session.commit()
        orders = fill(session, broadcast_id, size, rng)
        compact_claim_counts(session, broadcast_id)
        session.commit()
        folds, scans = [], []
        for round_ in range(rounds):
            orders += fill(session, broadcast_id, 50, rng, start=size + round_ * 50)
            for pk in rng.sample(orders, 20):
                session.execute(sa.update(Order).where(Order.id == pk).values(status=rng.choice(STATUSES)))
            started = time.perf_counter()
            kept = compact_claim_counts(session, broadcast_id)
            folds.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            counted = scanned(session, broadcast_id)
            scans.append((time.perf_counter() - started) * 1000)
            assert kept == counted, (kept, counted)
            session.commit()
        session.remove()
        db.engine.dispose()
    return {"fold": folds, "scan": scans}


def main() -> None:
    """Build each size, time both ways, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"claim counts on {args.engine}, {args.rounds} rounds of 50 new claims and 20 order changes; "
          f"{os.cpu_count()} CPUs; load average {load:.2f} at start")
    print(f"{'claims':>8}  {'kept (fold): median / max':>28}  {'counted (scan): median / max':>30}")
    for size in (int(s) for s in args.sizes.split(",")):
        if args.engine == "postgresql":
            url = create_private_database(args.postgres_url)
        else:
            url = f"sqlite:///{WORKDIR / f'claims-{size}.sqlite3'}"
        try:
            create_schema(url)
            times = measure(url, size, args.rounds)
        finally:
            if args.engine == "postgresql":
                drop_private_database(args.postgres_url, url)
        fold, scan = times["fold"], times["scan"]
        print(f"{size:>8}  {statistics.median(fold):>14.2f} / {max(fold):>8.2f} ms  "
              f"{statistics.median(scan):>16.2f} / {max(scan):>8.2f} ms")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
