"""A synthetic history at scale (``flask --app wsgi demo load --scale N``), for benchmarks and for trying the
portal with years of data.

N rejected candidates spread over the last four years, with what happened to them afterwards:
the rejection e-mail with the link (``invited``), bookings in the monthly feedback hour, cancellations,
conversations and no-shows, outcomes, the talent pool, survey answers, re-applications and hires; every
step as a row of the anonymous event log at the moment it happened, beside the rows the portal itself
would hold (candidates, sessions, slots, bookings, pool memberships, re-applications, hires, survey
answers). The rates follow the reference practice described in the portal's domain notes; see ``RATES``.

Built for a million candidates: rows are made in chronological order as plain dicts with ids handed out
here, and written in chunks of ``CHUNK`` candidates (COPY on PostgreSQL, executemany on SQLite; see
``BulkWriter``), one commit per chunk, so that memory stays bounded and no ORM object is made per row.
The same seed gives the same history for the same last day (the history ends where ``until``, by
default today, begins). Running it again first removes the earlier synthetic history (candidates on
``SYNTHETIC_DOMAIN``, events whose ref starts with ``REF_PREFIX``, sessions at ``SYNTHETIC_LOCATION``)
and leaves everything else alone. Meant for a development or benchmark database that nobody else
writes to meanwhile: the ids are counted on from the highest one in each table.
"""


import time as clock
from collections.abc import Callable
from datetime import date

from app.database import utcnow
from app.events.rollup import rebuild as rebuild_statistics
from app.extensions import db
from app.synthetic.generator import Generator, ScaleReport
from app.synthetic.rates import DEFER_INDEXES_FROM, REF_PREFIX, SYNTHETIC_DOMAIN, YEARS
from app.synthetic.writing import analyze, indexes_deferred, large_cache, remove_synthetic_history
from app.timeutil import local

# What the rest of the portal, the tests and the benchmarks take from here; the rates and the writer have
# modules of their own.
__all__ = ["REF_PREFIX", "SYNTHETIC_DOMAIN", "YEARS", "ScaleReport", "generate_history", "remove_synthetic_history"]


def generate_history(
    n: int, *, seed: int = 1, until: date | None = None, progress: Callable[[str], None] | None = None,
) -> ScaleReport:
    """Replace the synthetic history by ``n`` new candidates over the ``YEARS`` years before the day ``until``
    (default today; nothing happens from that day on except bookings for the coming sessions).

    Commits once per chunk; reports progress through ``progress``.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    started = clock.perf_counter()
    say = progress or (lambda message: None)
    until = until or local(utcnow()).date()
    db.session.commit()  # nothing of the caller's may hold a lock while we write
    with db.engine.connect() as connection, large_cache(connection):
        removed = remove_synthetic_history(connection)
        if removed:
            say(f"Removed the earlier synthetic history ({removed:,} candidates).")
        with indexes_deferred(connection, n >= DEFER_INDEXES_FROM, say):
            generator = Generator(connection, n, seed=seed, until=until, say=say)
            report = generator.run()
        say("Updating the query planner's statistics ...")
        analyze(connection)
    say("Rolling the event log up into the monthly figures ...")
    rebuild_statistics()
    report.seconds = clock.perf_counter() - started
    return report


