"""Reading e-mails and calendar invitations the way a mail client does, and filling the outbox."""

from email.message import EmailMessage

from icalendar import Calendar

from app.extensions import db
from app.mail.outbox import queue_email


def queue_messages(make_candidate, count: int) -> None:
    """``count`` committed e-mails to one candidate, subjects "Bericht 0", "Bericht 1", ..."""
    candidate, _ = make_candidate()
    for n in range(count):
        queue_email(kind="test", candidate=candidate, subject=f"Bericht {n}", template="link_resent",
                    context={"link": f"http://portal.test/x/{n}"})
    db.session.commit()


def calendar_parts(message: EmailMessage) -> list[EmailMessage]:
    """The ``text/calendar`` parts: what Outlook and Gmail read as an invitation."""
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def parse_ics(data: bytes | str) -> tuple[Calendar, object]:
    """(calendar, its single VEVENT), parsed with icalendar."""
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]

