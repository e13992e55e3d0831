"""``flask --app wsgi stats rebuild``: recompute the monthly roll-up from the event log."""

import click
from flask.cli import AppGroup

from app.events.rollup import rebuild

stats_cli = AppGroup("stats", help="The HR figures.")


@stats_cli.command("rebuild")
def rebuild_command() -> None:
    """Recount every monthly figure from the event log (after an upgrade or a bulk load)."""
    rows = rebuild()
    click.echo(f"Rebuilt the monthly figures: {rows:,} rows.")
