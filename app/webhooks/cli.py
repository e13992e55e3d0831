"""``flask --app wsgi webhooks deliver [--loop]``."""

import click
from flask.cli import AppGroup

from app.core.worker import loop_options, run_rounds
from app.extensions import db
from app.webhooks.delivery import run_round

webhooks_cli = AppGroup("webhooks", help="Deliver the outgoing webhooks.")


def _deliver() -> None:
    click.echo(f"Webhooks: {run_round()}.")


@webhooks_cli.command("deliver")
@loop_options("Keep running instead of delivering once.")
def deliver_command(loop: bool, interval: float) -> None:
    """Deliver every webhook that is due (the mail worker does this too, every round)."""
    if loop:
        run_rounds(_deliver, interval, "webhook worker")
        return
    _deliver()
    db.session.remove()
