"""Scale-out: 1, 2 and 3 servers on PostgreSQL + Redis behind nginx, one order per request from 32 connections.

Run: .venv/bin/python bench/scaleout.py [--servers 1 2 3] [--seconds 10] [--connections 32]
Needs PostgreSQL at 127.0.0.1:5432 (trust auth, user postgres), Redis at 127.0.0.1:6379 and Debian's nginx
(apt-get install nginx); the bench starts its own nginx on a free port with a config in a temporary folder.
Each server is one process (`python wsgi.py`, eventlet), sharing the database and the Socket.IO message queue.
Printed per server count: orders/s through nginx, the scaling factor against one server, and the latency of
the order.created push measured on a socket connected straight to *each* server (so most pushes crossed
from the server that took the order to another one through Redis). Figures only: nothing is asserted.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
import socketio as socketio_client
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="livedesk-scaleout-"))
os.environ.update(SOCKETIO_ASYNC_MODE="threading", LIVEDESK_INSTANCE=str(WORKDIR), SECRET_KEY="bench")
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from app.extensions import db  # noqa: E402
from ingest_support import Poster, make_app, order  # noqa: E402
from ingest_support import seed as seed_broadcast  # noqa: E402

POSTGRES = os.environ.get("LIVEDESK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("LIVEDESK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    """Return a TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database() -> str:
    """Return the URL of a new empty PostgreSQL database made for this run."""
    name = f"livedesk_scaleout_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return POSTGRES.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    """Drop the run's database."""
    name = url.rsplit("/", 1)[1]
    engine = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def seed(url: str) -> tuple[str, int]:
    """Return (token, broadcast id) after building the schema and the ingest bench's live broadcast."""
    app = make_app(url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return seed_broadcast(app)


def start_server(url: str, port: int, channel: str, token: str) -> subprocess.Popen:
    """Return a server process (eventlet) on url and the shared Redis, once it answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(DATABASE_URL=url, HOST="127.0.0.1", PORT=str(port), SOCKETIO_ASYNC_MODE="eventlet",
               SOCKETIO_MESSAGE_QUEUE=REDIS, SOCKETIO_CHANNEL=channel)
    log = open(WORKDIR / f"server-{port}.log", "wb")  # noqa: SIM115  kept open by the child
    process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    wait_ready(f"http://127.0.0.1:{port}", token)
    return process


def wait_ready(base: str, token: str) -> None:
    """Return once base answers /readyz with 200 (or raise after 30 s)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not become ready")


def start_nginx(ports: list[int], listen: int) -> subprocess.Popen:
    """Return nginx balancing listen over the servers' ports (least connections, WebSocket upgrade)."""
    prefix = WORKDIR / f"nginx-{listen}"
    (prefix / "logs").mkdir(parents=True)
    upstream = "\n".join(f"    server 127.0.0.1:{port};" for port in ports)
    (prefix / "nginx.conf").write_text(f"""
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  upstream livedesk {{
    least_conn;
{upstream}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{listen};
    location / {{
      proxy_pass http://livedesk;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }}
    location /socket.io/ {{
      proxy_pass http://livedesk;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
    }}
  }}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=open(prefix / "logs" / "stderr.log", "wb"))  # noqa: SIM115
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{listen}/healthz", timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"nginx did not start: {(prefix / 'logs' / 'stderr.log').read_text()}")


def listen_on(base: str, token: str, broadcast_id: int, arrived: dict, server: int) -> socketio_client.Client:
    """Return a socket on one server, joined to the broadcast, noting when each order.created arrives."""
    client = socketio_client.Client(reconnection=False)
    client.on("order.created", lambda data: arrived.setdefault((server, data["order"]["order_id"]),
                                                                time.perf_counter()), namespace="/live")
    client.connect(base, namespaces=["/live"], auth={"token": token}, transports=["websocket"])
    if not client.call("join", {"broadcast_id": broadcast_id}, namespace="/live", timeout=10).get("ok"):
        raise RuntimeError("join refused")
    return client


def load(url: str, token: str, tag: str, connections: int, seconds: float) -> dict[str, float]:
    """Return {order id: when its POST was sent} for one order per request from connections, for seconds."""
    counter, lock, sent, failures = itertools.count(), threading.Lock(), {}, []
    stop = time.perf_counter() + seconds

    base, _, path = url.partition("/api/")
    path = "/api/" + path

    def sender() -> None:
        poster = Poster(base, token)
        try:
            while time.perf_counter() < stop and not failures:
                with lock:
                    n = next(counter)
                event = order(tag, n)
                at = time.perf_counter()
                status, body = poster.post(path, {"events": [event]})
                if status != 200 or body["results"][0]["status"] != "accepted":
                    failures.append(f"{status} {str(body)[:300]}")
                    return
                sent[event["order_id"]] = at
        finally:
            poster.close()

    threads = [threading.Thread(target=sender) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"an order was refused: {failures[0]}")
    return sent


def run(count: int, args) -> dict:
    """Return the figures of one run with count servers behind nginx."""
    url = fresh_database()
    servers: list[subprocess.Popen] = []
    nginx = None
    sockets = []
    try:
        token, broadcast_id = seed(url)
        channel = f"scaleout-{uuid.uuid4().hex[:8]}"
        ports = [free_port() for _ in range(count)]
        servers = [start_server(url, port, channel, token) for port in ports]
        nginx = start_nginx(ports, listen := free_port())
        arrived: dict = {}
        sockets = [listen_on(f"http://127.0.0.1:{port}", token, broadcast_id, arrived, index)
                   for index, port in enumerate(ports)]
        events_url = f"http://127.0.0.1:{listen}/api/v1/broadcasts/{broadcast_id}/events"
        load(events_url, token, "warm", args.connections, 2)
        started = time.perf_counter()
        sent = load(events_url, token, f"s{count}", args.connections, args.seconds)
        elapsed = time.perf_counter() - started
        deadline = time.perf_counter() + 10
        while sum(1 for (_, oid) in arrived if oid in sent) < len(sent) * count and time.perf_counter() < deadline:
            time.sleep(0.05)
        latencies = sorted((at - sent[oid]) * 1000 for (_, oid), at in arrived.items() if oid in sent)
        return {"servers": count, "orders": len(sent), "rate": len(sent) / elapsed,
                "pushes": len(latencies), "expected": len(sent) * count,
                "p50": statistics.median(latencies) if latencies else float("nan"),
                "p99": statistics.quantiles(latencies, n=100, method="inclusive")[98] if len(latencies) > 1
                else float("nan")}
    except Exception:
        for log in sorted(WORKDIR.glob("server-*.log")):
            print(f"--- {log.name} (last lines) ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-25:]))
        raise
    finally:
        for client in sockets:
            client.disconnect()
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for process in servers:
            process.terminate()
            process.wait(timeout=10)
        drop_database(url)


def main() -> None:
    """Run the server counts asked for and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, nargs="+", default=[1, 2, 3], help="server counts to run")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each measured run")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections sending orders")
    args = parser.parse_args()
    if not os.path.exists(NGINX):
        sys.exit("nginx is not installed: apt-get install nginx")
    start_load = os.getloadavg()[0]
    figures = [run(count, args) for count in args.servers]
    base = figures[0]["rate"]
    print(f"\nLiveDesk scale-out on PostgreSQL + Redis behind nginx; one order per request, {args.connections} "
          f"connections, {args.seconds:g} s per run; {os.cpu_count()} CPUs, load average {start_load:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at end")
    print(f"{'servers':>8}{'orders':>9}{'orders/s':>10}{'scaling':>9}{'pushes seen':>14}{'push p50 ms':>13}"
          f"{'push p99 ms':>13}")
    for row in figures:
        print(f"{row['servers']:>8}{row['orders']:>9}{row['rate']:>10.1f}{row['rate'] / base:>9.2f}"
              f"{row['pushes']:>7}/{row['expected']:<6}{row['p50']:>13.1f}{row['p99']:>13.1f}")
    print("(pushes: order.created received on a socket of every server, each order once per server)")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
