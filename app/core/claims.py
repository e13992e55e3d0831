"""Claiming a once-only step for a row, so that two workers (or two requests) never both take it."""

import sqlalchemy as sa

from app.extensions import db


def mark_once(row, column: str, value, **also) -> bool:
    """Set ``column`` of ``row`` to ``value`` only if it is still empty, in one ``UPDATE … WHERE column IS NULL``
    (``also``: more columns of that statement): of two workers at once, one gets True. The row's attribute is
    read again when this one made the change. Does not commit."""
    model = type(row)
    claimed = db.session.execute(
        sa.update(model).where(model.id == row.id, getattr(model, column).is_(None))
        .values({column: value, **also}).execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        db.session.refresh(row, [column])
    return bool(claimed)
