"""``flask --app wsgi privacy purge [--dry-run]``: run it daily (cron) or let the mail worker do it."""

import click
from flask.cli import AppGroup

from app.privacy.services import purge

privacy_cli = AppGroup("privacy", help="Retention of personal data.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list who would be erased.")
def purge_command(dry_run: bool) -> None:
    """Erase the personal data whose retention period has ended (safe to run again)."""
    due = purge(dry_run=dry_run)
    for item in due:
        click.echo(f"candidate {item.candidate_id}: due {item.due_at:%Y-%m-%d} ({item.reason})")
    verb = "would be erased" if dry_run else "erased"
    click.echo(f"{len(due)} candidate record(s) {verb}.")
