"""Long lists a page at a time: which rows a page holds, and what the pager shows."""

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

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def page_count(total: int, size: int) -> int:
    """How many pages ``total`` rows fill (at least one, for an empty list)."""
    return max(1, -(-total // size))


def fetch_page(statement: sa.Select, page: int, size: int, *, counted: bool = True,
               scalars: bool = False) -> Page:
    """Page ``page`` of ``statement`` (which orders its rows), ``size`` rows a page: its rows as
    ``Session.scalars`` or ``Session.execute`` gives them (``scalars``).

    ``counted``: the rows are counted first, and a page beyond the last shows the last. Otherwise one
    row more than a page is read to tell whether another page follows (for long logs, where counting
    every row for "page 3 of 90,000" costs more than the page)."""
    read = db.session.scalars if scalars else db.session.execute
    page = max(page, 1)
    if not counted:
        rows = list(read(statement.offset((page - 1) * size).limit(size + 1)).all())
        return Page(rows[:size], page, has_next=len(rows) > size)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())) or 0
    pages = page_count(total, size)
    page = min(page, pages)
    rows = list(read(statement.offset((page - 1) * size).limit(size)).all())
    return Page(rows, page, has_next=page < pages, total=total, pages=pages)
