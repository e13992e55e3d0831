"""The booking confirmation travels through a real SMTP server (aiosmtpd) and arrives as an
invitation that calendars accept: text and HTML, and a text/calendar part with METHOD:REQUEST."""

from urllib.parse import urlsplit

import sqlalchemy as sa
from babel.dates import format_date

from app.extensions import db
from app.mail.worker import send_due
from app.models import Booking, OutboxStatus
from app.timeutil import local
from tests.helpers import outbox
from tests.mail.helpers import calendar_parts, parse_ics


def test_confirmation_arrives_over_smtp_with_a_calendar_invitation(client, smtp_server, make_session, make_candidate):
    slot = make_session(start="16:00", end="16:30", location="Spreekkamer 3").slots[1]
    candidate, token = make_candidate(name="Sanne de Vries", email="sanne@example.org", language="en")
    assert client.post(f"/b/{token}/book", data={"slot": slot.id, "topics": ["improve"]}).status_code == 302
    booking = db.session.scalar(sa.select(Booking))
    manage_link = f"http://portal.test/b/{token}"
    assert smtp_server.messages == []  # nothing is sent inside the request: the worker sends

    report = send_due()

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [message] = smtp_server.messages
    assert "sanne@example.org" in message["To"]
    assert message["Subject"] == "Your feedback conversation is booked"

    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hello Sanne," in text
    assert "16:15 – 16:30" in text
    assert manage_link in text
    assert "Sanne" in html and manage_link in html

    [calendar_part] = calendar_parts(message)
    assert calendar_part.get_content_type() == "text/calendar"
    assert calendar_part.get_param("method") == "REQUEST"
    calendar, event = parse_ics(calendar_part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == booking.uid
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    start = event["DTSTART"].dt
    assert start == slot.starts_at
    assert start.tzinfo.key == "Europe/Amsterdam"  # the zone named, no floating local time
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"
    assert event["DTEND"].dt == slot.ends_at
    assert "Spreekkamer 3" in str(event["LOCATION"])
    assert manage_link in str(event["DESCRIPTION"])
    assert "sanne@example.org" in str(event["ATTENDEE"])

    # The same invitation is attached as a file for clients that ignore the alternative.
    [attachment] = [part for part in message.iter_attachments() if part.get_filename() == "invite.ics"]
    assert str(parse_ics(attachment.get_content())[1]["UID"]) == booking.uid

    # The link in the e-mail works.
    assert client.get(urlsplit(manage_link).path).status_code == 200

    # Delivered once: the row is done, keeps no working link, and a second run sends nothing.
    [row] = outbox()
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert token not in row.body_text and token not in row.body_html
    assert send_due().sent == 0
    assert len(smtp_server.messages) == 1


def test_confirmation_in_dutch_for_a_dutch_candidate(client, smtp_server, make_session, make_candidate):
    """The mail is in the candidate's language; the invitation stays a valid REQUEST either way."""
    slot = make_session().slots[0]
    _, token = make_candidate(language="nl")
    client.post(f"/b/{token}/book", data={"slot": slot.id, "topics": ["went_well"]})

    send_due()

    [message] = smtp_server.messages
    dutch_day = format_date(local(slot.starts_at).date(), format="full", locale="nl")  # e.g. "zondag 6 december 2026"
    assert dutch_day in message.get_body(preferencelist=("plain",)).get_content()
    assert 'lang="nl"' in message.get_body(preferencelist=("html",)).get_content()
    [calendar_part] = calendar_parts(message)
    assert calendar_part.get_param("method") == "REQUEST"
    assert parse_ics(calendar_part.get_content())[0]["METHOD"] == "REQUEST"
