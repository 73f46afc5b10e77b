"""flask commands of the analytics domain: `report` (standalone HTML file) and `analytics-rebuild`."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask
from flask_babel import force_locale

from analytics.report.standalone import standalone_html
from analytics.report.tables import DEFAULT_COMPARE, MAX_COMPARE, build_report
from analytics.rollups.rebuild import rebuild_rollups
from analytics.service import DEFAULT_ATTRIBUTION_DAYS, MAX_ATTRIBUTION_DAYS
from app.extensions import db
from live.models import Broadcast


def _broadcast(broadcast_id: int) -> Broadcast:
    broadcast = db.session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise click.ClickException(f"no broadcast {broadcast_id}")
    return broadcast


def register_analytics_commands(app: Flask) -> None:
    """Attach the analytics commands to app.cli."""

    @app.cli.command("report")
    @click.argument("broadcast_id", type=int)
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  help="The HTML file to write.")
    @click.option("--compare", type=click.IntRange(0, MAX_COMPARE), default=DEFAULT_COMPARE, show_default=True,
                  help="How many earlier broadcasts to compare with.")
    @click.option("--attribution-days", type=click.IntRange(0, MAX_ATTRIBUTION_DAYS),
                  default=DEFAULT_ATTRIBUTION_DAYS, show_default=True)
    @click.option("--lang", type=click.Choice(["en", "zh_CN"]), default="en", show_default=True)
    def report_command(broadcast_id: int, out: Path, compare: int, attribution_days: int, lang: str) -> None:
        """Write a broadcast's report as one HTML file that opens offline."""
        broadcast = _broadcast(broadcast_id)
        if broadcast.started_at is None:
            raise click.ClickException(f"broadcast {broadcast_id} has not started")
        with force_locale(lang):
            html = standalone_html(build_report(db.session, broadcast, attribution_days, compare))
        try:
            out.write_text(html, encoding="utf-8")
        except OSError as error:  # a missing folder or no permission: say so, not a traceback
            raise click.ClickException(f"cannot write {out}: {error.strerror}") from None
        click.echo(f"wrote {out} ({len(html.encode()) / 2**20:.1f} MiB)")

    @app.cli.command("analytics-rebuild")
    @click.argument("broadcast_id", type=int)
    def rebuild_command(broadcast_id: int) -> None:
        """Rebuild a broadcast's metric rollups from its event log (ingestion of it waits meanwhile)."""
        _broadcast(broadcast_id)
        began = time.perf_counter()
        applied = rebuild_rollups(db.session, broadcast_id)
        db.session.commit()
        click.echo(f"rebuilt the rollups of broadcast {broadcast_id} from {applied} events "
                   f"in {time.perf_counter() - began:.1f} s")
