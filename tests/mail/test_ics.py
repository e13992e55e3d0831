"""The calendar invitation as calendar apps read it: times on the Amsterdam clock with the zone's VTIMEZONE,
ORGANIZER, ATTENDEE, METHOD and SEQUENCE; and the Google and Outlook links that carry the same appointment."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from app.mail.ics import booking_invitation, google_calendar_url, outlook_calendar_url
from tests.mail.helpers import parse_ics

WINTER = (datetime(2026, 12, 8, 15, 15, tzinfo=UTC), datetime(2026, 12, 8, 15, 30, tzinfo=UTC))
SUMMER = (datetime(2026, 6, 9, 14, 0, tzinfo=UTC), datetime(2026, 6, 9, 14, 15, tzinfo=UTC))


def _invitation(times=WINTER, **overrides) -> bytes:
    values = {
        "uid": "abc@feedbackspreekuur", "sequence": 2, "method": "REQUEST", "starts_at": times[0],
        "ends_at": times[1], "summary": "Feedback conversation", "description": "Your conversation",
        "location": "Spreekkamer 3", "url": "https://portal.test/b/x", "organizer_email": "werving@example.org",
        "organizer_name": "Ziekenhuis Demo", "attendee_email": "sanne@example.org", "attendee_name": "Sanne de Vries",
        "stamp": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    }
    values.update(overrides)
    return booking_invitation(**values)


def test_the_times_name_the_amsterdam_zone_and_the_file_carries_it():
    data = _invitation()
    calendar, event = parse_ics(data)

    assert b"DTSTART;TZID=Europe/Amsterdam:20261208T161500" in data
    assert b"DTEND;TZID=Europe/Amsterdam:20261208T163000" in data
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam"
    assert {c.name for c in zone.subcomponents} >= {"STANDARD", "DAYLIGHT"}
    assert event.decoded("dtstart") == WINTER[0] and event.decoded("dtend") == WINTER[1]


def test_summer_time_is_two_hours_ahead_of_utc():
    data = _invitation(SUMMER)
    _, event = parse_ics(data)
    assert b"DTSTART;TZID=Europe/Amsterdam:20260609T160000" in data
    assert event.decoded("dtstart") == SUMMER[0]


def test_organizer_attendee_method_and_sequence_stay_as_they_were():
    calendar, event = parse_ics(_invitation(method="CANCEL", sequence=3))
    assert calendar["METHOD"] == "CANCEL" and event["SEQUENCE"] == 3 and event["STATUS"] == "CANCELLED"
    assert str(event["ORGANIZER"]) == "mailto:werving@example.org"
    assert event["ORGANIZER"].params["CN"] == "Ziekenhuis Demo"
    assert str(event["ATTENDEE"]) == "mailto:sanne@example.org"
    assert event["ATTENDEE"].params["CN"] == "Sanne de Vries"
    assert str(event["UID"]) == "abc@feedbackspreekuur"


def test_google_and_outlook_links_carry_the_same_appointment():
    details = {"starts_at": WINTER[0], "ends_at": WINTER[1], "summary": "Feedback conversation – Ziekenhuis",
               "description": "With Anna.\n\nhttps://portal.test/b/x", "location": "Spreekkamer 3"}

    google = urlsplit(google_calendar_url(**details))
    outlook = urlsplit(outlook_calendar_url(**details))

    assert (google.scheme, google.netloc, google.path) == ("https", "calendar.google.com", "/calendar/render")
    query = parse_qs(google.query)
    assert query["action"] == ["TEMPLATE"] and query["dates"] == ["20261208T151500Z/20261208T153000Z"]
    assert query["text"] == ["Feedback conversation – Ziekenhuis"] and query["location"] == ["Spreekkamer 3"]
    assert query["details"] == ["With Anna.\n\nhttps://portal.test/b/x"]
    assert (outlook.scheme, outlook.netloc) == ("https", "outlook.live.com")
    query = parse_qs(outlook.query)
    assert query["startdt"] == ["2026-12-08T15:15:00Z"] and query["enddt"] == ["2026-12-08T15:30:00Z"]
    assert query["subject"] == ["Feedback conversation – Ziekenhuis"] and query["location"] == ["Spreekkamer 3"]
    assert query["rru"] == ["addevent"]
