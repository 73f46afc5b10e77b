"""The flask commands' HTTP client of the /api/v1 API (simulate, replay --http), its options and its token.

A command that talks to a running server takes --url, --token, --token-file and --signing-secret; without a
token it uses the one seed-demo saved in the instance folder.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Callable

import click
import requests
from flask import current_app

from app import config
from app.auth.tokens import sign

DEMO_TOKEN_NAME = "demo-simulator"  # the token seed-demo issues
TOKEN_FILE = "demo_token"  # where seed-demo saves it, in the instance folder
WAIT_FOR_SERVER = 30.0
MAX_PROBLEMS_SHOWN = 20  # rejected events or bad lines a command prints one by one


def instance_dir() -> Path:
    """Return the folder for local secrets: app.config["INSTANCE_DIR"] when set, else the one app/config.py uses."""
    return Path(current_app.config.get("INSTANCE_DIR") or config.instance_dir())


def read_token(token: str | None, token_file: Path | None) -> str:
    """Return the token given, else the one seed-demo wrote."""
    if token:
        return token
    path = token_file or instance_dir() / TOKEN_FILE
    try:
        return path.read_text().strip()
    except OSError:
        raise click.ClickException(f"no API token: pass --token, set LIVEDESK_TOKEN, or run "
                                   f"`flask --app wsgi seed-demo` (it writes {path})") from None


def result_counts(stats: Counter) -> str:
    """Return the accepted, duplicate and rejected counts of ingestion results as one line."""
    return f"accepted {stats['accepted']}  duplicate {stats['duplicate']}  rejected {stats['rejected']}"


class ServerTrouble(click.ClickException):
    """The server could not be reached or answered 5xx, for as long as the client was willing to wait."""


class ApiClient:
    """Calls the v1 API with a bearer token over one keep-alive connection, waiting for a server still starting."""

    retry_every = 1.0

    def __init__(self, url: str, token: str, signing_secret: str | None = None,
                 stop: threading.Event | None = None, wait: float = WAIT_FOR_SERVER):
        self.url, self.signing_secret, self.wait = url.rstrip("/"), signing_secret, wait
        self.stop = stop or threading.Event()
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """Return the JSON answer; connection errors and 5xx are retried for `wait` seconds, 4xx fail at once."""
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        deadline = time.monotonic() + self.wait
        while True:
            headers = {} if data is None else {"Content-Type": "application/json"}
            if data is not None and self.signing_secret:
                headers["X-LiveDesk-Signature"] = sign(data, self.signing_secret, int(time.time()))
            try:
                response = self.http.request(method, self.url + path, data=data, headers=headers, timeout=60)
            except (requests.ConnectionError, requests.Timeout) as error:
                problem = f"cannot reach {self.url}: {error.__class__.__name__}"
            else:
                if response.status_code < 500:
                    break
                problem = f"{method} {path} answered {response.status_code}"
            # Events carry ids, so sending a batch again after an unknown outcome is safe.
            if time.monotonic() >= deadline or self.stop.wait(self.retry_every):
                raise ServerTrouble(problem)
        if response.status_code >= 400:
            try:
                error = response.json()["error"]
                detail = f"{error['code']}: {error['message']}"
            except (ValueError, KeyError, TypeError):
                detail = response.text[:200]
            raise click.ClickException(f"{method} {path} answered {response.status_code} ({detail})")
        return response.json()


def client_options(command: Callable) -> Callable:
    """Return command with --url, --token, --token-file and --signing-secret added (a command that calls the API)."""
    for option in reversed((
        click.option("--url", default=lambda: f"http://127.0.0.1:{os.environ.get('PORT', '5000')}",
                     show_default="http://127.0.0.1:$PORT", help="Where the LiveDesk server listens."),
        click.option("--token", envvar="LIVEDESK_TOKEN",
                     help="API token (default: $LIVEDESK_TOKEN, else the seed-demo one)."),
        click.option("--token-file", type=click.Path(dir_okay=False, path_type=Path),
                     help="File holding the token (default: instance/demo_token)."),
        click.option("--signing-secret", help="Sign each request with this secret (X-LiveDesk-Signature)."),
    )):
        command = option(command)
    return command
