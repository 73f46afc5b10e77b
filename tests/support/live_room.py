"""Live-room connector fixtures (tests/fixtures/adapters/<platform>/) and what a forwarder does with them."""
from __future__ import annotations

import copy
import json
import time
from datetime import datetime
from pathlib import Path

from live.adapters.base import Connection
from live.adapters.forwarder import sign

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "adapters"
SECRET = "lds_test-secret-of-the-connection-0001"


def item(platform: str, name: str) -> dict:
    """Return a fresh copy of one forwarder item of a platform's fixtures."""
    return json.loads((FIXTURES / platform / f"{name}.json").read_text(encoding="utf-8"))


def body(*items: dict) -> bytes:
    """Return the forwarder's request body of items."""
    return json.dumps(list(items), ensure_ascii=False).encode()


def signed(payload: bytes, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    """Return the headers of a request signed with secret (now, or at a given unix time)."""
    return sign(payload, secret, int(time.time()) if at is None else at)


def connection(platform: str, *secrets: str, **settings) -> Connection:
    """Return an adapter's view of a connection of platform (secret SECRET unless given)."""
    return Connection(name=f"test-{platform}", platform=platform, shop_id=None, broadcast_id=1, app_key=None,
                      secrets=secrets or (SECRET,), settings=settings)


_TIME_KEYS = {"createTime", "timestamp", "eventTime", "trigger_time", "ts"}


def at(entry: dict, moment: datetime) -> dict:
    """Return a copy of a forwarder item whose every time (and a DANMU_MSG's info[0][4]) is moment."""
    ms = int(moment.timestamp() * 1000)
    entry = copy.deepcopy(entry)

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _TIME_KEYS and value not in (None, 0, "0"):
                    node[key] = ms if key != "trigger_time" else ms * 1_000_000
                else:
                    walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(entry)
    info = entry.get("data", {}).get("info") if isinstance(entry.get("data"), dict) else None
    if isinstance(info, list) and isinstance(info[0], list):
        info[0][4] = ms
    return entry


def renamed(entry: dict, suffix: str) -> dict:
    """Return a copy of a forwarder item whose message ids carry suffix (another message of the same shape)."""
    text = json.dumps(entry, ensure_ascii=False)
    for key in ("msgId", "id_str", "tid", "rnd"):
        text = text.replace(f'"{key}": "', f'"{key}": "{suffix}').replace(f'\\"{key}\\":\\"', f'\\"{key}\\":\\"{suffix}')
    data = json.loads(text)
    if data.get("id"):
        data["id"] = f"{suffix}{data['id']}"
    return data
