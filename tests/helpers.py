"""Helpers every feature's tests share: reading pages as a person would, and snapshots of the database."""

import html
import re

import sqlalchemy as sa

from app.extensions import db


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
