"""WSGI entry point: patch for the async mode first (eventlet by default), then build the app.

SOCKETIO_ASYNC_MODE=eventlet|gevent|threading picks the server model. Patching must happen before anything
else imports socket or threading, which is why it lives here and nowhere else:
- `python wsgi.py` and `gunicorn -k eventlet -w 1 wsgi:app` patch before the app is imported;
- `flask --app wsgi run` has imported Flask already, so it re-executes itself as `python wsgi.py`;
- other `flask --app wsgi ...` commands (db upgrade, create-user, simulate) need no async server: no patching.
"""
import gc
import os
import sys
import warnings

ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")


def _flask_cli_command():
    """Return the name of the flask CLI command loading this module, or None outside the flask CLI."""
    if not os.environ.get("FLASK_RUN_FROM_CLI"):
        return None
    import click

    ctx = click.get_current_context(silent=True)
    return ctx.info_name if ctx is not None else None


CLI_COMMAND = _flask_cli_command()

if CLI_COMMAND == "run":
    import click

    params = click.get_current_context().params
    os.environ["HOST"] = params.get("host") or "127.0.0.1"
    os.environ["PORT"] = str(params.get("port") or 5000)
    os.execv(sys.executable, [sys.executable, os.path.abspath(__file__)])

if CLI_COMMAND is None and ASYNC_MODE == "eventlet":
    # The owner chose eventlet as the default; its deprecation notice is known and not actionable here.
    warnings.filterwarnings("ignore", message="\\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()
elif CLI_COMMAND is None and ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
    from psycogreen.gevent import patch_psycopg

    patch_psycopg()

if CLI_COMMAND in (None, "run-jobs"):
    import logging

    # What LiveDesk's own loggers (livedesk.*) say at INFO — failed logins, buyer notices on the "log" channel, the
    # adapters' traffic — goes to stderr (the service's journal); Python's default would drop all but warnings.
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _livedesk_log = logging.getLogger("livedesk")
    _livedesk_log.addHandler(_handler)
    _livedesk_log.setLevel(os.environ.get("LIVEDESK_LOG_LEVEL", "INFO").upper())
    _livedesk_log.propagate = False

from app import create_app  # noqa: E402  must come after the patching above
from app.extensions import socketio  # noqa: E402

app = create_app()

if CLI_COMMAND is None:
    # Every serving process runs the shared jobs (the sweeper, notice delivery: one server per period, under leases)
    # unless LIVEDESK_BACKGROUND_JOBS=0 leaves them to `flask run-jobs`, and always its own (checking its sockets'
    # sessions). With gunicorn this runs in each worker; do not use --preload, or the jobs would live in the master.
    from app import background

    shared_jobs = os.environ.get("LIVEDESK_BACKGROUND_JOBS", "1").strip().lower() not in ("0", "false", "no", "off")
    background.start(app, shared=shared_jobs)

if CLI_COMMAND is None:
    # The modules and the app built above are some 180,000 objects that live as long as the process. Out of the
    # collector's reach, a full collection walks only what the requests made since: about 10 ms instead of 100 to
    # 280 ms, during which every green thread of the server stands still (docs/performance.md, section 1).
    gc.collect()
    gc.freeze()


def serve(host: str, port: int) -> None:
    """Serve the app and Socket.IO on the server of the configured async mode until interrupted."""
    options = {}
    if ASYNC_MODE == "eventlet":
        from app.http import serving

        options = serving.eventlet_options(app)
        serving.raise_open_files_limit(options["max_size"])
        app.wsgi_app = serving.accept_chunked_bodies(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])
    print(f"LiveDesk on http://{host}:{port} (async mode {ASYNC_MODE})", flush=True)
    socketio.run(app, host=host, port=port, use_reloader=False, log_output=False,
                 allow_unsafe_werkzeug=ASYNC_MODE == "threading", **options)


if __name__ == "__main__":
    serve(os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "5000")))
