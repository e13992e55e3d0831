"""Helpers every feature's tests share: reading pages as a person would, the outbox and snapshots of the
database, and a free port for a real server."""

import html
import re
import socket

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage


def set_english(client) -> None:
    """Pin the visitor's language to English, so assertions hold whatever catalogs are compiled."""
    with client.session_transaction() as cookie:
        cookie["lang"] = "en"


def page_text(response) -> str:
    """The page's visible text: tags removed, entities decoded, whitespace collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, read fresh from the database: equal snapshots mean nothing changed."""
    db.session.rollback()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        state[table.name] = sorted((tuple(row) for row in rows), key=repr)
    db.session.rollback()
    return state


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    """The messages waiting in (or sent from) the outbox, oldest first; only those of ``kind`` if given."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def free_slot_ids(html: str) -> list[int]:
    """The ids of the slots the booking page offers, in the order shown."""
    return [int(v) for v in re.findall(r'name="slot" id="slot-\d+" value="(\d+)"', html)]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def statements_of_get(client, path: str) -> list[tuple[str, object]]:
    """The SQL statements, with their parameters, that one GET of ``path`` issues; the page must answer 200."""
    seen = []

    def record(conn, cursor, statement, parameters, *rest):
        seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, path
    return seen
