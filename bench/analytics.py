"""Broadcast metrics at scale on SQLite: the SQL path over rollups (warm and cold) against the naive pandas recompute.

Run: .venv/bin/python bench/analytics.py [--events 10000000] [--seed 5] [--db PATH] [--keep]
     .venv/bin/python bench/analytics.py --measure-only --db PATH   (steps 3 only, on a file kept with --keep)

1. Generates one 4-hour broadcast of --events events (about 1 order per 10 events, payments and cancels after
   their orders, joins and leaves of N/20 viewers, 40 SKUs pinned in turn) straight into a fresh SQLite file
   with executemany, in time order, as ingestion would have stored them.
2. Fills the rollups through the rebuild path (analytics.rollups.rebuild: the log read in id order and fed through
   the same incremental code as ingestion, in one transaction).
3. Times the metrics JSON: warm = again in this process, caches hot; cold = a fresh Python process with a
   new engine and connection (the OS page cache is left as it is, not dropped); naive = a fresh process that
   reads the event log into a DataFrame and runs tests.support.analytics_frame.compute_metrics_pandas (the
   naive baseline, test support rather than product). Each child reports its own ru_maxrss. The naive answer
   must equal the SQL one.
Figures only: nothing here is asserted by time.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The children (see spawn) share the parent's temporary folder, which only the parent removes.
WORKDIR = Path(os.environ.get("LIVEDESK_BENCH_WORKDIR") or tempfile.mkdtemp(prefix="livedesk-bench-analytics-"))
os.environ.update(LIVEDESK_BENCH_WORKDIR=str(WORKDIR), SOCKETIO_ASYNC_MODE="threading",
                  LIVEDESK_INSTANCE=str(WORKDIR), SECRET_KEY="bench",
                  DATABASE_URL=f"sqlite:///{WORKDIR / 'unused.sqlite3'}")
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

DB_NAME = "analytics-bench.sqlite3"


def make_app(path: Path):
    """Return an app on the SQLite file at path."""
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SOCKETIO_MESSAGE_QUEUE": None})


def create_database(path: Path) -> int:
    """Create the schema and one ended broadcast in a fresh file; return the broadcast id."""
    from app.extensions import db
    from bench.analytics_data import END, START
    from live.models import Broadcast

    app = make_app(path)
    with app.app_context():
        db.create_all()
        broadcast = Broadcast(title="bench 4h", platform="douyin", status="ended", started_at=START, ended_at=END)
        db.session.add(broadcast)
        db.session.flush()
        broadcast_id = broadcast.id
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return broadcast_id


def fill_rollups(path: Path, broadcast_id: int) -> tuple[float, int]:
    """Return (seconds, events applied) for rebuilding the rollups from the log."""
    from analytics.rollups.rebuild import rebuild_rollups
    from app.extensions import db

    app = make_app(path)
    with app.app_context():
        began = time.perf_counter()
        applied = rebuild_rollups(db.session, broadcast_id)
        db.session.commit()
        took = time.perf_counter() - began
        db.session.remove()
        db.engine.dispose()
    return took, applied


def sql_metrics(path: Path, broadcast_id: int, runs: int) -> tuple[list[float], dict]:
    """Return the times of computing the metrics JSON `runs` times in one process, and the metrics."""
    from analytics.service import broadcast_metrics
    from app.extensions import db
    from live.models import Broadcast

    app = make_app(path)
    times, result = [], {}
    with app.app_context():
        for _ in range(runs):
            began = time.perf_counter()
            broadcast = db.session.get(Broadcast, broadcast_id)
            result = json.loads(json.dumps(broadcast_metrics(db.session, broadcast)))
            db.session.rollback()
            times.append(time.perf_counter() - began)
    return times, result


def naive_metrics(path: Path, broadcast_id: int) -> tuple[float, float, dict]:
    """Return (seconds to read the log into a DataFrame, seconds to compute, metrics) the naive way."""
    from bench.analytics_data import END, START, read_frame
    from tests.support.analytics_frame import compute_metrics_pandas

    began = time.perf_counter()
    frame = read_frame(path, broadcast_id)
    read = time.perf_counter() - began
    began = time.perf_counter()
    result = json.loads(json.dumps(compute_metrics_pandas(frame, START, END)))
    return read, time.perf_counter() - began, result


def child(mode: str, path: Path, broadcast_id: int, events: int, seed: int) -> dict:
    """Return the figures of one step run in this (fresh) process, with its own peak memory."""
    from bench.analytics_data import generate

    out: dict = {}
    if mode == "prepare":
        broadcast_id = create_database(path)
        began = time.perf_counter()
        out["counts"] = generate(path, broadcast_id, events, seed)
        out.update(broadcast_id=broadcast_id, generate=time.perf_counter() - began,
                   size_mib=path.stat().st_size / 2**20)
        out["rebuild"], out["applied"] = fill_rollups(path, broadcast_id)
    elif mode == "warm":
        out["times"], out["metrics"] = sql_metrics(path, broadcast_id, 6)
    elif mode == "sql":
        began = time.perf_counter()
        times, out["metrics"] = sql_metrics(path, broadcast_id, 1)
        out.update(seconds=times[0], process=time.perf_counter() - began)
    else:
        read, compute, out["metrics"] = naive_metrics(path, broadcast_id)
        out.update(seconds=read + compute, read=read, compute=compute)
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def spawn(mode: str, path: Path, broadcast_id: int = 0, events: int = 0, seed: int = 0) -> dict:
    """Return what a fresh child process measured (this parent stays small: ru_maxrss survives fork and exec)."""
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--db", str(path), "--broadcast",
                           str(broadcast_id), "--events", str(events), "--seed", str(seed)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} child failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Generate, fill the rollups, measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--db", type=Path, help="where to put the SQLite file (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file afterwards")
    parser.add_argument("--measure-only", action="store_true",
                        help="only time the metrics, on the existing --db file (broadcast 1) from an earlier --keep")
    parser.add_argument("--child", choices=("prepare", "warm", "sql", "naive"), help=argparse.SUPPRESS)
    parser.add_argument("--broadcast", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.db, args.broadcast, args.events, args.seed)))
        return
    path = args.db or WORKDIR / DB_NAME
    if args.measure_only:
        measure(path, 1)
        shutil.rmtree(WORKDIR, ignore_errors=True)
        return
    if path.exists():
        raise SystemExit(f"{path} exists; the bench needs a fresh file")
    try:
        run(path, args.events, args.seed)
    finally:
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(WORKDIR, ignore_errors=True)


def run(path: Path, events: int, seed: int) -> None:
    """Print every figure of the bench for a broadcast of `events` events."""
    print(f"SQLite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; file {path}",
          flush=True)
    prep = spawn("prepare", path, events=events, seed=seed)
    counts = prep["counts"]
    print(f"generated {counts['events']:,} events in {prep['generate']:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "events"))
    print(f"database file {prep['size_mib']:,.0f} MiB after generation")
    print(f"rollups filled by the rebuild path: {prep['applied']:,} events in {prep['rebuild']:.1f} s "
          f"({prep['applied'] / prep['rebuild']:,.0f} events/s)", flush=True)
    measure(path, prep["broadcast_id"])


def measure(path: Path, broadcast_id: int) -> None:
    """Print the warm, cold and naive timings and memory of the broadcast's metrics."""
    print(f"load average before measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    warm = spawn("warm", path, broadcast_id)
    warm_times = warm["times"][1:]  # the first run fills the caches
    warm_s = statistics.median(warm_times)
    print(f"SQL warm (one process, 5 runs after a first one): median {warm_s * 1000:.1f} ms, "
          f"min {min(warm_times) * 1000:.1f} ms, max {max(warm_times) * 1000:.1f} ms; "
          f"first run {warm['times'][0] * 1000:.1f} ms; peak memory ru_maxrss {warm['maxrss_mb']:.0f} MB")
    cold = spawn("sql", path, broadcast_id)
    print(f"SQL cold (fresh process, new engine and connection, OS page cache as is): {cold['seconds'] * 1000:.1f} ms "
          f"({cold['process']:.2f} s incl. building the app); peak memory ru_maxrss {cold['maxrss_mb']:.0f} MB",
          flush=True)
    assert cold["metrics"] == warm["metrics"], "cold and warm SQL answers differ"
    naive = spawn("naive", path, broadcast_id)
    print(f"naive pandas (fresh process): {naive['seconds']:.1f} s = read the log into a DataFrame "
          f"{naive['read']:.1f} s + compute_metrics_pandas {naive['compute']:.1f} s; peak memory ru_maxrss "
          f"{naive['maxrss_mb']:.0f} MB")
    print(f"naive answer equals the SQL answer: {naive['metrics'] == warm['metrics']}")
    print(f"ratio naive / SQL: {naive['seconds'] / warm_s:,.0f}x warm, {naive['seconds'] / cold['seconds']:,.0f}x cold")
    m = warm["metrics"]
    print(f"metrics: views {m['views']:,}, unique viewers {m['unique_viewers']:,}, peak {m['peak_concurrent_viewers']:,}, "
          f"orders {m['orders']:,}, paid {m['paid_orders']:,}, gmv {m['gmv']}, "
          f"{len(m['timeline'])} timeline rows (quiet minutes left out), "
          f"{len(m['by_product'])} SKUs")


if __name__ == "__main__":
    main()
