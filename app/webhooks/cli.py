"""``flask --app wsgi webhooks deliver [--loop]``."""

import time

import click
from flask.cli import AppGroup

from app.extensions import db
from app.webhooks.delivery import run_round

webhooks_cli = AppGroup("webhooks", help="Deliver the outgoing webhooks.")


@webhooks_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running instead of delivering once.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between rounds with --loop.")
def deliver_command(loop: bool, interval: float) -> None:
    """Deliver every webhook that is due (the mail worker does this too, every round)."""
    while True:
        click.echo(f"Webhooks: {run_round()}.")
        db.session.remove()
        if not loop:
            return
        time.sleep(interval)
