"""``flask --app wsgi mail send [--loop]``."""

import click
from flask.cli import AppGroup

from app.core.worker import loop_options
from app.mail.worker import run_forever, run_scheduled, send_due, take_back_own_leases

mail_cli = AppGroup("mail", help="Send the e-mails in the outbox.")


@mail_cli.command("send")
@loop_options("Keep running as a worker instead of sending once.")
def send_command(loop: bool, interval: float) -> None:
    """Queue due reminders and waitlist offers, then send every e-mail that is due."""
    if loop:
        click.echo(f"Mail worker started; a round every {interval:g} s. Stop with Ctrl+C.")
        run_forever(interval)
        return
    take_back_own_leases()
    run_scheduled()
    click.echo(f"Mail: {send_due()}.")
