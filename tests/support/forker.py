"""A process that has imported the server's libraries once and forks a real server (wsgi.py) per request.

Each browser test starts its own server on its own database, and a new `python wsgi.py` spends about two
seconds of CPU importing Flask, SQLAlchemy, pandas, plotly and the rest, and as much again importing LiveDesk's
own modules, before it serves. This process patches for eventlet exactly as wsgi.py does, imports those modules
(the list is what importing wsgi.py imported, read in a throw-away child), then waits on stdin. For each request
it forks: the child takes the request's environment, working folder and log file and runs wsgi.py as its
`__main__`, which builds the app and reads its configuration from that environment, as in a new process.
LiveDesk reads its environment when the app is built, not on import, except for IMPORT_TIME_VARIABLES: a
server asked for with one of those set otherwise than here imports LiveDesk's own code afresh.

Protocol, one JSON object per line. In: {"env": {...}, "log": path}. Out: {"started": pid} for each request in
order, {"exited": pid, "status": code} when a server ends. EOF on stdin stops every server and this process.
Run as `python -m tests.support.forker [BYTECODE_CACHE_DIR]` from the repository root (tests/support/server.py
does).
"""
from __future__ import annotations

import json
import os
import sys
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WSGI = ROOT / "wsgi.py"


# Environment variables a LiveDesk module reads when it is imported (live/moderation/rules/speedups.py).
IMPORT_TIME_VARIABLES = ("LIVEDESK_PURE_PYTHON_MODERATION",)


def _own_module(module) -> bool:
    """Return True when module is LiveDesk's (or this suite's) code rather than an installed library."""
    path = getattr(module, "__file__", None) or ""
    return path.startswith(str(ROOT) + os.sep) and f"{os.sep}.venv{os.sep}" not in path[len(str(ROOT)):]


def _probe_modules(original_os) -> list[str]:
    """Return the names of the modules importing wsgi.py loads (libraries, then LiveDesk's own), read in a
    forked throw-away child."""
    read_end, write_end = original_os.pipe()
    pid = original_os.fork()
    if pid == 0:  # the child: import wsgi without serving or touching the real instance folder
        code = 0
        try:
            original_os.close(read_end)
            original_os.dup2(2, 1)  # whatever the import prints must not reach the protocol on stdout
            import tempfile

            scratch = tempfile.mkdtemp(prefix="livedesk-forker-probe-")
            os.environ.update({"LIVEDESK_BACKGROUND_JOBS": "0", "LIVEDESK_INSTANCE": scratch, "SECRET_KEY": "probe",
                               "DATABASE_URL": f"sqlite:///{scratch}/probe.sqlite3"})
            try:
                import wsgi  # noqa: F401
            except BaseException:  # what got imported before a failure is still worth preloading
                traceback.print_exc()
            names = [name for name, module in list(sys.modules.items())
                     if module is not None and name not in ("__main__", "wsgi") and not name.startswith("tests.")]
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
            data = json.dumps(names).encode()
            while data:
                data = data[original_os.write(write_end, data):]
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            original_os._exit(code)
    original_os.close(write_end)
    chunks = []
    while chunk := original_os.read(read_end, 65536):
        chunks.append(chunk)
    original_os.close(read_end)
    original_os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks) or b"[]")
    except ValueError:
        return []


def _preload(names: list[str]) -> None:
    """Import every module named, skipping those that fail (the child imports them itself then)."""
    import importlib

    for name in names:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001 a module that cannot be imported here is simply not preloaded
            pass


def _serve_child(request: dict, original_os) -> None:
    """Become one server: take the request's environment and log file, run wsgi.py as __main__, never return."""
    code = 1
    try:
        log = original_os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        null = original_os.open(os.devnull, os.O_RDONLY)
        original_os.dup2(null, 0)
        original_os.dup2(log, 1)
        original_os.dup2(log, 2)
        original_os.close(null)
        original_os.close(log)
        imported_with = {name: os.environ.get(name) for name in IMPORT_TIME_VARIABLES}
        os.environ.clear()
        os.environ.update(request["env"])
        if any(os.environ.get(name) != value for name, value in imported_with.items()):
            for name in [name for name, module in sys.modules.items() if module is not None and _own_module(module)]:
                del sys.modules[name]
        os.chdir(request.get("cwd") or ROOT)
        import eventlet.hubs

        eventlet.hubs.use_hub()  # a hub of this process's own, never one inherited from the forker
        sys.argv = [str(WSGI)]
        import runpy

        try:
            runpy.run_path(str(WSGI), run_name="__main__")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 1
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            original_os._exit(code)


def main() -> None:
    """Patch as wsgi.py does, preload the libraries, then fork one server per request until stdin closes."""
    warnings.filterwarnings("ignore", message="\\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()
    from eventlet import patcher

    original_os = patcher.original("os")
    original_select = patcher.original("select")
    if len(sys.argv) > 1:
        # With a bytecode cache LiveDesk's own modules are compiled once, by the probe (even where
        # PYTHONDONTWRITEBYTECODE is set), and a server that imports them afresh reads them from it.
        sys.pycache_prefix = sys.argv[1]
        sys.dont_write_bytecode = False
    _preload(_probe_modules(original_os))

    children: set[int] = set()
    out = sys.stdout.fileno()

    def say(message: dict) -> None:
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[original_os.write(out, data):]

    def reap() -> None:
        for pid in list(children):
            done, status = original_os.waitpid(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                say({"exited": pid, "status": os.waitstatus_to_exitcode(status)})

    buffer = b""
    stdin = sys.stdin.fileno()
    while True:
        ready, _, _ = original_select.select([stdin], [], [], 0.05)
        reap()
        if not ready:
            continue
        chunk = original_os.read(stdin, 65536)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            request = json.loads(line)
            pid = original_os.fork()
            if pid == 0:
                _serve_child(request, original_os)
            children.add(pid)
            say({"started": pid})
    for pid in children:  # the test session went away: its servers go too
        try:
            original_os.kill(pid, 9)
            original_os.waitpid(pid, 0)
        except OSError:
            pass


if __name__ == "__main__":
    main()
