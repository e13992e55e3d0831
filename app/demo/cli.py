"""``flask --app wsgi demo load``."""

import click
from flask.cli import AppGroup

from app.demo.data import load_demo

demo_cli = AppGroup("demo", help="Demo data for trying the portal out.")


@demo_cli.command("load")
def load_command() -> None:
    """Load the demo data (safe to run again) and print a booking link per demo candidate."""
    links = load_demo()
    click.echo("Demo data is ready. Open a candidate's personal booking page:")
    for candidate, url in links:
        click.echo(f"  {candidate.name} ({candidate.language}):")
        click.echo(url)
