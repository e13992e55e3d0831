"""Calendar invitations built with icalendar: REQUEST for new and moved bookings, CANCEL for cancelled ones."""

from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

from app.database import utcnow

PRODID = "-//Feedbackspreekuur//Portal//NL"


def _clean(text: str) -> str:
    """Calendar text on one line: icalendar escapes, but line breaks from user input have no place in a summary."""
    return " ".join((text or "").split())


def booking_invitation(
    *,
    uid: str,
    sequence: int,
    method: str,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    description: str,
    location: str,
    url: str,
    organizer_email: str,
    organizer_name: str,
    attendee_email: str,
    attendee_name: str,
    stamp: datetime | None = None,
) -> bytes:
    """One VEVENT in a VCALENDAR with the given METHOD ("REQUEST" or "CANCEL"); times in UTC."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported METHOD {method!r}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp or utcnow())
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", _clean(summary))
    event.add("description", description)
    if location:
        event.add("location", _clean(location))
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")

    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(_clean(organizer_name))
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["cn"] = vText(_clean(attendee_name))
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    event.add("attendee", attendee)

    calendar.add_component(event)
    return calendar.to_ical()
