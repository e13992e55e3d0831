"""Consent from the candidate's own link, on one page (/b/<token>/pool) whose choices depend on how things
stand: joining only with a box they tick themselves, answering a recruiter's question yes or no, the
renewal e-mail a month before the consent ends (once), renewing for twelve more months, and withdrawing,
which ends the membership at once. The addresses of the earlier pages, in e-mails already sent, lead to
it. One candidate's link never touches another's membership."""

import re
from datetime import UTC, timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.mail.worker import run_scheduled, send_due
from app.models import Event, PoolMembership, PoolSource, PoolTag
from app.talent import services
from tests.booking.helpers import page_text, set_english
from tests.fixtures.staff import STAFF_PASSWORD
from tests.helpers import outbox
from tests.talent.helpers import TALENT, add_member, held_conversation


def _events(kind: str) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Event).where(Event.kind == kind)))


def _memberships() -> list[PoolMembership]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PoolMembership).order_by(PoolMembership.id)))


def _join(client, token, *, consent=None, **options):
    data = {"join": "Join the talent pool"} | ({"consent": consent} if consent else {})
    return client.post(f"/b/{token}/pool", data=data, **options)


def _renew(client, token, **options):
    return client.post(f"/b/{token}/pool", data={"renew": "Yes"}, **options)


def _withdraw(client, token, **options):
    return client.post(f"/b/{token}/pool", data={"withdraw": "Yes"}, **options)


# --- joining ---------------------------------------------------------------------------------------

def test_the_consent_box_is_never_ticked_in_advance(english_client, candidate_en):
    _, token = candidate_en()
    body = english_client.get(f"/b/{token}/pool").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="consent"[^>]*>', body).group(0)
    assert 'type="checkbox"' in box and "checked" not in box
    assert re.search(r'<label for="consent">Yes, you may keep my details for 12 months', body)


def test_joining_without_ticking_the_box_stores_nothing(english_client, candidate_en):
    _, token = candidate_en()
    response = _join(english_client, token)
    assert response.status_code == 422
    assert "Tick the box if you want to join the talent pool." in page_text(response)
    assert _memberships() == [] and _events("joined_pool") == []


def test_joining_with_consent_lasts_twelve_months(english_client, candidate_en):
    candidate, token = candidate_en(name="Anna Jansen")
    before = utcnow()

    response = _join(english_client, token, consent="y", follow_redirects=True)

    [membership] = _memberships()
    assert membership.candidate_id == candidate.id and membership.source == PoolSource.LINK
    assert before <= membership.consented_at <= utcnow()
    assert membership.expires_at == services.add_months(membership.consented_at, 12)
    assert [e.candidate_ref for e in _events("joined_pool")] == [candidate.ref]
    text = page_text(response)
    assert "Thank you. You are in our talent pool until" in text and "Leave our talent pool?" in text

    # Joining again (a second tab, a double click) adds nothing.
    again = _join(english_client, token, consent="y", follow_redirects=True)
    assert "You are already in our talent pool." in page_text(again)
    assert len(_memberships()) == 1 and len(_events("joined_pool")) == 1


def test_joining_answers_an_open_request(english_client, candidate_en):
    candidate, token = candidate_en()
    db.session.add(PoolMembership(candidate=candidate, source=PoolSource.RECRUITER))
    db.session.commit()

    _join(english_client, token, consent="y")

    [membership] = _memberships()
    assert membership.source == PoolSource.RECRUITER and membership.consented_at is not None


def test_a_new_member_shows_up_for_recruiters(english_client, auth, candidate_en):
    _, token = candidate_en(name="Anna Jansen")
    _join(english_client, token, consent="y")
    auth.login("recruiter")
    assert "Anna Jansen" in page_text(english_client.get(f"{TALENT}/"))


def test_add_months_keeps_the_day_or_takes_the_last_one():
    from datetime import datetime

    moment = datetime(2024, 2, 29, 9, 30, tzinfo=UTC)
    assert services.add_months(moment, 12) == datetime(2025, 2, 28, 9, 30, tzinfo=UTC)
    assert services.add_months(datetime(2025, 1, 31, tzinfo=UTC), 1) == datetime(2025, 2, 28,
                                                                                           tzinfo=UTC)
    assert services.add_months(datetime(2025, 3, 15, tzinfo=UTC), -1) == datetime(2025, 2, 15,
                                                                                            tzinfo=UTC)


# --- the renewal e-mail ----------------------------------------------------------------------------

def test_renewal_email_goes_out_once_a_month_before_the_end(english_client, candidate_en):
    now = utcnow()
    candidate, _ = candidate_en(name="Anna Jansen")
    expires_at = now + timedelta(days=60)
    membership = add_member(candidate, consented_at=expires_at - timedelta(days=365), expires_at=expires_at)
    month_before = services.add_months(expires_at, -1)

    run_scheduled(now=month_before - timedelta(hours=1))
    assert outbox("pool_renewal") == []

    run_scheduled(now=month_before)
    run_scheduled(now=month_before + timedelta(days=1))
    run_scheduled(now=month_before + timedelta(days=20))

    [mail] = outbox("pool_renewal")
    assert mail.candidate_id == candidate.id
    assert mail.subject == "Would you like to stay in our talent pool?"
    db.session.refresh(membership)
    assert membership.renewal_requested_at == month_before
    renew = re.search(r"http://portal\.test(/b/[A-Za-z0-9_-]{43}/pool)#stay", mail.body_text).group(1)
    withdraw = re.search(r"http://portal\.test(/b/[A-Za-z0-9_-]{43}/pool)#leave", mail.body_text).group(1)
    assert renew == withdraw
    # Both links work (the renewal link is a fresh one): each is the one page, at its part.
    page = page_text(english_client.get(renew))
    assert "Stay in our talent pool?" in page and "Leave our talent pool?" in page


def test_no_renewal_email_for_withdrawn_expired_or_unanswered(candidate_en):
    now = utcnow()
    add_member(candidate_en()[0], expires_at=now + timedelta(days=10), withdrawn_at=now - timedelta(days=1))
    add_member(candidate_en()[0], consented_at=now - timedelta(days=400), expires_at=now - timedelta(days=1))
    asked, _ = candidate_en()
    db.session.add(PoolMembership(candidate=asked, source=PoolSource.RECRUITER, requested_at=now - timedelta(days=340)))
    db.session.commit()

    run_scheduled(now=now)

    assert outbox("pool_renewal") == []


def test_renewal_email_is_sent_over_smtp_in_the_members_language(app, candidate_en, make_candidate, smtp_server):
    now = utcnow()
    add_member(candidate_en(name="Anna Jansen", email="anna@example.org")[0], expires_at=now + timedelta(days=20))
    add_member(make_candidate(name="Bram Bakker", email="bram@example.org", language="nl")[0],
               expires_at=now + timedelta(days=20))

    run_scheduled(now=now)
    send_due()

    received = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    assert set(received) == {"anna@example.org", "bram@example.org"}
    english = received["anna@example.org"]
    assert english["Subject"] == "Would you like to stay in our talent pool?"
    text = english.get_body(preferencelist=("plain",)).get_content()
    assert "/pool#stay" in text and "/pool#leave" in text
    dutch = received["bram@example.org"].get_body(preferencelist=("plain",)).get_content()
    assert "/pool#stay" in dutch and "/pool#leave" in dutch


def test_the_renewal_link_works_when_the_old_links_have_expired(english_client, candidate_en):
    now = utcnow()
    candidate, old_token = candidate_en(expires_at=now - timedelta(days=200))
    add_member(candidate, consented_at=now - timedelta(days=340), expires_at=now + timedelta(days=25))
    assert english_client.get(f"/b/{old_token}/pool").status_code == 410

    run_scheduled(now=now)

    [mail] = outbox("pool_renewal")
    renew = re.search(r"http://portal\.test(/b/[A-Za-z0-9_-]{43})/pool#stay", mail.body_text).group(1)
    assert _renew(english_client, renew.rsplit("/", 1)[1]).status_code == 302
    assert services.current_membership(candidate).expires_at > now + timedelta(days=360)


# --- renewing and withdrawing from the link --------------------------------------------------------

def test_renewing_gives_twelve_months_from_now_after_a_confirmation(english_client, candidate_en):
    now = utcnow()
    candidate, token = candidate_en()
    membership = add_member(candidate, consented_at=now - timedelta(days=340), expires_at=now + timedelta(days=25),
                            renewal_requested_at=now - timedelta(days=5))
    old_expiry = membership.expires_at

    page = english_client.get(f"/b/{token}/pool/renew", follow_redirects=True)
    assert page.status_code == 200 and "Stay in our talent pool?" in page_text(page)
    db.session.refresh(membership)
    assert membership.expires_at == old_expiry  # looking is not renewing

    before = utcnow()
    response = _renew(english_client, token, follow_redirects=True)

    db.session.refresh(membership)
    assert services.add_months(before, 12) <= membership.expires_at <= services.add_months(utcnow(), 12)
    assert membership.renewal_requested_at is None  # next year's reminder can come
    assert "You stay in our talent pool until" in page_text(response)


def test_renewing_an_ended_consent_offers_to_join_again(english_client, candidate_en):
    now = utcnow()
    candidate, token = candidate_en()
    add_member(candidate, consented_at=now - timedelta(days=400), expires_at=now - timedelta(days=1))

    page = page_text(english_client.get(f"/b/{token}/pool/renew", follow_redirects=True))
    assert "You are no longer in the talent pool." in page and "Stay in our talent pool?" not in page
    response = _renew(english_client, token, follow_redirects=True)
    assert "You are not in our talent pool (any more)." in page_text(response)
    assert "Join our talent pool?" in page_text(response)
    assert services.current_membership(candidate) is None


def test_withdrawing_ends_the_membership_at_once(english_client, auth, candidate_en):
    candidate, token = candidate_en(name="Anna Jansen")
    membership = add_member(candidate, tags={"skill": ["Python"]})

    page = english_client.get(f"/b/{token}/pool/withdraw", follow_redirects=True)
    assert "Leave our talent pool?" in page_text(page)
    db.session.refresh(membership)
    assert membership.withdrawn_at is None  # looking is not withdrawing

    before = utcnow()
    response = _withdraw(english_client, token, follow_redirects=True)

    assert "You have left our talent pool." in page_text(response)
    db.session.refresh(membership)
    assert before <= membership.withdrawn_at <= utcnow()
    assert services.current_membership(candidate) is None
    assert [e.candidate_ref for e in _events("left_pool")] == [candidate.ref]
    assert db.session.scalar(sa.select(sa.func.count(PoolTag.id))) == 0
    # Gone from the recruiters' list straight away, and no renewal e-mail later.
    auth.login("recruiter")
    assert "Anna Jansen" not in page_text(english_client.get(f"{TALENT}/"))
    run_scheduled(now=membership.expires_at - timedelta(days=10))
    assert outbox("pool_renewal") == []
    # Withdrawing again is harmless.
    assert "You are not in our talent pool (any more)." in page_text(_withdraw(english_client, token,
                                                                               follow_redirects=True))
    assert len(_events("left_pool")) == 1


def test_withdrawing_covers_every_membership_of_the_same_address(english_client, candidate_en):
    first, token = candidate_en(email="anna@example.org")
    second, _ = candidate_en(email="ANNA@example.org", vacancy="Another vacancy")
    add_member(first)
    add_member(second)

    _withdraw(english_client, token)

    assert all(m.withdrawn_at is not None for m in _memberships())


def test_one_candidates_link_never_changes_anothers_membership(english_client, candidate_en):
    anna, anna_token = candidate_en(name="Anna Jansen")
    bram, bram_token = candidate_en(name="Bram Bakker")
    anna_membership = add_member(anna, expires_at=utcnow() + timedelta(days=20))
    expiry = anna_membership.expires_at

    page = page_text(english_client.get(f"/b/{bram_token}/pool"))
    assert "Join our talent pool?" in page and "Anna" not in page
    _withdraw(english_client, bram_token)
    _renew(english_client, bram_token)
    _join(english_client, bram_token)

    db.session.refresh(anna_membership)
    assert anna_membership.withdrawn_at is None and anna_membership.expires_at == expiry
    assert _events("left_pool") == []


def test_unknown_or_broken_tokens_get_the_link_pages(english_client):
    for path in ("/b/x/pool", "/b/x/pool/join", "/b/" + "A" * 43 + "/pool/withdraw", "/b/%00/pool/renew",
                 "/b/" + "A" * 43 + "/talentpool", "/b/short/talentpool"):
        assert english_client.get(path).status_code == 404, path
        assert english_client.post(path).status_code == 404, path


# --- the recruiter's question, answered from the e-mail's link -------------------------------------

def _asked(candidate_en, **values):
    """A candidate after their conversation, asked by the recruiter; the link of the e-mail."""
    candidate, _ = candidate_en(**values)
    booking = held_conversation(candidate, utcnow() - timedelta(days=1))
    services.request_consent(candidate)
    db.session.commit()
    [mail] = outbox("pool_consent_request")
    link = re.search(r"http://portal\.test(/b/[A-Za-z0-9_-]{43}/pool)\b", mail.body_text).group(1)
    return candidate, booking, link


def _outcome_page(app, make_user, booking) -> str:
    """The conversation's outcome page as a recruiter sees it, in a browser of their own."""
    staff = app.test_client()
    signed_in = staff.post("/login", data={"email": make_user("recruiter").email, "password": STAFF_PASSWORD})
    assert signed_in.status_code == 302
    set_english(staff)
    return page_text(staff.get(f"/recruiter/bookings/{booking.id}/outcome"))


def test_the_question_is_answered_yes_with_a_box_never_ticked_in_advance(app, english_client, make_user, candidate_en):
    candidate, booking, link = _asked(candidate_en)
    token = link.split("/")[2]

    assert link == f"/b/{token}/pool"  # the e-mail leads to the one page itself
    page = english_client.get(link)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "same-origin"
    body = page.get_data(as_text=True)
    box = re.search(r'<input[^>]*name="consent"[^>]*>', body).group(0)
    assert 'type="checkbox"' in box and "checked" not in box
    assert 'value="Yes, keep my details"' in body and 'value="No, thank you"' in body
    text = page_text(page)
    assert "May we keep your details for future vacancies?" in text
    assert "12 months" in text and "withdraw at any time" in text

    # The button alone is not consent.
    refused = _join(english_client, token)
    assert refused.status_code == 422
    assert "Tick the box to say yes, or choose “No, thank you”." in page_text(refused)
    assert _memberships()[0].consented_at is None

    done = _join(english_client, token, consent="y", follow_redirects=True)
    [membership] = _memberships()
    assert membership.source == PoolSource.RECRUITER and membership.withdrawn_at is None
    assert 365 <= (membership.expires_at - membership.consented_at).days <= 366
    assert [e.candidate_ref for e in _events("joined_pool")] == [candidate.ref]
    assert "Thank you. You are in our talent pool until" in page_text(done)
    assert "You are in our talent pool" in page_text(english_client.get(link, follow_redirects=True))

    # The recruiter sees it, and cannot ask again.
    assert "is in the talent pool until" in _outcome_page(app, make_user, booking)


def test_the_question_may_be_answered_no(app, english_client, make_user, candidate_en):
    candidate, booking, link = _asked(candidate_en)
    token = link.split("/")[2]

    response = english_client.post(f"/b/{token}/pool", data={"consent": "y", "decline": "No, thank you"})

    assert response.status_code == 302
    [membership] = _memberships()
    assert membership.consented_at is None and membership.withdrawn_at is not None
    assert _events("joined_pool") == []
    page = page_text(english_client.get(link, follow_redirects=True))
    assert "You said no to the talent pool" in page and "Join our talent pool?" in page
    assert "said no on" in _outcome_page(app, make_user, booking)
    # Saying no again, from another tab, changes nothing.
    again = english_client.post(f"/b/{token}/pool", data={"decline": "No, thank you"}, follow_redirects=True)
    assert "There is no open question about the talent pool (any more)." in page_text(again)


def test_a_form_sent_to_an_earlier_address_changes_nothing(english_client, candidate_en):
    _, _, link = _asked(candidate_en)
    token = link.split("/")[2]

    earlier = f"/b/{token}/talentpool"  # the address e-mails sent before the one page have
    for path, data in ((earlier, {"agree": "y", "consent": "Yes"}), (f"/b/{token}/pool/join", {"consent": "y"}),
                       (f"/b/{token}/pool/renew", {}), (f"/b/{token}/pool/withdraw", {})):
        response = english_client.post(path, data=data)
        assert response.status_code == 303 and f"/b/{token}/pool" in response.location, path

    [membership] = _memberships()
    assert membership.consented_at is None and membership.withdrawn_at is None
