"""Calendar invitations built with icalendar: REQUEST for new and moved bookings, CANCEL for cancelled ones;
and the same appointment as "add to calendar" links for Google Calendar and Outlook.

Times are given on the Amsterdam clock (DTSTART;TZID=Europe/Amsterdam) with the zone's VTIMEZONE, so that
calendar apps show the zone the conversation is in; the links carry them in UTC, which both services read.
"""

from datetime import UTC, datetime
from urllib.parse import urlencode

from icalendar import Calendar, Event, vCalAddress, vText

from app.database import utcnow
from app.timeutil import AMSTERDAM

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
    """One VEVENT in a VCALENDAR with the given METHOD ("REQUEST" or "CANCEL"); times on the Amsterdam clock
    with its VTIMEZONE."""
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
    event.add("dtstart", starts_at.astimezone(AMSTERDAM))
    event.add("dtend", ends_at.astimezone(AMSTERDAM))
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
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(*, starts_at: datetime, ends_at: datetime, summary: str, description: str,
                        location: str) -> str:
    """Google Calendar's "create event" page, filled in (a plain link: no script of theirs on our pages)."""
    query = {"action": "TEMPLATE", "text": _clean(summary),
             "dates": f"{_utc_stamp(starts_at)}/{_utc_stamp(ends_at)}", "details": description,
             "location": _clean(location), "ctz": "Europe/Amsterdam"}
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(*, starts_at: datetime, ends_at: datetime, summary: str, description: str,
                         location: str) -> str:
    """Outlook on the web's "new event" form, filled in (outlook.live.com; work accounts are sent on from
    there)."""
    def iso(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    query = {"path": "/calendar/action/compose", "rru": "addevent", "subject": _clean(summary),
             "startdt": iso(starts_at), "enddt": iso(ends_at), "body": description, "location": _clean(location)}
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
