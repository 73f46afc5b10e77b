"""The serving process moves what it built at start-up out of the garbage collector's reach (wsgi.py).

A full collection of the ~180,000 objects of the imports stopped every green thread of the server for 100 to
280 ms, which was most of the push latency's 99th percentile (docs/performance.md, section 1).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import gc, wsgi; print(gc.get_freeze_count())"


def _frozen_objects(tmp_path) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(SOCKETIO_ASYNC_MODE="threading", LIVEDESK_BACKGROUND_JOBS="0", LIVEDESK_INSTANCE=str(tmp_path),
               SECRET_KEY="heap-test", DATABASE_URL=f"sqlite:///{tmp_path / 'heap.sqlite3'}")
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_serving_process_freezes_what_it_built_at_start_up(tmp_path):
    assert _frozen_objects(tmp_path) > 50_000

