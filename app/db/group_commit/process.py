"""A writer process: the group committer's merged groups run in a process of their own, on another core.

One server process does everything on one core: reading and parsing requests, authentication, JSON, answering,
and the groups' database work. Under eventlet a database call does not yield either, so while a group is taken
in (and while its commit waits on the disk) no other request is even read. With a writer process the server
hands each group of merged event requests (``Mergeable`` writes, app/db/group_commit/) to the writer over a
socket pair and goes on serving; the writer runs the group exactly as the server would (same savepoints,
retries and per-write errors), commits, and answers with each write's outcome and the pushes the commit queued.
The server then emits those pushes and answers the requests. Durability is unchanged: the writer answers after
its commit, and the server answers no request before that.

The writer is started with the server (``python wsgi.py`` with ``LIVEDESK_WRITER_FD`` set; its loop is
app/db/group_commit/writer.py) on the server's environment and database, and again by the next group after it
died. A group it could not answer fails with ``WriterLost``: the events API answers 503, and event ids make a
resend safe whether or not that group was committed. ``INGEST_WRITER``: ``auto`` (the default) uses a writer in
the served process of the eventlet and gevent modes, ``1`` also in threading mode, ``0`` never
(docs/deployment.md).
"""
from __future__ import annotations

import importlib
import logging
import os
import pickle
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger("livedesk.ingest")
_LENGTH = struct.Struct("!Q")
WRITER_FD = "LIVEDESK_WRITER_FD"  # set in the writer's environment: the descriptor of its end of the socket pair
# A group the writer has not answered in this time is taken as lost (the writer is stopped and started again).
ANSWER_SECONDS = 120.0
START_SECONDS = 60.0
ROOT = Path(__file__).resolve().parents[3]


class WriterLost(Exception):
    """The writer process died or stopped answering before it answered a group."""


def writer_wanted(config, async_mode: str) -> bool:
    """Return True when the served process should hand its merged groups to a writer process (INGEST_WRITER)."""
    setting = str(config.get("INGEST_WRITER", "auto")).strip().lower()
    if setting in ("0", "false", "no", "off"):
        return False
    return setting in ("1", "true", "yes", "on") or async_mode in ("eventlet", "gevent")


def apply_name(apply: Callable) -> str:
    """Return how the writer finds apply: "module:qualified name" (a module-level function)."""
    return f"{apply.__module__}:{apply.__qualname__}"


def resolve_apply(name: str) -> Callable:
    """Return the function that apply_name named."""
    module, _, qualname = name.partition(":")
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def send_message(sock: socket.socket, message) -> None:
    """Send one pickled message, its length first."""
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_LENGTH.pack(len(body)) + body)


def receive_message(sock: socket.socket):
    """Return the next message; raise EOFError when the other end has closed."""
    (length,) = _LENGTH.unpack(_receive_exactly(sock, _LENGTH.size))
    return pickle.loads(_receive_exactly(sock, length))


def _receive_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other end closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class WriterProcess:
    """The server's side of one writer process: started when first needed, started again after it died."""

    def __init__(self, database_url: str, environ: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.environ = environ or {}  # more of the writer's environment than the server's own (tests)
        self.process: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.started = 0  # how many writers were started (1 unless one died)
        self._starting = threading.Lock()  # one start at a time (start_soon's and a group's)

    def start_soon(self) -> None:
        """Start the writer in the background now, so the first event request finds it ready (the server's start)."""
        threading.Thread(target=self._start_quietly, name="livedesk-writer-start", daemon=True).start()

    def _start_quietly(self) -> None:
        try:
            with self._starting:
                self._connected()
        except Exception:  # noqa: BLE001  the first group starts it again, and answers 503 if it cannot
            logger.exception("the writer process did not start")
            self.stop()

    def send_group(self, writes: list[tuple[str, object, list]]) -> None:
        """Hand writes [(apply name, key, items), ...] to the writer (started first if need be) as one group.

        Raises WriterLost when the writer cannot take it. One group at a time: receive_group answers it.
        """
        try:
            with self._starting:
                sock = self._connected()
            send_message(sock, writes)
        except (OSError, EOFError, pickle.PickleError, WriterLost) as error:
            logger.warning("the writer process could not take a group (%r); it is started again", error)
            self.stop()
            raise WriterLost(f"the writer process could not take the group: {error}") from error

    def receive_group(self) -> tuple[list[tuple[object, BaseException | None]], list]:
        """Return the group sent last, committed: each write's (result, error), and the pushes to emit.

        Raises WriterLost when the writer died or did not answer in ANSWER_SECONDS (it is then stopped).
        """
        try:
            if self.sock is None:
                raise WriterLost("no writer process")
            return receive_message(self.sock)
        except (OSError, EOFError, pickle.PickleError, WriterLost) as error:
            logger.warning("the writer process did not answer a group (%r); it is started again", error)
            self.stop()
            raise WriterLost(f"the writer process did not answer: {error}") from error

    def _connected(self) -> socket.socket:
        """Return the socket of a running writer, starting one (and waiting until it is ready) if need be."""
        if self.sock is not None and self.process is not None and self.process.poll() is None:
            return self.sock
        self.stop()
        ours, theirs = socket.socketpair()
        env = dict(os.environ, **self.environ, DATABASE_URL=self.database_url, SOCKETIO_ASYNC_MODE="threading",
                   **{WRITER_FD: str(theirs.fileno())})
        try:
            self.process = subprocess.Popen([sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=env,
                                            pass_fds=[theirs.fileno()])
        finally:
            theirs.close()
        self.sock, self.started = ours, self.started + 1
        ours.settimeout(START_SECONDS)
        if receive_message(ours) != "ready":
            raise WriterLost("the writer process did not start")
        ours.settimeout(ANSWER_SECONDS)
        return ours

    def stop(self) -> None:
        """Stop the writer: closing its socket ends its loop once it has finished the group it holds (it ignores
        SIGTERM); one that does not end within 10 s is killed."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
