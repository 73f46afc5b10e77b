"""Instructions per chat message or per order, counted by valgrind's callgrind: a figure a busy machine does not move.

Rates and CPU times on a shared 2-core machine drift by a fifth within half an hour; the instructions a run executes
do not (the same run counts the same within about 0.5 %). This bench runs the requests in-process through the app's
test client (threading mode, SQLite), with callgrind counting only the measured requests: the child process builds
its database and warms up uninstrumented, then waits while the parent switches counting on, and again at the end.

    .venv/bin/python bench/instructions.py                 # every workload
    .venv/bin/python bench/instructions.py --what chat     # chat (batches of 100), order-1, order-100

Needs Debian's valgrind (`apt-get install valgrind`); it runs the workload about fifty times slower than normal.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# name: (what a unit is, units per request, requests measured)
WORKLOADS = {"chat": ("message", 100, 20), "order-1": ("order", 1, 200), "order-100": ("order", 100, 20)}
WARM_REQUESTS = 5


def _requests(what: str) -> tuple[object, str, dict, list[dict]]:
    """Return (test client, events path, headers, request bodies) for a workload, on a fresh SQLite database."""
    os.environ.setdefault("SOCKETIO_ASYNC_MODE", "threading")
    sys.path.insert(0, str(ROOT))
    from tests.support.databases import create_schema, make_app

    url = f"sqlite:///{tempfile.mkdtemp(prefix='livedesk-bench-instructions-')}/bench.sqlite3"
    _unit, per_request, measured = WORKLOADS[what]
    requests = WARM_REQUESTS + measured
    if what == "chat":
        import random
        from datetime import UTC, datetime, timedelta

        from bench.moderation_corpus import build_corpus, build_terms
        from bench.moderation_e2e import _seed
        from live.moderation.rules import ChatMode, ModerationPolicy

        rng = random.Random(20240501)
        terms, allow, _rules = build_terms(20_000, rng)
        messages = build_corpus(requests * per_request, rng, datetime.now(UTC).replace(microsecond=0)
                                - timedelta(minutes=15))
        token, broadcast_id = _seed(url, terms, allow, ModerationPolicy(allowed_domains=("taobao.com", "tmall.com")),
                                    ChatMode(slow_seconds=3))
        bodies = [{"events": [{"id": f"c-{first + i}", "type": "chat", "ts": m.at.isoformat(),
                               "viewer_id": m.viewer_id, "nickname": m.nickname, "text": m.text}
                              for i, m in enumerate(messages[first:first + per_request])]}
                  for first in range(0, len(messages), per_request)]
    else:
        from bench.ingest_support import order, seed

        create_schema(url)
        token, broadcast_id = seed(make_app(url))
        bodies = [{"events": [order("o", n * per_request + i) for i in range(per_request)]} for n in range(requests)]
    client = make_app(url).test_client()
    return client, f"/api/v1/broadcasts/{broadcast_id}/events", {"Authorization": f"Bearer {token}"}, bodies


def child(what: str, signals: Path) -> None:
    """Warm up, then run the measured requests between the parent's switches (signal files in signals)."""
    import gc

    client, path, headers, bodies = _requests(what)
    for body in bodies[:WARM_REQUESTS]:
        _post(client, path, headers, body)
    gc.collect()
    gc.freeze()  # as wsgi.py does once the app is built
    (signals / "ready").touch()
    _wait_for(signals / "go")
    for body in bodies[WARM_REQUESTS:]:
        _post(client, path, headers, body)
    (signals / "done").touch()
    _wait_for(signals / "stop")


def _post(client, path: str, headers: dict, body: dict) -> None:
    response = client.post(path, json=body, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"refused: {response.status_code} {response.get_data(as_text=True)[:200]}")


def _wait_for(path: Path, timeout: float = 3600) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing at {path}")
        time.sleep(0.05)


def measure(what: str) -> int:
    """Return the instructions callgrind counted over the workload's measured requests."""
    work = Path(tempfile.mkdtemp(prefix="livedesk-bench-callgrind-"))
    out = work / "callgrind.out"
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         sys.executable, __file__, "--child", what, "--signals", str(work)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for wait, switch, then in (("ready", "on", "go"), ("done", "off", "stop")):
            while not (work / wait).exists():
                if process.poll() is not None:
                    raise RuntimeError(f"the {what} workload stopped early (exit {process.returncode})")
                time.sleep(0.1)
            subprocess.run(["callgrind_control", "-i", switch, str(process.pid)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            (work / then).touch()
        process.wait(timeout=600)
        found = re.search(r"^totals:\s+(\d+)", out.read_text(), re.M)
        if found is None:
            raise RuntimeError("callgrind wrote no totals")
        return int(found.group(1))
    finally:
        if process.poll() is None:
            process.kill()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    """Print the instructions per unit of each workload asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--what", choices=sorted(WORKLOADS), action="append")
    parser.add_argument("--child", choices=sorted(WORKLOADS), help=argparse.SUPPRESS)
    parser.add_argument("--signals", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.signals)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (instructions do not depend on it)")
    for what in args.what or list(WORKLOADS):
        unit, per_request, measured = WORKLOADS[what]
        total = measure(what)
        units = per_request * measured
        print(f"{what:10} {measured} requests of {per_request} {unit}(s): {total:,} instructions, "
              f"{total // units:,} per {unit}")


if __name__ == "__main__":
    main()
