"""Many people, one slot, the same instant: the database lets exactly one of them have it, and
everyone else gets a clear answer instead of an error."""

import threading

from app.extensions import db
from app.models import BookingStatus
from tests.booking.helpers import active_bookings, all_bookings, page_text, set_english
from tests.helpers import outbox

RACERS = 20


def _race(app, posts: list[tuple[str, dict]]) -> list[tuple[int, str, str]]:
    """Post every (path, form) from its own thread and test client, all released at once by a barrier.
    Returns (status, Location header, page text) per post."""
    clients = []
    for _ in posts:
        client = app.test_client()
        set_english(client)
        clients.append(client)
    db.session.rollback()  # the test's own session holds no transaction (on SQLite: no lock) while they race
    barrier = threading.Barrier(len(posts), timeout=30)
    results: list = [None] * len(posts)

    def run(i: int) -> None:
        path, data = posts[i]
        try:
            barrier.wait()
            response = clients[i].post(path, data=data)
            results[i] = (response.status_code, response.headers.get("Location", ""), page_text(response))
        except Exception as exc:  # reported below as a failed result rather than a silent thread death
            results[i] = (0, "", repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def test_twenty_candidates_race_for_one_slot_and_exactly_one_gets_it(app, make_session, candidate_en):
    slot, other = make_session(end="16:30").slots
    people = [candidate_en() for _ in range(RACERS)]
    tokens = [token for _, token in people]
    ids = [candidate.id for candidate, _ in people]
    posts = [(f"/b/{token}/book", {"slot": str(slot.id), "topics": ["improve"], "question": ""}) for token in tokens]

    results = _race(app, posts)

    statuses = sorted(status for status, _, _ in results)
    assert statuses == [302] + [409] * (RACERS - 1), results
    [winner] = [i for i, (status, _, _) in enumerate(results) if status == 302]
    assert results[winner][1].endswith(f"/b/{tokens[winner]}/confirmed")
    for status, _, text in results:
        if status == 409:
            assert "this slot was just taken" in text
            assert "16:15 – 16:30" in text  # the fresh list, with the slot that is still free
    [booking] = active_bookings(slot.id)
    assert booking.candidate_id == ids[winner]
    assert len(all_bookings()) == 1
    assert len(outbox("booking_confirmed")) == 1
    assert active_bookings(other.id) == []


def test_one_candidate_submitting_many_slots_at_once_gets_one_booking(app, make_session, candidate_en):
    feedback_session = make_session(end="18:00")
    _, token = candidate_en()
    posts = [(f"/b/{token}/book", {"slot": str(slot.id), "topics": ["improve"]}) for slot in feedback_session.slots[:8]]

    results = _race(app, posts)

    assert {status for status, _, _ in results} == {302}, results
    assert {location for _, location, _ in results} == {f"/b/{token}/confirmed"}
    [booking] = all_bookings()
    assert booking.status == BookingStatus.BOOKED
    assert len(outbox("booking_confirmed")) == 1


def test_concurrent_reschedules_into_one_slot_never_double_book_or_lose_a_booking(app, make_session, candidate_en):
    """Ten people with a booking each all move to the same free slot at once: one moves, nine keep
    the booking they had, and no slot ever holds two."""
    feedback_session = make_session(end="19:00")
    target, *taken = feedback_session.slots[:11]
    people = [candidate_en() for _ in range(10)]
    for (_candidate, token), slot in zip(people, taken, strict=False):
        client = app.test_client()
        set_english(client)
        assert client.post(f"/b/{token}/book", data={"slot": slot.id, "topics": ["improve"]}).status_code == 302
    bookings = {candidate.id: candidate.bookings[0] for candidate, _ in people}
    posts = [(f"/b/{token}/reschedule", {"slot": str(target.id), "booking": str(bookings[c.id].id),
                                         "sequence": str(bookings[c.id].sequence)}) for c, token in people]

    results = _race(app, posts)

    assert all(status in (302, 409) for status, _, _ in results), results
    db.session.expire_all()
    active = active_bookings()
    assert len(active) == 10  # nobody lost their booking
    slots = [b.slot_id for b in active]
    assert len(set(slots)) == 10 and slots.count(target.id) == 1
    moved = [b for b in active if b.slot_id == target.id]
    assert moved[0].sequence == 1


def test_twenty_candidates_race_for_one_time_with_three_hosts_and_each_host_gets_one(
    app, make_session, make_user, candidate_en
):
    hosts = [make_user("recruiter") for _ in range(3)]
    slot, other = make_session(end="16:30", hosts=hosts).slots
    people = [candidate_en() for _ in range(RACERS)]
    tokens = [token for _, token in people]
    posts = [(f"/b/{token}/book", {"slot": str(slot.id), "topics": ["improve"], "question": ""}) for token in tokens]

    results = _race(app, posts)

    statuses = sorted(status for status, _, _ in results)
    assert statuses == [302] * 3 + [409] * (RACERS - 3), results
    for status, _, text in results:
        if status == 409:
            assert "this slot was just taken" in text
    booked = active_bookings(slot.id)
    assert sorted(b.host_id for b in booked) == sorted(h.id for h in hosts)  # one place per host, none twice
    winners = {tokens[i] for i, (status, _, _) in enumerate(results) if status == 302}
    assert {b.candidate_id for b in booked} == {c.id for c, t in people if t in winners}
    assert len(all_bookings()) == 3
    assert len(outbox("booking_confirmed")) == 3
    assert active_bookings(other.id) == []
