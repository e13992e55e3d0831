"""Long lists a page at a time: which rows a page holds, and what the pager shows.

Lists that grow with the history (a million candidates) stay fast by never reading or counting more than a
bounded number of rows: a list is counted up to ``count_up_to`` rows (beyond, it says "more than") and pages
stop there, so the deepest OFFSET is bounded too; a log is not counted at all. ``distinct_values`` reads the
values of an indexed column for a filter without scanning the table."""

from dataclasses import dataclass
from typing import Generic, TypeVar

import sqlalchemy as sa

from app.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list. ``total`` and ``pages`` are known where the list was counted."""

    rows: list[T]
    page: int
    has_next: bool
    total: int | None = None
    pages: int | None = None
    more: bool = False  # counted up to a bound: there are more than ``total`` rows, past the last page

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` rows fill (at least one, for an empty list)."""
    return max(1, -(-total // size))


def fetch_page(statement: sa.Select, page: int, size: int, *, counted: bool = True,
               scalars: bool = False, count_up_to: int | None = None) -> Page:
    """Page ``page`` of ``statement`` (which orders its rows), ``size`` rows a page: its rows as
    ``Session.scalars`` or ``Session.execute`` gives them (``scalars``).

    ``counted``: the rows are counted first, and a page beyond the last shows the last. With
    ``count_up_to`` the count stops there (``more`` says there are more) and so do the pages: two
    statements that read at most that many rows, however long the list. Otherwise one row more than a page
    is read to tell whether another page follows (for long logs, where counting every row for "page 3 of
    90,000" costs more than the page)."""
    read = db.session.scalars if scalars else db.session.execute
    page = max(page, 1)
    if not counted:
        rows = list(read(statement.offset((page - 1) * size).limit(size + 1)).all())
        return Page(rows[:size], page, has_next=len(rows) > size)
    # Counted as bare rows: the page's columns (and any subqueries among them) are not computed to count.
    counting = statement.order_by(None).with_only_columns(sa.literal_column("1"), maintain_column_froms=True)
    if count_up_to is not None:
        counting = counting.limit(count_up_to + 1)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(counting.subquery())) or 0
    more = count_up_to is not None and total > count_up_to
    total = min(total, count_up_to) if count_up_to is not None else total
    pages = page_count(total, size)
    page = min(page, pages)
    offset = (page - 1) * size
    rows = list(read(statement.offset(offset).limit(min(size, total - offset) if more else size)).all())
    return Page(rows, page, has_next=page < pages, total=total, pages=pages, more=more)


def distinct_values(column: sa.ColumnElement, *conditions: sa.ColumnElement[bool], limit: int = 500) -> list:
    """The distinct values of ``column`` in ascending order (at most ``limit``, NULL and "" left out), read
    with a skip scan: a recursive query that asks the index on ``column`` for the next larger value, once
    per value, instead of reading every row. ``conditions`` must be on the same table and cheap to check per
    value found (they filter values, they do not narrow the scan)."""
    table = column.table
    step = sa.select(sa.func.min(column)).where(column > "", *conditions).scalar_subquery()
    found = sa.select(step.label("value")).cte("found", recursive=True)
    following = (sa.select(table.c[column.key]).where(table.c[column.key] > found.c.value, *conditions)
                 .order_by(table.c[column.key]).limit(1).scalar_subquery())
    found = found.union_all(sa.select(following).where(found.c.value.is_not(None)))
    values = db.session.scalars(sa.select(found.c.value).where(found.c.value.is_not(None)).limit(limit))
    return list(values)
