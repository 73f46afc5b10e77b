"""Live metrics push: per-push cost at 10k, 100k and 1M orders, and the server's memory on a 1M-order broadcast.

Run: .venv/bin/python bench/live_metrics.py [--sizes 10k,100k] [--pushes 8] [--server] [--server-seconds 30]
     .venv/bin/python bench/live_metrics.py --sizes 10k,100k,1m --server
     (1m builds a 3.5 GB file of 9 million events and rebuilds its rollups: 40 minutes or more on 2 cores)

For each size (orders), a fresh SQLite file gets one live broadcast of bench/analytics_data.py's mix (about 9
events per order: viewers joining and leaving, clicks, chat, pins, payments, cancels, post-stream orders), its
history ending an hour ago, and its rollups filled by the rebuild path. Then a fresh process times
analytics.push.push_metrics (what the metrics-push job runs every 4.5 s) --pushes times, warm, after ingesting
a few orders, payments, cancels, joins, leaves and clicks through live.ingest.ingest_events between pushes, and
prints per-push ms (median, max), its ru_maxrss and VmRSS. --server then starts the real server (`python wsgi.py`,
eventlet) on the largest file, posts orders to it for --server-seconds while its metrics-push job runs, and
prints the server's VmRSS/VmHWM. Figures only: nothing here is asserted by time. Load average printed.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("LIVEDESK_BENCH_WORKDIR") or tempfile.mkdtemp(prefix="livedesk-bench-live-"))
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
from datetime import datetime, timedelta, timezone  # noqa: E402
from decimal import Decimal  # noqa: E402

EVENTS_PER_ORDER = 9  # bench/analytics_data.py's mix: about 0.11 orders per event
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def load() -> str:
    """Return the load average as text."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def rss() -> dict:
    """Return this process's ru_maxrss and current VmRSS in MB."""
    return {"maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **proc_status(os.getpid())}


def proc_status(pid: int) -> dict:
    """Return VmRSS and VmHWM (MB) of a process from /proc/<pid>/status."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, value = line.split(":")
            found[name.lower() + "_mb"] = int(value.split()[0]) / 1024
    return found


def make_app(path: Path):
    """Return an app on the SQLite file at path (no message queue)."""
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SOCKETIO_MESSAGE_QUEUE": None})


def prepare(path: Path, orders: int, seed: int) -> dict:
    """Build the file: schema, catalogue, a live broadcast and its generated history; fill the rollups."""
    from analytics.rollups.rebuild import rebuild_rollups
    from app.auth.tokens import issue_token
    from app.extensions import db
    from bench import analytics_data as data
    from live import broadcasts as lineup
    from orders.catalog import create_product

    # The history (4 h of stream, then 2 days of post-stream orders) ends an hour ago; the broadcast is still live.
    data.START = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=2, hours=5, minutes=15)
    data.END = data.START + timedelta(hours=4)
    app = make_app(path)
    with app.app_context():
        db.create_all()
        for sku in data.SKUS:
            create_product(db.session, sku, f"Bench {sku}", Decimal("99.00"), 100_000_000, [])
        broadcast = lineup.create_broadcast(db.session, "bench live", "douyin")
        for sku in data.SKUS:
            lineup.add_to_lineup(db.session, broadcast, sku, None)
        lineup.start_broadcast(db.session, broadcast, data.START)
        token = issue_token(db.session, "bench")
        db.session.commit()
        broadcast_id = broadcast.id
        db.session.remove()
        db.engine.dispose()
    began = time.perf_counter()
    counts = data.generate(path, broadcast_id, orders * EVENTS_PER_ORDER, seed)
    generated = time.perf_counter() - began
    with app.app_context():
        began = time.perf_counter()
        rebuild_rollups(db.session, broadcast_id)
        db.session.commit()
        rebuilt = time.perf_counter() - began
        db.session.remove()
        db.engine.dispose()
    return {"broadcast_id": broadcast_id, "token": token, "counts": counts, "generate_s": generated,
            "rebuild_s": rebuilt, "size_mib": path.stat().st_size / 2**20}


def new_events(tag: str, n: int) -> list[dict]:
    """Return the few events ingested between two pushes: orders, payments, a cancel, joins, leaves, clicks, chat."""
    from bench.analytics_data import SKUS

    now = datetime.now(timezone.utc).isoformat()
    events: list[dict] = []
    for i in range(5):
        oid = f"{tag}-{n}-{i}"
        events.append({"id": f"{oid}-o", "type": "order", "ts": now, "order_id": oid, "source": "in_stream",
                       "buyer": {"id": f"v{(n * 7 + i) % 500}", "name": "张三", "phone": "13812345678",
                                 "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区",
                                             "detail": "文三路 1 号"}},
                       "items": [{"sku": SKUS[(n + i) % len(SKUS)], "qty": 1, "unit_price": "99.00"}],
                       "coupon_codes": []})
        if i < 4:
            events.append({"id": f"{oid}-p", "type": "payment", "ts": now, "order_id": oid, "status": "paid",
                           "amount": "99.00", "method": "wechat"})
    events.append({"id": f"{tag}-{n}-c", "type": "order_cancel", "ts": now, "order_id": f"{tag}-{n}-3",
                   "reason": "buyer"})
    for i in range(4):
        viewer = f"v{(n * 13 + i) % 900}"
        events.append({"id": f"{tag}-{n}-j{i}", "type": "viewer_join", "ts": now, "viewer_id": viewer})
        events.append({"id": f"{tag}-{n}-k{i}", "type": "product_click", "ts": now, "viewer_id": viewer,
                       "sku": SKUS[(n + i) % len(SKUS)]})
        if i % 2:
            events.append({"id": f"{tag}-{n}-l{i}", "type": "viewer_leave", "ts": now, "viewer_id": viewer})
    events.append({"id": f"{tag}-{n}-t", "type": "chat", "ts": now, "viewer_id": "v1", "text": "还有货吗"})
    return events


def pushes(path: Path, broadcast_id: int, count: int) -> dict:
    """Return the times of push_metrics (ms), warm, with a few events ingested through live.ingest before each."""
    from analytics.push import push_metrics
    from app import realtime
    from app.extensions import db
    from live.ingest import ingest_events
    from live.models import Broadcast

    app = make_app(path)
    times, cpus, ingest = [], [], []
    with app.app_context():
        push_metrics(app)  # warm: caches, statements, connection
        for n in range(count):
            began = time.perf_counter()
            results = ingest_events(db.session, db.session.get(Broadcast, broadcast_id), "bench",
                                    new_events(f"push{os.getpid()}", n))
            realtime.commit(db.session)
            ingest.append((time.perf_counter() - began) * 1000)
            if any(r["status"] != "accepted" for r in results):
                raise RuntimeError(f"not accepted: {[r for r in results if r['status'] != 'accepted'][:2]}")
            began, cpu = time.perf_counter(), time.process_time()
            if push_metrics(app) != 1:
                raise RuntimeError("the live broadcast was not pushed")
            times.append((time.perf_counter() - began) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            db.session.remove()
        db.engine.dispose()
    return {"push_ms": times, "push_cpu_ms": cpus, "ingest_ms": ingest, **rss()}


def server(path: Path, token: str, broadcast_id: int, seconds: float) -> dict:
    """Return the real server's VmRSS/VmHWM samples while it takes orders and pushes metrics for seconds."""
    import socket

    import requests

    with socket.socket() as probe:  # a port nobody listens on now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(DATABASE_URL=f"sqlite:///{path}", HOST="127.0.0.1", PORT=str(port), SOCKETIO_ASYNC_MODE="eventlet")
    with open(WORKDIR / "server.log", "wb") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {token}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/api/v1/broadcasts", headers=headers, timeout=2).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((WORKDIR / "server.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        started_rss = proc_status(process.pid)
        samples, posted, n = [], 0, 0
        end = time.monotonic() + seconds
        with requests.Session() as http:
            while time.monotonic() < end:
                events = new_events("srv", n)
                http.post(f"{base}/api/v1/broadcasts/{broadcast_id}/events", json={"events": events},
                          headers=headers, timeout=60).raise_for_status()
                posted, n = posted + len(events), n + 1
                samples.append(proc_status(process.pid)["vmrss_mb"])
                time.sleep(0.2)
        final = proc_status(process.pid)
        log_text = (WORKDIR / "server.log").read_text(errors="replace")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:  # did this server run the push job?
            holder = conn.execute("SELECT holder FROM job_leases WHERE name = 'metrics-push'").fetchone()
        return {"started": started_rss, "final": final, "max_sampled_vmrss_mb": max(samples), "events": posted,
                "push_errors": log_text.count("metrics push of broadcast"),
                "pushed_by_server": bool(holder and f":{process.pid}:" in holder[0])}
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def spawn(*args: str) -> dict:
    """Return what a fresh child process printed as its last line (JSON)."""
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Build each size, time the pushes, optionally measure the server, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k", help="orders per broadcast: any of 10k,100k,1m")
    parser.add_argument("--pushes", type=int, default=8)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--server", action="store_true", help="also measure the real server on the largest size")
    parser.add_argument("--server-seconds", type=float, default=30)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--args", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        a = json.loads(args.args)
        if args.child == "prepare":
            out = prepare(Path(a["path"]), a["orders"], a["seed"])
        else:
            out = pushes(Path(a["path"]), a["broadcast_id"], a["pushes"])
        print(json.dumps(out))
        return
    try:
        run(args)
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)


def run(args) -> None:
    """Print every figure."""
    print(f"load average at start: {load()}; {os.cpu_count()} CPUs", flush=True)
    medians: dict[str, float] = {}
    last = None
    for name in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
        path = WORKDIR / f"live-{name}.sqlite3"
        prep = spawn("prepare", "--args", json.dumps({"path": str(path), "orders": SIZES[name], "seed": args.seed}))
        c = prep["counts"]
        print(f"[{name}] {c['events']:,} events ({c['order']:,} orders, {c['viewer_join']:,} joins, "
              f"{c['payment']:,} payments), {prep['size_mib']:,.0f} MiB; generated in {prep['generate_s']:.1f} s, "
              f"rollups rebuilt in {prep['rebuild_s']:.1f} s", flush=True)
        got = spawn("pushes", "--args", json.dumps({"path": str(path), "broadcast_id": prep["broadcast_id"],
                                                    "pushes": args.pushes}))
        t = got["push_ms"]
        medians[name] = statistics.median(t)
        cpu = got["push_cpu_ms"]
        print(f"[{name}] push_metrics per push: median {medians[name]:.1f} ms, max {max(t):.1f} ms wall; "
              f"CPU median {statistics.median(cpu):.1f} ms, max {max(cpu):.1f} ms "
              f"({len(t)} pushes, warm; ingest of {len(new_events('x', 0))} events between pushes: median "
              f"{statistics.median(got['ingest_ms']):.1f} ms); process ru_maxrss {got['maxrss_mb']:.0f} MB, "
              f"VmRSS {got['vmrss_mb']:.0f} MB; load {load()}", flush=True)
        if last is not None:
            Path(last[0]).unlink(missing_ok=True)
        last = (path, prep)
    if "10k" in medians and len(medians) > 1:
        biggest = list(medians)[-1]
        print(f"flatness: median per push {biggest} / 10k = {medians[biggest] / medians['10k']:.2f}")
    if args.server and last is not None:
        path, prep = last
        got = server(path, prep["token"], prep["broadcast_id"], args.server_seconds)
        print(f"server (python wsgi.py, eventlet) on the {list(medians)[-1]} file, {args.server_seconds:.0f} s, "
              f"{got['events']} events posted, metrics-push running: VmRSS at start {got['started']['vmrss_mb']:.0f} MB,"
              f" at end {got['final']['vmrss_mb']:.0f} MB, max sampled {got['max_sampled_vmrss_mb']:.0f} MB, "
              f"VmHWM {got['final']['vmhwm_mb']:.0f} MB; metrics-push run by it: {got['pushed_by_server']}, push errors in "
              f"log: {got['push_errors']}", flush=True)
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
