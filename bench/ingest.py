"""Order ingestion, SQLite or PostgreSQL: the raw ceiling, HTTP batches of 100, one order per request from 16
connections, the two ratios of issue 17, and the push latency at a fixed offered rate.

Run: .venv/bin/python bench/ingest.py [--engine sqlite|postgresql] [--postgres-url URL] [--budget 10]
         [--rate 200] [--seconds 10] [--server-mode eventlet|threading] [--profile]   (--help for more)
The server is `python wsgi.py` (eventlet, the production default, unless --server-mode threading). Each
throughput run stops at its order count or after --budget seconds. SQLite files live in a temporary folder;
PostgreSQL databases are created from a migrated template on the server of --postgres-url and dropped at the
end. Figures only: no assertion is made on time. Other work on the machine skews them: the load average is
printed at the start and the end.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

WORKDIR = Path(tempfile.mkdtemp(prefix="livedesk-bench-"))
# Before the app is imported: no monkey-patching, and nothing written to the project's instance/.
os.environ.update(SOCKETIO_ASYNC_MODE="threading", LIVEDESK_INSTANCE=str(WORKDIR), SECRET_KEY="bench",
                  DATABASE_URL=f"sqlite:///{WORKDIR / 'unused.sqlite3'}")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import ingest_measures as measures  # noqa: E402
from process_cpu import process_cpu  # noqa: E402
import ingest_pg  # noqa: E402
from ingest_support import (SqliteDatabases, concurrent_rate, free_port, http_rate, make_app, seed,  # noqa: E402
                            server_log_tail, start_server)


def measure(args, databases) -> dict:
    """Return every figure of one engine: raw ceiling, HTTP batch 100, one order per request, push latency."""
    figures: dict = {}
    server_db = databases.fresh("server")
    token, broadcast_id = seed(make_app(server_db))
    server = start_server(server_db, port := free_port(), token, args.server_mode)
    try:
        base = f"http://127.0.0.1:{port}"
        path = f"/api/v1/broadcasts/{broadcast_id}/events"
        http_rate(base, token, path, "warmup", 100, 10, args.budget)
        runs = {"batch100": lambda: http_rate(base, token, path, "b100", args.orders_100, 100, args.budget),
                "single": lambda: concurrent_rate(base, token, path, "c1", args.orders_1, args.connections, args.budget),
                "alone": lambda: http_rate(base, token, path, "b1", args.orders_1, 1, args.budget / 2)}
        figures["server_cpu_ms"] = {}
        for name, run in runs.items():
            server_cpu, client_cpu = process_cpu(server.pid), time.process_time()
            figures[name] = run()
            orders = max(1, figures[name][0])
            figures["server_cpu_ms"][name] = (process_cpu(server.pid) - server_cpu) * 1000 / orders
            if name == "single":
                figures["client_cpu_ms"] = (time.process_time() - client_cpu) * 1000 / orders
        figures["push"] = measures.latency(base, token, broadcast_id, args.rate, args.seconds, args.senders)
    except Exception:
        print(server_log_tail())
        raise
    finally:
        server.terminate()
        server.wait(timeout=10)
    raw = ingest_pg.raw_rate_postgresql if databases.engine == "postgresql" else ingest_pg.raw_rate_sqlite
    figures["raw"] = raw(databases.fresh("raw"), args.raw, args.budget)
    figures["statements"] = measures.statements_per_request(databases.fresh("count"))
    if args.profile:
        measures.profile_ingestion(databases.fresh("profile"), 2000, 100)
    return figures


def report(args, engine: str, figures: dict, loads: tuple) -> None:
    """Print the figures of one engine side by side, with the ratios and the issue's goals."""
    durability = "WAL, synchronous=FULL" if engine == "sqlite" else "synchronous_commit on"
    print(f"\nLiveDesk order ingestion on {engine} ({durability}); server: python wsgi.py, {args.server_mode} mode; "
          f"{os.cpu_count()} CPUs; load average {loads[0]:.2f} at start, {loads[1]:.2f} at end")
    print(f"{'':52}{'orders':>8}{'orders/s':>11}")
    rows = (("raw ceiling, 1 transaction per order", "raw"), ("HTTP API, batch 100", "batch100"),
            (f"HTTP API, 1 order per request, {args.connections} connections", "single"),
            ("HTTP API, 1 order per request, 1 connection", "alone"))
    for label, key in rows:
        count, rate = figures[key]
        print(f"{label:52}{count:>8}{rate:>11.1f}")
    ratio_raw = figures["batch100"][1] / figures["raw"][1]
    ratio_single = figures["single"][1] / figures["batch100"][1]
    print(f"{'ratio batch 100 / raw':52}{ratio_raw:>19.2f}   goal >= 1.0: {'met' if ratio_raw >= 1 else 'NOT met'}")
    print(f"{f'ratio 1 order x {args.connections} connections / batch 100':52}{ratio_single:>19.2f}   goal >= 0.8: "
          f"{'met' if ratio_single >= 0.8 else 'NOT met'}")
    cpu = figures["server_cpu_ms"]
    print(f"server CPU per order (from /proc, steadier than rates on a shared machine): batch 100 "
          f"{cpu['batch100']:.2f} ms, 1 order x {args.connections} connections {cpu['single']:.2f} ms, "
          f"1 order x 1 connection {cpu['alone']:.2f} ms; ratio batch 100 / 1 x {args.connections} "
          f"{cpu['batch100'] / cpu['single']:.2f}")
    print(f"load generator CPU per one-order request (this process, http.client): {figures['client_cpu_ms']:.2f} ms")
    per_request, kinds = figures["statements"]
    print(f"SQL statements per 1-order request (one at a time): {per_request:.1f} "
          f"({', '.join(f'{kind} {n:.1f}' for kind, n in kinds.items())})")
    push = figures["push"]
    print(f"push latency to order.created on /live: {args.rate:g} orders/s offered for {args.seconds:g} s, "
          f"1 order per request, {args.senders} connections; achieved {push['achieved']:.1f} orders/s, "
          f"{push['received']} of {push['sent']} pushes received")
    for label, key in (("from POST sent", "from_post"), ("from when due (incl. waiting to send)", "from_due")):
        p50, p99, top = push[key]
        print(f"  {label:38} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms   max {top:8.1f} ms")


def main() -> None:
    """Run every measurement on one engine and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("LIVEDESK_BENCH_POSTGRES_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/test"),
                        help="a PostgreSQL server (the bench creates and drops its own databases there)")
    parser.add_argument("--orders-1", type=int, default=5000, help="orders sent one per request, at most")
    parser.add_argument("--orders-100", type=int, default=20000, help="orders sent 100 per request, at most")
    parser.add_argument("--raw", type=int, default=20000, help="orders for the raw ceiling, at most")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds each throughput run may take")
    parser.add_argument("--rate", type=float, default=200.0, help="orders/s offered in the push latency run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the push latency run")
    parser.add_argument("--senders", type=int, default=16, help="concurrent connections of the latency run")
    parser.add_argument("--connections", type=int, default=16,
                        help="concurrent connections of the one-order-per-request throughput run")
    parser.add_argument("--profile", action="store_true", help="also print where in-process ingestion spends time")
    parser.add_argument("--server-mode", choices=("threading", "eventlet"), default="eventlet",
                        help="SOCKETIO_ASYNC_MODE of the server process (this process always uses threading)")
    args = parser.parse_args()
    start_load = os.getloadavg()[0]
    databases = ingest_pg.PostgresDatabases(args.postgres_url) if args.engine == "postgresql" else SqliteDatabases()
    try:
        figures = measure(args, databases)
    finally:
        databases.close()
    report(args, args.engine, figures, (start_load, os.getloadavg()[0]))


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
