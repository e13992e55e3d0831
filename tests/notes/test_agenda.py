"""The day agenda: every time of the feedback hour in order, with who comes, what they want to
discuss, and whether the conversation is prepared; and a print layout for the day."""

import re

from app.extensions import db
from app.models import BookingStatus, ConversationMode
from tests.booking.helpers import page_text


def _rows(response) -> list[str]:
    body = response.get_data(as_text=True)
    tbody = re.search(r"(?s)<tbody>(.*?)</tbody>", body).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"(?s)<tr>(.*?)</tr>", tbody)]


def test_the_agenda_lists_conversations_in_time_order_with_free_times(client, sign_in, make_session, make_booking):
    feedback_session = make_session(start="16:00", end="17:00")
    # Booked out of order: the agenda follows the clock, not the order of booking.
    later = make_booking(
        feedback_session=feedback_session,
        slot=2,
        name="Bram Later",
        vacancy="Data-analist",
        topics=["other"],
        question="Kan ik later opnieuw solliciteren?",
    )
    earlier = make_booking(feedback_session=feedback_session, slot=0, name="Anna Eerder", vacancy="Verpleegkundige IC",
                           topics=["went_well", "cv_profile"], question="",
                           note={"went_well": "Sterke motivatie.", "free_notes": "Privé"})
    make_booking(feedback_session=feedback_session, slot=1, name="Carl Afgezegd", status=BookingStatus.CANCELLED)
    sign_in()

    response = client.get(f"/recruiter/sessions/{feedback_session.id}/agenda")

    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) == 4
    assert rows[0].startswith("16:00 – 16:15 Anna Eerder Verpleegkundige IC Cardiologie Interview")
    assert "What went well; CV and online profile" in rows[0] and "Prepared" in rows[0]
    assert rows[1].startswith("16:15 – 16:30 Free")
    assert "Carl Afgezegd" not in response.get_data(as_text=True)
    assert rows[2].startswith("16:30 – 16:45 Bram Later Data-analist")
    assert "Something else" in rows[2] and "Kan ik later opnieuw solliciteren?" in rows[2]
    assert "Not prepared yet" in rows[2]
    assert rows[3].startswith("16:45 – 17:00 Free")
    body = response.get_data(as_text=True)
    assert f'href="/recruiter/bookings/{earlier.id}/notes"' in body
    assert f'href="/recruiter/bookings/{later.id}/notes"' in body
    assert "2 of 4 times booked, 1 prepared" in page_text(response)
    assert "Privé" not in body  # notes stay on the notes page unless the print view asks for them


def test_a_late_cancellation_shows_on_its_free_time(client, sign_in, make_session, make_booking):
    feedback_session = make_session(start="16:00", end="16:15")
    booking = make_booking(feedback_session=feedback_session, name="Dirk Laat", status=BookingStatus.CANCELLED)
    booking.cancelled_late = True
    db.session.commit()
    sign_in()
    [row] = _rows(client.get(f"/recruiter/sessions/{feedback_session.id}/agenda"))
    assert row == "16:00 – 16:15 Free Cancelled late: Dirk Laat ( outcome )"


def test_the_print_view_has_no_menu_and_can_include_the_notes(client, sign_in, make_session, make_booking):
    feedback_session = make_session(start="16:00", end="16:30")
    make_booking(feedback_session=feedback_session, name="Anna Eerder", note={"advice": "Zet je stage bovenaan.",
                                                           "free_notes": "Let op de tijd."})
    sign_in()

    plain = client.get(f"/recruiter/sessions/{feedback_session.id}/agenda?print=1")
    assert plain.status_code == 200
    body = plain.get_data(as_text=True)
    assert "staff-nav" not in body
    assert "data-print" in body and 'src="/static/js/notes.js"' in body
    assert "Anna Eerder" in body and "Zet je stage bovenaan." not in body
    assert 'href="/recruiter/bookings/' not in body  # nothing to click on paper

    with_notes = client.get(f"/recruiter/sessions/{feedback_session.id}/agenda?print=1&notes=1")
    text = page_text(with_notes)
    assert "Zet je stage bovenaan." in text and "Let op de tijd." in text
    assert "Confidential" in text


def test_an_empty_feedback_hour_says_so(client, sign_in, make_session):
    feedback_session = make_session(start="16:00", end="16:30")
    sign_in()
    text = page_text(client.get(f"/recruiter/sessions/{feedback_session.id}/agenda"))
    assert "Nobody has booked a conversation in this feedback hour yet. All 2 times are free." in text
    assert client.get("/recruiter/sessions/987654/agenda").status_code == 404


def test_each_host_sees_their_own_conversations_and_can_see_everyones(
    client, sign_in, make_session, make_booking, make_user
):
    me = sign_in()
    colleague = make_user(name="Bram de Boer")
    feedback_session = make_session(start="16:00", end="16:30", hosts=[me, colleague])
    mine = make_booking(feedback_session=feedback_session, slot=0, name="Anna Mijn")
    mine.host = me
    theirs = make_booking(feedback_session=feedback_session, slot=0, name="Carl Ander")
    theirs.host, theirs.mode, theirs.phone = colleague, ConversationMode.PHONE, "06 1111 2222"
    db.session.commit()

    own = client.get(f"/recruiter/sessions/{feedback_session.id}/agenda")

    rows = _rows(own)
    assert len(rows) == 2  # my two times
    assert rows[0].startswith("16:00 – 16:15 Anna Mijn") and "On site" in rows[0]
    assert rows[1].startswith("16:15 – 16:30 Free")
    assert "Carl Ander" not in own.get_data(as_text=True)
    assert "1 of 2 times booked" in page_text(own)

    everyone = client.get(f"/recruiter/sessions/{feedback_session.id}/agenda?host=all")
    rows = _rows(everyone)
    assert len(rows) == 4  # two times, two hosts each
    assert any(r.startswith("16:00 – 16:15 Bram de Boer Carl Ander") and "Phone call 06 1111 2222" in r for r in rows)
    assert 'href="tel:0611112222"' in everyone.get_data(as_text=True)

    printed = client.get(f"/recruiter/sessions/{feedback_session.id}/agenda?print=1&host={colleague.id}")
    assert "Carl Ander" in page_text(printed) and "06 1111 2222" in page_text(printed)
    assert "Anna Mijn" not in page_text(printed)
