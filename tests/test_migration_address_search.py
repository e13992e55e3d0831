"""Migration 0015 on a database with e-mails in the outbox: each message's bare address is taken from its
``to_address`` ("Name <address>", or the address alone), and going back down removes the column again."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import UTCDateTime, utcnow
from app.extensions import db

ADDRESSES = {
    "Jan Jansen <Jan@Example.org>": "Jan@Example.org",
    '"Bakker, Bram" <bram@example.org>': "bram@example.org",
    "=?utf-8?q?Ren=C3=A9e_de_Wit?= <renee@example.org>": "renee@example.org",
    "piet@example.org": "piet@example.org",
}


def test_upgrading_fills_in_the_bare_address_of_every_message(empty_database):
    upgrade(revision="0014_personal_line")
    now = utcnow()
    messages = sa.Table("outbox_message", sa.MetaData(), *(sa.Column(c) for c in (
        "id", "kind", "to_address", "subject", "body_text", "body_html", "status", "attempts")),
        sa.Column("next_attempt_at", UTCDateTime()), sa.Column("created_at", UTCDateTime()))
    with db.engine.begin() as connection:
        connection.execute(messages.insert(), [
            {"id": n, "kind": "rejection", "to_address": address, "subject": "Je sollicitatie", "body_text": "",
             "body_html": "", "status": "sent", "attempts": 1, "next_attempt_at": now, "created_at": now}
            for n, address in enumerate(ADDRESSES, start=1)])

    upgrade()

    with db.engine.connect() as connection:
        assert dict(connection.execute(sa.text("SELECT to_address, to_email FROM outbox_message")).all()) == ADDRESSES
        assert connection.scalar(sa.text(
            "SELECT id FROM outbox_message WHERE lower(to_email) = lower('JAN@example.org')")) == 1
    downgrade(revision="0014_personal_line")
    with db.engine.connect() as connection:
        assert "to_email" not in {c["name"] for c in sa.inspect(connection).get_columns("outbox_message")}
        assert connection.scalar(sa.text("SELECT count(*) FROM outbox_message")) == len(ADDRESSES)
