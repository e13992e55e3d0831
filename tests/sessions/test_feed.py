"""The recruiter's calendar feed: only the conversations they host, at a secret address that works
without signing in, can be renewed (the old one then gives 404) and reveals no notes or e-mail addresses."""

import re

from icalendar import Calendar

from app.extensions import db
from app.models import BookingStatus, Role, User
from tests.booking.helpers import page_text
from tests.sessions.helpers import BASE, fresh


def _make_feed(client) -> str:
    """Ask for a (new) feed address and return its path, as shown once on the page."""
    response = client.post(f"{BASE}/feed")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [url] = re.findall(r'<code class="secret" id="feed-url">([^<]+)</code>', response.get_data(as_text=True))
    assert url.startswith(f"http://portal.test{BASE}/feed/") and url.endswith(".ics")
    return url.removeprefix("http://portal.test")


def test_feed_lists_only_the_conversations_the_recruiter_hosts(
    english_client, recruiter, make_user, make_session, book, auth
):
    colleague = make_user("recruiter")
    mine = make_session(days_ahead=10, hosts=[recruiter, colleague], location="Spreekkamer 3")
    theirs = make_session(days_ahead=11, hosts=[colleague])
    sanne = book(mine.slots[0], name="Sanne de Vries", vacancy="Verpleegkundige IC", email="sanne@example.org")
    joost = book(mine.slots[2], name="Joost Bakker", vacancy="Projectleider ICT")
    mia = book(mine.slots[3], name="Mia Jansen", vacancy="Secretaresse")
    assert (sanne.host, joost.host, mia.host) == (recruiter, colleague, recruiter)  # in turn
    book(theirs.slots[0], name="Not Mine")
    gone = book(mine.slots[4], name="Cancelled Person")
    gone.status = BookingStatus.CANCELLED
    db.session.commit()
    path = _make_feed(english_client)
    auth.logout()

    response = english_client.get(path)  # no sign-in: the calendar app fetches it

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    calendar = Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"])
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [sanne.uid, mia.uid]  # Joost talks to the colleague
    first = events[0]
    # In the portal's default language (a calendar app has no language of its own); first name and vacancy.
    assert str(first["SUMMARY"]).endswith(": Sanne – Verpleegkundige IC")
    assert first["DTSTART"].dt == sanne.slot.starts_at and first["DTEND"].dt == sanne.slot.ends_at
    assert "Spreekkamer 3" in str(first["LOCATION"])
    body = response.get_data(as_text=True)
    for private in ("sanne@example.org", "de Vries", "Joost", "Jansen", "Not Mine", "Cancelled Person", "ATTENDEE"):
        assert private not in body


def test_renewing_kills_the_old_address(english_client, recruiter, make_session, book):
    feedback_session = make_session(hosts=[recruiter])
    book(feedback_session.slots[0])
    old = _make_feed(english_client)
    assert english_client.get(old).status_code == 200
    hash_before = fresh(User, recruiter.id).feed_token_hash
    assert hash_before and old.split("/")[-1].removesuffix(".ics") not in hash_before  # only a hash is stored

    renewed = page_text(english_client.post(f"{BASE}/feed"))
    assert "The old address no longer works." in renewed
    new = re.search(rf"http://portal.test({BASE}/feed/\S+\.ics)", renewed).group(1)

    assert new != old
    assert english_client.get(old).status_code == 404
    assert english_client.get(new).status_code == 200

    english_client.post(f"{BASE}/feed/stop")
    assert english_client.get(new).status_code == 404
    assert fresh(User, recruiter.id).feed_token_hash is None


def test_unknown_malformed_or_deactivated_feed_addresses_give_404(english_client, recruiter):
    path = _make_feed(english_client)
    token = path.split("/")[-1].removesuffix(".ics")
    assert len(token) >= 22  # at least 128 bits
    assert english_client.get(f"{BASE}/feed/{'A' * 43}.ics").status_code == 404
    assert english_client.get(f"{BASE}/feed/not-a-token.ics").status_code == 404
    assert english_client.get(f"{BASE}/feed/{token[:-1]}.ics").status_code == 404
    user = fresh(User, recruiter.id)
    user.role = Role.HR
    db.session.commit()
    assert english_client.get(path).status_code == 404
    user = fresh(User, recruiter.id)
    user.role, user.active = Role.RECRUITER, False
    db.session.commit()
    assert english_client.get(path).status_code == 404


def test_the_feed_page_explains_how_to_subscribe(english_client, recruiter):
    text = page_text(english_client.get(f"{BASE}/feed"))
    assert "How to subscribe" in text and "Outlook" in text and "Google Calendar" in text
    assert "You do not have a feed address yet." in text
    _make_feed(english_client)
    response = english_client.get(f"{BASE}/feed")
    assert "You have a feed address" in page_text(response)
    assert 'class="secret"' not in response.get_data(as_text=True)  # shown once, when it is made
