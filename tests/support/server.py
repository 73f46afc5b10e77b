"""Running the real server (`python wsgi.py`) in a subprocess for browser and scale-out tests."""
from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
# Servers of one test session share a Socket.IO channel on a message queue, and no other session does: two
# sessions (parallel workers, or a colleague's run) on one Redis never hear each other's pushes.
SESSION_CHANNEL = f"livedesk-test-{uuid.uuid4().hex[:12]}"


def fork_servers() -> bool:
    """Return False when LIVEDESK_TEST_FORK_SERVERS=0 asks for every server as a new `python wsgi.py` (read at
    each start, so a bench may set it after importing this module)."""
    return os.environ.get("LIVEDESK_TEST_FORK_SERVERS", "1") != "0"


PORT_ATTEMPTS = 3  # starts on a new free port when another process took the last one first


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(**overrides: str) -> dict[str, str]:
    """Return this process's environment without Flask's and the message queue's variables, plus overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") and k != "SOCKETIO_MESSAGE_QUEUE"}
    env.update(overrides)
    return env


class ForkedProcess:
    """A server forked by the Forker, with the part of subprocess.Popen's interface ServerProcess uses."""

    def __init__(self, forker: Forker, pid: int):
        self.forker, self.pid, self.returncode = forker, pid, None

    def poll(self) -> int | None:
        """Return the exit status once the server has ended, else None."""
        if self.returncode is None:
            self.returncode = self.forker.exit_status(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Return the exit status, waiting up to timeout seconds (subprocess.TimeoutExpired after that)."""
        self.returncode = self.forker.wait_for_exit(self.pid, timeout)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        """Send sig to the server unless it has ended."""
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        """Ask the server to stop (SIGTERM)."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Stop the server at once (SIGKILL)."""
        self.send_signal(signal.SIGKILL)


class Forker:
    """The forker (tests/support/forker.py) of this test process: one per process, started on first use."""

    _instance: Forker | None = None
    _failed = False

    @classmethod
    def shared(cls) -> Forker | None:
        """Return this process's running forker, starting it if need be; None when it cannot run here."""
        if cls._failed:
            return None
        if cls._instance is None or not cls._instance.alive():
            try:
                cls._instance = cls()
            except Exception as exc:  # the servers then start the plain way, only more slowly
                print(f"tests.support.server: no forker ({exc}); starting servers as new processes", file=sys.stderr)
                cls._failed = True
                return None
        return cls._instance

    def __init__(self):
        self.log_path = Path(tempfile.mkdtemp(prefix="livedesk-forker-")) / "forker.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.forker", str(self.log_path.parent / "bytecode")], cwd=ROOT,
            env=server_environment(SOCKETIO_ASYNC_MODE="eventlet", PYTHONUNBUFFERED="1"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log)
        self._started: queue.Queue = queue.Queue()
        self._exits: dict[int, int] = {}
        self._changed = threading.Condition()
        self._request_lock = threading.Lock()
        self._gone = False
        threading.Thread(target=self._read, name="forker-reader", daemon=True).start()
        atexit.register(self.close)

    def _read(self) -> None:
        for line in self.process.stdout:
            message = json.loads(line)
            if "started" in message:
                self._started.put(message["started"])
            else:
                with self._changed:
                    self._exits[message["exited"]] = message["status"]
                    self._changed.notify_all()
        with self._changed:
            self._gone = True
            self._changed.notify_all()
        self._started.put(None)

    def alive(self) -> bool:
        """Return True while the forker runs."""
        return not self._gone and self.process.poll() is None

    def spawn(self, env: dict[str, str], log_path: Path, timeout: float = 60.0) -> ForkedProcess:
        """Return a server forked with env, writing to log_path (the first call waits for the preloading)."""
        with self._request_lock:
            self.process.stdin.write((json.dumps({"env": env, "log": str(log_path), "cwd": str(ROOT)}) + "\n").encode())
            self.process.stdin.flush()
            try:
                pid = self._started.get(timeout=timeout)
            except queue.Empty:
                pid = None
        if pid is None:
            raise RuntimeError(f"the forker did not fork a server:\n{self.log_path.read_text(errors='replace')}")
        return ForkedProcess(self, pid)

    def exit_status(self, pid: int) -> int | None:
        """Return the exit status of the forked server pid once it has ended, else None."""
        with self._changed:
            if pid in self._exits:
                return self._exits[pid]
            return -signal.SIGKILL if self._gone else None

    def wait_for_exit(self, pid: int, timeout: float | None) -> int:
        """Return the exit status of pid, waiting up to timeout seconds for it."""
        with self._changed:
            if not self._changed.wait_for(lambda: pid in self._exits or self._gone, timeout):
                raise subprocess.TimeoutExpired(f"forked server {pid}", timeout)
            return self._exits.get(pid, -signal.SIGKILL)

    def close(self) -> None:
        """Stop the forker and every server it still runs."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.process.kill()
        self._log.close()
        if self.log_path.read_text(errors="replace").strip():
            shutil.rmtree(self.log_path.parent / "bytecode", ignore_errors=True)
        else:
            shutil.rmtree(self.log_path.parent, ignore_errors=True)


class ServerProcess:
    """A LiveDesk server in its own process, on its own port, stopped by stop()."""

    def __init__(self, database_url: str, instance_dir: Path, async_mode: str = "eventlet",
                 message_queue: str | None = None, secret_key: str = "test-secret"):
        for attempt in range(PORT_ATTEMPTS):
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            env = server_environment(
                DATABASE_URL=database_url, SOCKETIO_ASYNC_MODE=async_mode, HOST="127.0.0.1", PORT=str(self.port),
                SECRET_KEY=secret_key, LIVEDESK_INSTANCE=str(instance_dir), SOCKETIO_CHANNEL=SESSION_CHANNEL)
            if message_queue:
                env["SOCKETIO_MESSAGE_QUEUE"] = message_queue
            self.log_path = instance_dir / f"server-{self.port}.log"
            self._log = open(self.log_path, "wb")
            self.process = self._start(env, async_mode)
            try:
                self._wait_until_up()
                return
            except Exception:
                printed = self.log()
                self.stop()
                # Another process may take the free port between free_port() and the server's bind.
                if attempt + 1 == PORT_ATTEMPTS or "Address already in use" not in printed:
                    raise

    def _start(self, env: dict[str, str], async_mode: str):
        forker = Forker.shared() if fork_servers() and async_mode == "eventlet" else None
        if forker is not None:
            try:
                return forker.spawn(env, self.log_path)
            except (OSError, RuntimeError) as exc:
                print(f"tests.support.server: forking failed ({exc}); starting a new process", file=sys.stderr)
        return subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env,
                                stdout=self._log, stderr=subprocess.STDOUT)

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
