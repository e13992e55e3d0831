"""Reading e-mails and calendar invitations the way a mail client does."""

from email.message import EmailMessage

from icalendar import Calendar


def calendar_parts(message: EmailMessage) -> list[EmailMessage]:
    """The ``text/calendar`` parts: what Outlook and Gmail read as an invitation."""
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def parse_ics(data: bytes | str) -> tuple[Calendar, object]:
    """(calendar, its single VEVENT), parsed with icalendar."""
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]

