"""What the workers share: the ``--loop``/``--interval`` options of their commands and the loop that runs
one round after another."""

import logging
import time
from collections.abc import Callable

import click

from app.extensions import db

log = logging.getLogger(__name__)


def loop_options(loop_help: str):
    """The options of a command that does one round, or with ``--loop`` keeps running as a worker."""

    def decorate(command):
        command = click.option("--interval", default=10.0, show_default=True,
                               help="Seconds between rounds with --loop.")(command)
        return click.option("--loop", is_flag=True, help=loop_help)(command)

    return decorate


def run_rounds(do_round: Callable[[], object], interval: float, name: str) -> None:
    """Call ``do_round()`` every ``interval`` seconds until the process is stopped. A round that fails is
    rolled back and logged, and the next one tries again; every round ends with a fresh database session."""
    while True:
        try:
            do_round()
        except Exception:  # keep the worker alive; the next round tries again
            db.session.rollback()
            log.exception("%s round failed", name)
        finally:
            db.session.remove()
        time.sleep(interval)
