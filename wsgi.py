"""WSGI entry point: patch for the async mode first (eventlet by default), then build the app.

SOCKETIO_ASYNC_MODE=eventlet|gevent|threading picks the server model; the patching must happen before
anything else imports socket or threading, which is why it lives here and nowhere else.
"""
import os

ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")

if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
    from psycogreen.eventlet import patch_psycopg

    patch_psycopg()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()
    from psycogreen.gevent import patch_psycopg

    patch_psycopg()

from app import create_app  # noqa: E402  must come after the patching above
from app.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
