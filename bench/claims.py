"""Comment selling end to end: claims/s through the events API beside plain chat, in the same run (issue 13).

Run: .venv/bin/python bench/claims.py [--seconds 10] [--stock 100000]

A real server (``python wsgi.py``, threading mode) on SQLite in a temporary folder; one client POSTs
``/api/v1/broadcasts/<id>/events`` in batches of 100 chat events, alternating two kinds of batch for --seconds each
in all: plain chat (no claim) and half claims ("拍了 2件 3号 M", each one resolved against the line-up, stored, made a
draft order that reserves stock, told to the buyer and pushed), the other half plain chat. Printed: events/s and
claims/s of each kind (wall clock), the server's CPU ms per event, and what the claims became. Figures only.
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOCKETIO_ASYNC_MODE", "threading")  # this process only builds the database

CHATTER = ("主播好美", "来了来了", "哈哈哈", "666", "好看！", "已关注", "多少钱？", "有M码吗", "Love this!", "hello")
SIZES = ("S", "M", "L", "XL")


def seed(url: str, stock: int) -> tuple[str, int]:
    """Return (API token, broadcast id) of a live broadcast with 10 products on links 1-10 (sizes on even links)."""
    from tests.support.api import ApiClient
    from tests.support.databases import create_schema, create_token, make_app

    create_schema(url)
    app = make_app(url)
    api = ApiClient(app.test_client(), create_token(app, "bench"))
    skus = []
    for n in range(1, 11):
        variants = [{"sku": f"P{n}-{s}", "name": s, "stock": stock} for s in SIZES] if n % 2 == 0 else None
        api.product(f"P{n}", stock=stock, price="50.00", variants=variants)
        skus.append(f"P{n}")
    return api.token, api.live_broadcast("bench claims", skus=tuple(skus))


def batch(kind: str, number: int, rng: random.Random, at: datetime) -> tuple[list[dict], int]:
    """Return (100 chat events, claims among them): plain chat only, or half claims by link number."""
    events, claims = [], 0
    for i in range(100):
        viewer = f"v{rng.randrange(50_000)}"
        if kind == "claims" and i % 2 == 0:
            link = rng.randint(1, 10)
            text = f"拍了 {rng.choice((1, 2))}件 {link}号" + (f" {rng.choice(SIZES)}" if link % 2 == 0 else "")
            claims += 1
        else:
            text = rng.choice(CHATTER)
        events.append({"id": f"{kind}-{number}-{i}", "type": "chat", "ts": (at + timedelta(milliseconds=i)).isoformat(),
                       "viewer_id": viewer, "text": text})
    return events, claims


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU seconds a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    """Seed, start the server, alternate plain and claim batches, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time for both kinds together")
    parser.add_argument("--stock", type=int, default=100_000, help="units per SKU (claims reserve them)")
    args = parser.parse_args()
    import requests

    # Measured as deployed: a new `python wsgi.py`, not a server forked from the test suite's preloaded process.
    os.environ["LIVEDESK_TEST_FORK_SERVERS"] = "0"
    from tests.support.server import ServerProcess

    workdir = Path(tempfile.mkdtemp(prefix="livedesk-bench-claims-"))
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    token, broadcast_id = seed(url, args.stock)
    server = ServerProcess(url, workdir, async_mode="threading")
    rng = random.Random(13)
    totals = {kind: {"events": 0, "claims": 0, "seconds": 0.0, "cpu": 0.0} for kind in ("plain", "claims")}
    outcomes: Counter = Counter()
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        endpoint = f"{server.url}/api/v1/broadcasts/{broadcast_id}/events"
        session.post(endpoint, json={"events": batch("plain", -1, rng, datetime.now(timezone.utc))[0]},
                     timeout=120).raise_for_status()  # warm-up: matcher, line-up, connections
        started, number = time.perf_counter(), 0
        while time.perf_counter() - started < args.seconds:
            for kind in ("plain", "claims"):
                events, claims = batch(kind, number, rng, datetime.now(timezone.utc) - timedelta(seconds=1))
                cpu, began = cpu_seconds(server.process.pid), time.perf_counter()
                response = session.post(endpoint, json={"events": events}, timeout=120)
                response.raise_for_status()
                figures = totals[kind]
                figures["seconds"] += time.perf_counter() - began
                figures["cpu"] += cpu_seconds(server.process.pid) - cpu
                figures["events"] += len(events)
                figures["claims"] += claims
                outcomes.update(r["claim"]["status"] for r in response.json()["results"] if "claim" in r)
            number += 1
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    load = os.getloadavg()[0]
    print(f"LiveDesk comment selling through the events API on SQLite (threading server); {os.cpu_count()} CPUs, "
          f"load average {load:.2f}")
    print(f"{'batches of 100 chat events':40} {'events/s':>10} {'claims/s':>10} {'server CPU ms/event':>20}")
    for kind, label in (("plain", "plain chat"), ("claims", "half claims (draft orders)")):
        f = totals[kind]
        per_s = f["events"] / f["seconds"] if f["seconds"] else 0.0
        claims_s = f["claims"] / f["seconds"] if f["seconds"] else 0.0
        cpu_ms = 1000 * f["cpu"] / f["events"] if f["events"] else 0.0
        print(f"{label:40} {per_s:10.0f} {claims_s:10.0f} {cpu_ms:20.2f}")
    print("claims became: " + ", ".join(f"{status} {count}" for status, count in sorted(outcomes.items())))


if __name__ == "__main__":
    main()
