"""``flask --app wsgi privacy purge [--dry-run]``: run it daily (cron) or let the mail worker do it."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.privacy.services import purge

BATCH = 500  # candidates erased and committed at a time

privacy_cli = AppGroup("privacy", help="Retention of personal data.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list who would be erased.")
def purge_command(dry_run: bool) -> None:
    """Erase the personal data whose retention period has ended (safe to run again)."""
    if dry_run:
        due = purge(dry_run=True)
    else:
        due = []
        while batch := purge(limit=BATCH):
            db.session.commit()
            due.extend(batch)
        db.session.commit()  # the uploaded files' clean-up when nobody was due
    for item in due:
        click.echo(f"candidate {item.candidate_id}: due {item.due_at:%Y-%m-%d} ({item.reason})")
    verb = "would be erased" if dry_run else "erased"
    click.echo(f"{len(due)} candidate record(s) {verb}.")
