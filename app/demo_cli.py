"""Demo commands: seed-demo, simulate and replay."""
from flask import Flask


def register_demo_commands(app: Flask) -> None:
    """Attach seed-demo, simulate and replay to app.cli."""
