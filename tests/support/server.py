"""Running the real server (`python wsgi.py`) in a subprocess for browser and scale-out tests."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A LiveDesk server in its own process, on its own port, stopped by stop()."""

    def __init__(self, database_url: str, instance_dir: Path, async_mode: str = "eventlet",
                 message_queue: str | None = None, secret_key: str = "test-secret"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        env.update({
            "DATABASE_URL": database_url, "SOCKETIO_ASYNC_MODE": async_mode, "HOST": "127.0.0.1",
            "PORT": str(self.port), "SECRET_KEY": secret_key, "LIVEDESK_INSTANCE": str(instance_dir),
        })
        env.pop("SOCKETIO_MESSAGE_QUEUE", None)
        if message_queue:
            env["SOCKETIO_MESSAGE_QUEUE"] = message_queue
        self.log_path = instance_dir / f"server-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self._wait_until_up()
        except Exception:
            self.stop()
            raise

    def _wait_until_up(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if requests.get(self.url + "/login", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        """Return what the server printed so far."""
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
