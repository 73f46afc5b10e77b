"""What `python wsgi.py` hands eventlet's server: time-outs and a connection bound, and chunked request bodies.

eventlet.wsgi.server waits for ever on a client that never finishes its headers and serves at most 1,024
connections by default, so a thousand idle sockets stopped every request, pushes included (the default was
never meant for a server holding thousands of /live sockets). It also decodes a chunked body itself without
saying so (no ``wsgi.input_terminated``), and Werkzeug then reads such a body as empty: a client streaming its
JSON got "the body must be a JSON object". Gunicorn says so itself; only the eventlet server needs this.
(Telling Werkzeug the input is terminated would not do: it then cuts a body at MAX_CONTENT_LENGTH without a 413.)
"""
from __future__ import annotations

import io
import resource
from collections.abc import Callable, Iterable

from flask import Flask

# Descriptors the process needs beside its connections: the database, Redis, logs, the listening socket.
SPARE_FILES = 256
CHUNK = 64 * 1024


def eventlet_options(app: Flask) -> dict:
    """Return the keyword arguments of eventlet.wsgi.server for app's configuration (socket time-out, pool size)."""
    return {"socket_timeout": app.config["SOCKET_TIMEOUT_SECONDS"], "max_size": app.config["MAX_CONNECTIONS"]}


def raise_open_files_limit(connections: int) -> int:
    """Return the soft limit of open files after raising it, within the hard limit, to hold `connections`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + SPARE_FILES
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return soft


def accept_chunked_bodies(wsgi_app: Callable, max_bytes: int) -> Callable:
    """Return wsgi_app with chunked request bodies readable: read here (at most max_bytes + 1), then handed on with
    their length, so Werkzeug reads them as any other body and refuses one over max_bytes with 413."""
    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower() and not environ.get("CONTENT_LENGTH"):
            body = _read_at_most(environ["wsgi.input"], max_bytes + 1)
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]  # Werkzeug ignores a length beside it; the body is plain now
        return wsgi_app(environ, start_response)

    return app


def _read_at_most(stream, limit: int) -> bytes:
    """Return the stream's bytes up to limit (fewer when it ends first)."""
    parts, size = [], 0
    while size < limit:
        part = stream.read(min(CHUNK, limit - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)
