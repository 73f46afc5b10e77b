"""The writer process's side: its loop over the groups a server sends, and how a server starts using one.

See app/db/group_commit/process.py for what the writer is for and how a server talks to it.
"""
from __future__ import annotations

import os
import pickle
import signal
import socket

from app.db.group_commit.process import (WRITER_FD, WriterProcess, receive_message, resolve_apply, send_message,
                                         writer_wanted)


def use_writer_process(app, async_mode: str) -> bool:
    """Hand app's merged groups to a writer process when INGEST_WRITER asks for it; return True when it does."""
    from app.db.group_commit import group_commit, group_commit_on

    if not (writer_wanted(app.config, async_mode) and group_commit_on(app.config)):
        return False
    writer = group_commit(app).remote = WriterProcess(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    writer.start_soon()
    return True


def portable_error(error: BaseException | None) -> BaseException | None:
    """Return error as it can cross to the server: itself when it pickles and unpickles, else a RuntimeError."""
    if error is None:
        return None
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001  any exception that cannot travel is told by its text
        return RuntimeError(f"{type(error).__name__}: {error}")


def serve(app, sock: socket.socket) -> None:
    """Run groups sent on sock until the server closes it: the writer process's loop (wsgi.py starts it)."""
    from app.db.group_commit import GroupCommit, Mergeable, Pending
    from app.extensions import db
    from app.realtime import capture_pushes

    sock.setblocking(True)  # the server's end is a green (non-blocking) socket; this process waits plainly
    # Ctrl-C in a terminal and a service manager's stop reach the whole process group: the writer finishes the
    # group it holds and ends when its server has ended (its socket closes), never halfway through a commit.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    pushes: list = []
    capture_pushes(pushes)  # sent back with each group's outcomes, for the server to emit
    committer, functions = GroupCommit(), {}
    send_message(sock, "ready")
    with app.app_context():
        while True:
            try:
                writes = receive_message(sock)
            except EOFError:
                return
            group = [Pending(Mergeable(functions.get(name) or functions.setdefault(name, resolve_apply(name)),
                                       key, items), len(items)) for name, key, items in writes]
            pushes.clear()
            try:
                committer.commit_group(db.session, group)
                outcomes = [(pending.result, portable_error(pending.error)) for pending in group]
            except Exception as error:  # noqa: BLE001  answered to every write of the group, as in the server
                db.session.rollback()
                pushes.clear()
                outcomes = [(None, portable_error(error))] * len(group)
            finally:
                db.session.remove()
            send_message(sock, (outcomes, list(pushes)))


def writer_socket() -> socket.socket | None:
    """Return the socket to the server when this process was started as its writer (by WriterProcess), else None."""
    fd = os.environ.get(WRITER_FD)
    return socket.socket(fileno=int(fd)) if fd else None
