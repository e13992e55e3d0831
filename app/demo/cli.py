"""``flask --app wsgi demo load`` and ``flask --app wsgi demo load --scale N``."""

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.data import DEMO_STAFF, demo_password, load_demo

demo_cli = AppGroup("demo", help="Demo data for trying the portal out.")


@demo_cli.command("load")
@click.option("--scale", type=click.IntRange(min=1), default=None, metavar="N",
              help="Instead of the demo data: a synthetic history of N candidates over four years "
                   "(replaces an earlier synthetic history; the demo data and everything else stay).")
@click.option("--seed", type=int, default=1, show_default=True, help="With --scale: the same seed, the same history.")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="With --scale: the history ends where this day begins (default: today).")
def load_command(scale: int | None, seed: int, until) -> None:
    """Load the demo data (safe to run again) and print a booking link per demo candidate.

    With --scale N: a synthetic history of N candidates instead, for the figures and the benchmark.
    """
    if scale is not None:
        _load_scale(scale, seed, until.date() if until else None)
        return
    links = load_demo()
    click.echo("Demo data is ready. Open a candidate's personal booking page:")
    for candidate, url in links:
        click.echo(f"  {candidate.name} ({candidate.language}):")
        click.echo(url)
    click.echo(f"Staff sign in at {current_app.config['PORTAL_URL'].rstrip('/')}/login :")
    for role, email, _name in DEMO_STAFF:
        click.echo(f"  {role:<9} {email}  password: {demo_password(email)}")


def _load_scale(n: int, seed: int, until: date | None) -> None:
    from app.synthetic import generate_history

    click.echo(f"Generating a synthetic history of {n:,} candidates (seed {seed}) ...")
    report = generate_history(n, seed=seed, until=until, progress=click.echo)
    rows = ", ".join(f"{table} {count:,}" for table, count in sorted(report.rows.items()))
    click.echo(f"Done in {report.seconds:.1f} s: {rows}.")
    click.echo(f"The figures: {current_app.config['PORTAL_URL'].rstrip('/')}/hr/ (sign in as HR; "
               "'flask --app wsgi demo load' prints the demo accounts).")
