"""Audited order ingestion on SQLite: HTTP API orders/s with every audit rule on, against the raw SQL ceiling.

Run: .venv/bin/python bench/audit.py [--budget 10] [--profile]  (--help for more)
Set-up through the API: an audit policy and a blocklist entry (as an auditor), a live flash sale, a coupon, a
满减 threshold and member prices (promotions API). Orders mix complete ones (coupon codes, member tiers, flash
SKUs), incomplete ones (no phone, no district), blocklisted ones and redeliveries (same event id, or the same
order under a new event id). Every order is audited; the raw ceiling is bench/ingest.py's, run in the same
process. Figures only: nothing is asserted on time. Everything lives in a temporary folder removed at the end.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import sqlite3
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import ingest  # noqa: E402, F401  (sets the environment up before the app is imported)
from ingest_pg import raw_rate_sqlite  # noqa: E402  (bench/ is on the path now)
from ingest_support import (SKUS, WORKDIR, SqliteDatabases, free_port, make_app, order, seed,  # noqa: E402
                            start_server)

from app import realtime  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.auth.passwords import hash_password  # noqa: E402
from app.extensions import db  # noqa: E402
from live.ingest import ingest_events  # noqa: E402
from live.models import Broadcast  # noqa: E402

FLASH_SKUS, MEMBER_SKUS = SKUS[:4], SKUS[4:10]
BLOCKED_PHONE = "13900000000"
AUDITOR, PASSWORD = "bench-auditor", "bench-password"


def promotions(broadcast_id: int) -> list[dict]:
    """Return the bodies of the promotions to create: a live flash sale, a coupon, a threshold, member prices."""
    now = datetime.now(timezone.utc)
    return [
        {"code": "FLASH", "kind": "flash", "broadcast_id": broadcast_id, "skus": FLASH_SKUS, "price": "59.00",
         "remaining": 10_000_000, "per_buyer": 5, "starts_at": (now - timedelta(minutes=1)).isoformat(),
         "ends_at": (now + timedelta(hours=2)).isoformat()},
        {"code": "SAVE10", "kind": "coupon", "coupon_type": "fixed", "value": "10", "min_spend": 100,
         "uses_left": 10_000_000, "per_buyer": 1},
        {"code": "MJ", "kind": "threshold", "every": "150", "off": "15", "cap": "45", "priority": 1},
        {"code": "GOLD", "kind": "member", "tier": "gold", "stacking": "exclusive",
         "prices": {sku: "89.00" for sku in MEMBER_SKUS}},
    ]


def set_up(base: str, token: str, broadcast_id: int) -> None:
    """Create the promotions (service token) and the audit policy and blocklist entry (logged-in auditor)."""
    service = requests.Session()
    service.headers["Authorization"] = f"Bearer {token}"
    for body in promotions(broadcast_id):
        service.post(f"{base}/api/v1/promotions", json=body, timeout=30).raise_for_status()
    auditor = requests.Session()
    page = auditor.get(f"{base}/login", timeout=30).text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    auditor.post(f"{base}/login", data={"username": AUDITOR, "password": PASSWORD, "csrf_token": csrf},
                 timeout=30, allow_redirects=False).raise_for_status()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', auditor.get(f"{base}/", timeout=30).text).group(1)
    headers = {"X-CSRFToken": csrf}
    auditor.put(f"{base}/api/v1/broadcasts/{broadcast_id}/audit-policy", headers=headers, timeout=30, json={
        "max_qty_per_buyer_per_product": 6, "abnormal_qty_per_sku": 20, "duplicate_window_seconds": 600,
        "price_tolerance": "0.00", "reservation_minutes": 15, "sla_seconds": 300}).raise_for_status()
    auditor.post(f"{base}/api/v1/blocklist", headers=headers, timeout=30,
                 json={"kind": "phone", "value": BLOCKED_PHONE, "reason": "bench"}).raise_for_status()


def audited_order(tag: str, n: int) -> dict:
    """Return order event n: complete (coupon, member tier, flash SKU by turns), incomplete or blocklisted."""
    event = order(tag, n)
    buyer, item = event["buyer"], event["items"][0]
    buyer["id"] = f"{tag}-buyer-{n % 997}"  # a few buyers come back: their history is audited too
    item.update(sku=SKUS[n % len(SKUS)], qty=1 + n % 2, unit_price=None)
    if n % 4 == 0:
        buyer["member_tier"] = "gold"
    if n % 3 == 0:
        event["coupon_codes"] = ["save10"]
    if n % 5 == 0:
        event["items"].append({"sku": SKUS[(n + 7) % len(SKUS)], "qty": 1, "unit_price": None})
    if n % 10 == 3:
        buyer["phone"] = None
    elif n % 10 == 6:
        buyer["address"]["district"] = None
    elif n % 50 == 9:
        buyer["phone"] = BLOCKED_PHONE
    return event


def events_for(tag: str, start: int, count: int, sent: list[dict]) -> list[dict]:
    """Return count events from order start on; one in ten is a redelivery (same event, or same order anew)."""
    events = []
    for n in range(start, start + count):
        if n % 10 == 5 and sent:
            earlier = dict(sent[(n * 7) % len(sent)])
            if n % 20 == 5:
                earlier["id"] = f"{earlier['id']}-again"  # the same order under a new event id
            events.append(earlier)
        else:
            events.append(audited_order(tag, n))
            sent.append(events[-1])
    return events


def http_rate(session: requests.Session, url: str, tag: str, total: int, batch: int,
              budget: float) -> tuple[int, float, Counter]:
    """Return (orders, orders/s, statuses) for POSTing up to total order events in batches for budget seconds."""
    started, done, sent, statuses = time.perf_counter(), 0, [], Counter()
    while done < total and time.perf_counter() - started < budget:
        events = events_for(tag, done, min(batch, total - done), sent)
        response = session.post(url, json={"events": events}, timeout=120)
        response.raise_for_status()
        for result in response.json()["results"]:
            statuses[result["status"] if result["status"] != "accepted" else result["order"]["status"]] += 1
        done += len(events)
    return done, done / (time.perf_counter() - started), statuses


def in_process_profile(server_db: str, total: int, batch: int) -> None:
    """Print where in-process audited ingestion spends its time (cProfile, cumulative, project code)."""
    path = WORKDIR / "profile.sqlite3"
    with sqlite3.connect(server_db.removeprefix("sqlite:///")) as source, sqlite3.connect(path) as target:
        source.backup(target)  # the server's set-up (promotions, policy, blocklist), its WAL included
    app = make_app(f"sqlite:///{path}")
    profiler = cProfile.Profile()
    with app.app_context():
        broadcast_id = db.session.scalar(db.select(Broadcast.id).order_by(Broadcast.id.desc()).limit(1))
        sent: list[dict] = []
        started = time.perf_counter()
        for start in range(0, total, batch):
            events = events_for("prof", start, batch, sent)
            profiler.enable()
            ingest_events(db.session, db.session.get(Broadcast, broadcast_id), "bench", events)
            realtime.commit(db.session)
            profiler.disable()
        rate = total / (time.perf_counter() - started)
        db.engine.dispose()
    print(f"\n--- in-process, profiled ({rate:.0f} orders/s), {total} orders in batches of {batch}: "
          f"cumulative ms per order ---")
    stats = pstats.Stats(profiler)
    for (file, _line, name), entry in sorted(stats.stats.items(), key=lambda kv: -kv[1][3]):  # type: ignore[attr-defined]
        if re.search(r"/(live|orders|app|analytics)/", file) and entry[3] / total * 1000 >= 0.01:
            print(f"{entry[3] * 1000 / total:9.3f}  {Path(file).parent.name}/{Path(file).name}:{name}")


def main() -> None:
    """Set up, run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders-1", type=int, default=2000, help="order events sent one per request, at most")
    parser.add_argument("--orders-100", type=int, default=20000, help="order events sent 100 per request, at most")
    parser.add_argument("--raw", type=int, default=20000, help="orders for the raw SQL ceiling, at most")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds each throughput run may take")
    parser.add_argument("--profile", action="store_true", help="also print where in-process ingestion spends time")
    args = parser.parse_args()
    load = os.getloadavg()
    databases = SqliteDatabases()
    server_db = databases.fresh("server")
    app = make_app(server_db)
    token, broadcast_id = seed(app)
    with app.app_context():
        db.session.add(User(username=AUDITOR, password_hash=hash_password(PASSWORD), role="auditor"))
        db.session.commit()
        db.engine.dispose()
    server = start_server(server_db, port := free_port(), token, "eventlet")
    try:
        base = f"http://127.0.0.1:{port}"
        set_up(base, token, broadcast_id)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        url = f"{base}/api/v1/broadcasts/{broadcast_id}/events"
        http_rate(session, url, "warmup", 100, 10, args.budget)
        figures = {"HTTP API, audited, batch 1": http_rate(session, url, "b1", args.orders_1, 1, args.budget),
                   "HTTP API, audited, batch 100": http_rate(session, url, "b100", args.orders_100, 100, args.budget)}
    finally:
        server.terminate()
        server.wait(timeout=10)
    raw = raw_rate_sqlite(databases.fresh("raw"), args.raw, args.budget)
    print(f"\nLiveDesk audited order ingestion on SQLite (WAL, synchronous=FULL); server: python wsgi.py, eventlet "
          f"mode; {os.cpu_count()} CPUs, load average {load[0]:.2f} at start, {os.getloadavg()[0]:.2f} at the end")
    print("every rule on: policy, blocklist, flash sale, coupon, threshold, member prices; "
          "orders: complete, incomplete, blocklisted, redelivered")
    print(f"{'':44}{'orders':>8}{'orders/s':>11}  outcomes")
    for label, (count, rate, statuses) in figures.items():
        outcome = ", ".join(f"{status} {n}" for status, n in statuses.most_common())
        print(f"{label:44}{count:>8}{rate:>11.1f}  {outcome}")
    print(f"{'raw SQL ceiling, 1 transaction per order':44}{raw[0]:>8}{raw[1]:>11.1f}  (bench/ingest_pg.py raw_rate_sqlite)")
    for label in figures:
        print(f"{'ratio ' + label.split(', ')[-1] + ' / raw':44}{figures[label][1] / raw[1]:>19.2f}")
    if args.profile:
        in_process_profile(server_db, 2000, 100)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
