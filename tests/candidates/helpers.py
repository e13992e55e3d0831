"""Reading pages as a person would, and posting the candidates forms as a browser would. Kept here
rather than borrowed from another feature's tests, so that these tests depend on nothing but the app."""

import html
import io
import re

import sqlalchemy as sa

from app.extensions import db

CANDIDATES = "/recruiter/candidates"


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


def hidden_value(response, name: str) -> str:
    """The value of a hidden input on the page."""
    body = response.get_data(as_text=True)
    for tag in re.findall(r"<input[^>]*>", body):
        if f'name="{name}"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return html.unescape(value.group(1)) if value else ""
    raise AssertionError(f"no field {name!r} on the page")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, read fresh: equal snapshots mean nothing changed."""
    db.session.rollback()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        state[table.name] = sorted((tuple(row) for row in rows), key=repr)
    db.session.rollback()
    return state


def upload(client, content: bytes | str, filename: str = "export.csv"):
    """Post a file to the import page, as the browser's file field would."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    return client.post(f"{CANDIDATES}/import", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def import_id(response) -> str:
    match = re.search(r'action="/recruiter/candidates/import/([A-Za-z0-9_-]{22})"', response.get_data(as_text=True))
    assert match, "no confirmation form on the page"
    return match.group(1)


def confirm(client, response, mode: str):
    return client.post(f"{CANDIDATES}/import/{import_id(response)}", data={"mode": mode})
