"""`make demo` end to end: it sets up, seeds, serves and simulates; a host watches the feed move."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time

import pytest
import requests

from tests.browser.conftest import screenshot
from tests.support.server import ROOT, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _group_alive(group: int) -> bool:
    """Return True while a process of the group is left."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


class MakeDemo:
    """`make demo` in its own process group, on a free port and a throw-away instance folder."""

    def __init__(self, instance_dir):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "SOCKETIO_", "DATABASE_URL"))}
        env.update({"PORT": str(self.port), "HOST": "127.0.0.1", "LIVEDESK_INSTANCE": str(instance_dir),
                    "RATE": "25", "PYTHONUNBUFFERED": "1"})
        self.output: list[str] = []
        self.reader: threading.Thread | None = None
        self.process = subprocess.Popen(["make", "--no-print-directory", "demo"], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)

    def text(self) -> str:
        """Return everything make demo printed so far."""
        return "".join(self.output)

    def wait_for(self, pattern: str, timeout: float = 300) -> re.Match:
        """Return the first match of pattern in the output, waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.text())
            if match:
                return match
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"make demo never printed {pattern!r}:\n{self.text()[-3000:]}")

    def wait_until_serving(self, timeout: float = 120) -> None:
        """Wait until the console answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/login", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.3)
        raise AssertionError(f"the console never answered:\n{self.text()[-3000:]}")

    def stop(self) -> None:
        """Stop make, the server and the simulator (the whole process group), then close the pipe."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                continue
            if sig == signal.SIGTERM:  # let the simulator and server finish their own shutdown, then make sure
                deadline = time.monotonic() + 1
                while _group_alive(self.process.pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
        # Every writer of the pipe is gone now, so the reader sees end-of-file and closing cannot block.
        self.reader.join(timeout=10)
        self.process.stdout.close()


def test_make_demo_shows_the_feed_moving(page, tmp_path):
    demo = MakeDemo(tmp_path)
    try:
        password = demo.wait_for(r"host\s+demo-host\s+(\S+)").group(1)
        demo.wait_until_serving()
        page.goto(demo.url + "/login")
        page.fill("#username", "demo-host")
        page.fill("#password", password)
        page.click("#submit")
        page.click("text=Open live view")
        page.wait_for_selector("#host[data-connection=connected]", timeout=30000)
        page.wait_for_function("document.querySelectorAll('#feed tr').length >= 3", timeout=90000)
        first = page.evaluate("document.querySelectorAll('#feed tr').length")
        first_orders = page.inner_text("#total-orders")
        page.wait_for_function(
            f"document.querySelectorAll('#feed tr').length > {first} || "
            f"document.querySelector('#total-orders').textContent !== '{first_orders}'", timeout=60000)
        page.wait_for_selector("#chat li", timeout=30000)
        screenshot(page, "demo-feed-moving")
        assert page.errors == [] and page.dialogs == []
    finally:
        demo.stop()
