"""Data of bench/analytics.py: a synthetic 4-hour broadcast written straight into event_log, and the naive reader.

Rows are what live.ingest stores (same columns, payload = live.events.to_json's shape), inserted with
sqlite3 executemany in time order, 50,000 a statement.
"""
from __future__ import annotations

import heapq
import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

START = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=4)
SKUS = [f"SKU-{n:02d}" for n in range(40)]
SOURCES = ("in_stream", "in_stream", "in_stream", "in_stream", "product_link", "post_stream")
# Share of the events drawn each minute; payments and cancels follow their orders instead.
WEIGHTS = {"chat": 0.35, "product_click": 0.25, "viewer_join": 0.10, "viewer_leave": 0.095, "order": 0.105}
FLUSH = 50_000
_INSERT = ("INSERT INTO event_log (broadcast_id, source, event_id, type, ts, received_at, viewer_id, order_id, sku, "
           "payload) VALUES (?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?)")


def _stored(ts: datetime) -> str:
    """Return ts as SQLAlchemy stores an aware UTC datetime on SQLite."""
    return ts.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


class _Writer:
    """Buffers event rows and inserts them in big executemany statements."""

    def __init__(self, conn: sqlite3.Connection, broadcast_id: int):
        self.conn, self.broadcast_id, self.rows, self.n = conn, broadcast_id, [], 0
        self.counts: dict[str, int] = {}

    def add(self, kind: str, ts: datetime, **data) -> None:
        """Queue one event row: columns as live.ingest fills them, payload as live.events.to_json."""
        self.n += 1
        event_id = f"e{self.n:09d}"
        stored = _stored(ts)
        payload = {"id": event_id, "type": kind, "ts": ts.isoformat(), **data}
        self.rows.append((self.broadcast_id, event_id, kind, stored, stored, data.get("viewer_id"),
                          data.get("order_id"), data.get("sku"), json.dumps(payload, ensure_ascii=False)))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if len(self.rows) >= FLUSH:
            self.flush()

    def flush(self) -> None:
        """Insert the queued rows."""
        self.conn.executemany(_INSERT, self.rows)
        self.rows = []


def _pins(rng: random.Random) -> list[tuple[datetime, str, str]]:
    """Return pin and unpin events: each SKU in turn, some overlapping, crossing minute boundaries."""
    events, at = [], START + timedelta(seconds=37)
    for n in range(80):
        sku = SKUS[n % len(SKUS)]
        events.append((at, "product_pin", sku))
        events.append((at + timedelta(seconds=rng.randint(150, 330)), "product_unpin", sku))
        at += timedelta(seconds=rng.randint(160, 200))
    return events


def generate(path: Path, broadcast_id: int, total: int, seed: int) -> dict[str, int]:
    """Write about `total` events of one broadcast into the SQLite file; return the counts by type."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; BEGIN;")
    out = _Writer(conn, broadcast_id)
    viewers = max(total // 20, 10)
    online: list[int] = []
    where: dict[int, int] = {}
    later: list[tuple[datetime, int, str, dict]] = []  # payments and cancels, by time
    pins = sorted(_pins(rng))
    first, minutes = START - timedelta(minutes=5), 255
    per_minute = total * 0.88 / minutes  # payments and cancels add ~10 %, post-stream orders the rest
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    orders = seq = 0

    def order(ts: datetime, source: str) -> None:
        nonlocal orders, seq
        orders += 1
        oid = f"O{orders:08d}"
        buyer = f"v{rng.randrange(viewers)}" if rng.random() < 0.85 else f"b{rng.randrange(viewers)}"
        items = [{"sku": rng.choice(SKUS), "qty": rng.randint(1, 3), "unit_price": f"{rng.randint(990, 29900) / 100:.2f}"}
                 for _ in range(1 if rng.random() < 0.8 else 2)]
        total_price = sum(int(i["qty"]) * float(i["unit_price"]) for i in items)
        out.add("order", ts, order_id=oid, source=source, coupon_codes=[], comment_id=None,
                buyer={"id": buyer, "name": "买家", "phone": "13812345678", "member_tier": None,
                       "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}},
                items=items)
        fate = rng.random()
        pay_at = ts + timedelta(seconds=rng.uniform(5, 120))
        if fate < 0.03:
            seq += 1
            heapq.heappush(later, (pay_at, seq, "failed", {"order_id": oid, "amount": f"{total_price:.2f}"}))
            pay_at += timedelta(seconds=30)
        if fate < 0.92:
            seq += 1
            heapq.heappush(later, (pay_at, seq, "paid", {"order_id": oid, "amount": f"{total_price:.2f}"}))
            if rng.random() < 0.05:
                seq += 1
                heapq.heappush(later, (pay_at + timedelta(minutes=rng.uniform(1, 60)), seq, "cancel", {"order_id": oid}))

    def due(until: datetime) -> None:
        while later and later[0][0] < until:
            ts, _, what, data = heapq.heappop(later)
            if what == "cancel":
                out.add("order_cancel", ts, order_id=data["order_id"], reason="buyer")
            else:
                out.add("payment", ts, order_id=data["order_id"], status=what,
                        amount=data["amount"], method="wechat")

    for m in range(minutes):
        base = first + timedelta(minutes=m)
        stamps = sorted(base + timedelta(microseconds=rng.randrange(60_000_000)) for _ in range(int(per_minute)))
        for ts, kind in zip(stamps, rng.choices(kinds, weights, k=len(stamps))):
            due(ts)
            while pins and pins[0][0] <= ts:
                at, pin_kind, sku = pins.pop(0)
                out.add(pin_kind, at, sku=sku)
            if kind == "viewer_join":
                v = rng.randrange(viewers)
                if v not in where:
                    where[v] = len(online)
                    online.append(v)
                out.add(kind, ts, viewer_id=f"v{v}", nickname=f"观众{v}")
            elif kind == "viewer_leave":
                if online and rng.random() < 0.95:
                    v = online[rng.randrange(len(online))]
                    last = online.pop()
                    if last != v:
                        online[where[v]] = last
                        where[last] = where[v]
                    del where[v]
                else:
                    v = rng.randrange(viewers)  # a leave without a join, or a repeated one
                out.add(kind, ts, viewer_id=f"v{v}")
            elif kind == "product_click":
                v, sku = rng.randrange(viewers), rng.choice(SKUS)
                out.add(kind, ts, sku=sku, viewer_id=f"v{v}")
            elif kind == "chat":
                v = rng.randrange(viewers)
                out.add(kind, ts, viewer_id=f"v{v}", nickname=f"观众{v}", text="这个还有货吗？")
            else:
                order(ts, rng.choice(SOURCES) if base < END else "post_stream")
    tail_end = END + timedelta(days=2)
    for _ in range(max(total - out.n - len(later), 0) // 2):
        order(END + timedelta(minutes=10) + (tail_end - END) * rng.random() * 0.99, "post_stream")
    due(datetime.max.replace(tzinfo=timezone.utc))
    out.flush()
    conn.execute("COMMIT")
    conn.close()
    return {"events": out.n, **dict(sorted(out.counts.items()))}


def read_frame(path: Path, broadcast_id: int) -> pd.DataFrame:
    """Return the broadcast's whole event log as the DataFrame of tests.support.analytics_frame (the naive way in)."""
    from tests.support.analytics_frame import COLUMNS

    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT event_id, type, ts, viewer_id, sku, order_id, payload FROM event_log "
                        "WHERE broadcast_id = ? ORDER BY id", (broadcast_id,)).fetchall()
    conn.close()
    data = {column: [None] * len(rows) for column in COLUMNS}
    for i, (event_id, kind, ts, viewer, sku, order_id, payload) in enumerate(rows):
        data["id"][i], data["type"][i], data["ts"][i] = event_id, kind, ts
        data["viewer_id"][i], data["sku"][i], data["order_id"][i] = viewer, sku, order_id
        if kind in ("order", "payment", "order_cancel"):
            body = json.loads(payload)
            data["source"][i], data["status"][i], data["amount"][i] = body.get("source"), body.get("status"), \
                body.get("amount")
            data["buyer_id"][i] = (body.get("buyer") or {}).get("id")
            data["items"][i] = body.get("items")
    del rows
    data["ts"] = pd.to_datetime(pd.Series(data["ts"], dtype=object), format="%Y-%m-%d %H:%M:%S.%f", utc=True)
    for column in ("amount", "items"):
        data[column] = pd.Series(data[column], dtype=object)
    return pd.DataFrame(data)
