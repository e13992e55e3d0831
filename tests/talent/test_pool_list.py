"""The recruiter's talent pool: only people with current consent, filtered by skill, department and name,
consent that ends soon standing out, tags added and removed, and each member's history."""

import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.models import (
    BookingStatus,
    Hire,
    PoolMembership,
    PoolSource,
    PoolTag,
    Reapplication,
    Stage,
)
from tests.booking.helpers import page_text
from tests.talent.helpers import TALENT, add_member, held_conversation


def _names(response) -> list[str]:
    body = response.get_data(as_text=True)
    return re.findall(r'<a href="/recruiter/talent/\d+">([^<]+)</a>', body)


def test_only_current_consent_is_listed(english_client, recruiter, make_candidate):
    now = utcnow()
    member, _ = make_candidate(name="Anna Member")
    add_member(member)
    withdrawn, _ = make_candidate(name="Willem Withdrawn")
    add_member(withdrawn, withdrawn_at=now - timedelta(days=1))
    expired, _ = make_candidate(name="Eva Expired")
    add_member(expired, consented_at=now - timedelta(days=400), expires_at=now - timedelta(days=35))
    asked, _ = make_candidate(name="Vera Asked")
    db.session.add(PoolMembership(candidate=asked, source=PoolSource.RECRUITER))  # asked, never answered
    db.session.commit()

    response = english_client.get(f"{TALENT}/")

    assert response.status_code == 200
    assert _names(response) == ["Anna Member"]
    assert "1 member" in page_text(response)


def test_the_list_shows_origin_tags_consent_and_source(english_client, recruiter, make_candidate):
    now = utcnow()
    candidate, _ = make_candidate(name="Anna de Boer", email="anna@example.org", vacancy="Nurse",
                                  department="Cardiology")
    add_member(candidate, consented_at=now - timedelta(days=10), source=PoolSource.BOOKING,
               tags={"skill": ["Wound care"], "department": ["Oncology"]})

    text = page_text(english_client.get(f"{TALENT}/"))

    assert "Anna de Boer anna@example.org" in text
    assert "Nurse Cardiology" in text
    assert "Wound care" in text and "Oncology" in text
    assert "When booking" in text
    assert "Ends soon" not in text.split("Came in through", 1)[1]  # the table, below its explanation


def test_consent_ending_within_a_month_is_highlighted(english_client, recruiter, make_candidate):
    now = utcnow()
    soon, _ = make_candidate(name="Sara Soon")
    add_member(soon, consented_at=now - timedelta(days=345), expires_at=now + timedelta(days=20))
    later, _ = make_candidate(name="Lars Later")
    add_member(later, consented_at=now - timedelta(days=300), expires_at=now + timedelta(days=65))

    body = english_client.get(f"{TALENT}/").get_data(as_text=True)

    rows = {name: row for row in re.findall(r"(?s)<tr[ >].*?</tr>", body)
            for name in re.findall(r'/recruiter/talent/\d+">([^<]+)<', row)}
    assert 'class="notice-warning"' in rows["Sara Soon"] and "Ends soon" in rows["Sara Soon"]
    assert "notice-warning" not in rows["Lars Later"] and "Ends soon" not in rows["Lars Later"]


def test_filter_by_skill_department_and_search(english_client, recruiter, make_candidate):
    anna, _ = make_candidate(name="Anna Jansen", email="anna.j@example.org", department="Cardiology")
    add_member(anna, tags={"skill": ["Wound care", "Python"]})
    bram, _ = make_candidate(name="Bram Bakker", email="bram@example.org", department="Radiology")
    add_member(bram, tags={"skill": ["Python"], "department": ["Cardiology"]})
    cato, _ = make_candidate(name="Cato Smit", email="cato@mail.test", department="Radiology")
    add_member(cato)

    # The most recent consent first.
    assert _names(english_client.get(f"{TALENT}/?skill=python")) == ["Bram Bakker", "Anna Jansen"]
    assert _names(english_client.get(f"{TALENT}/?skill=Wound+care")) == ["Anna Jansen"]
    # A department matches where they applied and where they would like to work.
    assert _names(english_client.get(f"{TALENT}/?department=Cardiology")) == ["Bram Bakker", "Anna Jansen"]
    assert _names(english_client.get(f"{TALENT}/?department=Radiology&skill=Python")) == ["Bram Bakker"]
    assert _names(english_client.get(f"{TALENT}/?q=SMIT")) == ["Cato Smit"]
    assert _names(english_client.get(f"{TALENT}/?q=mail.test")) == ["Cato Smit"]
    assert _names(english_client.get(f"{TALENT}/?q=100%25")) == []  # a LIKE wildcard is searched for literally

    none = english_client.get(f"{TALENT}/?skill=Nothing")
    assert "No members match this filter." in page_text(none)
    # The filter choices are what members have.
    body = english_client.get(f"{TALENT}/").get_data(as_text=True)
    assert '<option value="Python"' in body and '<option value="Wound care"' in body
    assert '<option value="Cardiology"' in body and '<option value="Radiology"' in body


def test_a_whole_address_finds_that_member_and_a_piece_finds_every_one_holding_it(english_client, recruiter,
                                                                                  make_candidate):
    for name, email in (("Jan Jansen", "jan@example.org"), ("Marjan Smit", "marjan@example.org")):
        candidate, _ = make_candidate(name=name, email=email)
        add_member(candidate)
    assert _names(english_client.get(f"{TALENT}/?q=jan%40example.org")) == ["Jan Jansen"]
    assert _names(english_client.get(f"{TALENT}/?q=JAN%40Example.ORG")) == ["Jan Jansen"]
    assert _names(english_client.get(f"{TALENT}/?q=jan%40example")) == ["Marjan Smit", "Jan Jansen"]
    assert _names(english_client.get(f"{TALENT}/?q=smit")) == ["Marjan Smit"]


def test_empty_pool_explains_how_people_join(english_client, recruiter):
    text = page_text(english_client.get(f"{TALENT}/"))
    assert "The talent pool is empty." in text


def test_bad_filter_input_never_breaks_the_page(english_client, recruiter, make_candidate):
    candidate, _ = make_candidate()
    add_member(candidate)
    for query in ("?page=abc", "?page=99999999999", "?page=-1", "?q=" + "x" * 5000, "?skill=%00", "?q=%27%22"):
        assert english_client.get(f"{TALENT}/{query}").status_code == 200, query


def test_add_and_remove_tags(english_client, recruiter, make_candidate):
    candidate, _ = make_candidate(name="Anna Jansen")
    membership = add_member(candidate)
    url = f"{TALENT}/{membership.id}"

    response = english_client.post(f"{url}/tags", data={"kind": "skill", "value": "   Wound    care  "})
    assert response.status_code == 302
    response = english_client.post(f"{url}/tags", data={"kind": "department", "value": "Oncology"})
    text = page_text(english_client.get(url))
    assert "Wound care Skill" in text and "Oncology Preferred department" in text
    assert "The tag “Oncology” is added." in text

    # The same tag in another case is a duplicate: refused with the text kept.
    response = english_client.post(f"{url}/tags", data={"kind": "skill", "value": "WOUND CARE"})
    assert response.status_code == 422
    assert "This member already has the tag “WOUND CARE”." in page_text(response)
    assert 'value="WOUND CARE"' in response.get_data(as_text=True)

    too_long = "x" * 101
    response = english_client.post(f"{url}/tags", data={"kind": "skill", "value": too_long})
    assert response.status_code == 422
    assert "Keep a tag to 100 characters." in page_text(response)
    assert f'value="{too_long}"' in response.get_data(as_text=True)
    assert english_client.post(f"{url}/tags", data={"kind": "skill", "value": "   "}).status_code == 422
    assert english_client.post(f"{url}/tags", data={"kind": "hobby", "value": "Chess"}).status_code == 422

    tags = sorted((t.kind, t.value) for t in db.session.scalars(sa.select(PoolTag)))
    assert tags == [("department", "Oncology"), ("skill", "Wound care")]

    skill_id = db.session.scalar(sa.select(PoolTag.id).where(PoolTag.kind == "skill"))
    response = english_client.post(f"{url}/tags/{skill_id}/remove", follow_redirects=True)
    assert "The tag is removed." in page_text(response)
    assert english_client.post(f"{url}/tags/{skill_id}/remove", follow_redirects=True).status_code == 200
    db.session.expire_all()
    assert [t.value for t in db.session.scalars(sa.select(PoolTag))] == ["Oncology"]


def test_a_tag_of_another_member_cannot_be_removed_through_this_one(english_client, recruiter, make_candidate):
    first = add_member(make_candidate()[0])
    second = add_member(make_candidate()[0], tags={"skill": ["Python"]})
    tag = db.session.scalar(sa.select(PoolTag).where(PoolTag.membership_id == second.id))

    english_client.post(f"{TALENT}/{first.id}/tags/{tag.id}/remove")

    db.session.expire_all()
    assert db.session.get(PoolTag, tag.id) is not None


def test_member_history_spans_every_application_with_the_same_address(english_client, recruiter, make_candidate):
    now = utcnow()
    earlier, _ = make_candidate(name="Anna Jansen", email="Anna@Example.org", vacancy="Ward nurse",
                                stage=Stage.CV_SCREENING, rejected_on=date(2024, 3, 1))
    latest, _ = make_candidate(name="Anna Jansen", email="anna@example.org", vacancy="Nurse practitioner",
                               stage=Stage.INTERVIEW, rejected_on=date.today() - timedelta(days=40))
    other, _ = make_candidate(name="Someone Else", vacancy="Porter")
    held_conversation(earlier, now - timedelta(days=300), status=BookingStatus.NO_SHOW)
    held_conversation(latest, now - timedelta(days=30), suitable_after_all=True)
    held_conversation(other, now - timedelta(days=30))
    db.session.add(Reapplication(candidate_id=latest.id, vacancy="Theatre nurse", applied_on=date.today()))
    db.session.add(Hire(candidate_id=latest.id, role="Theatre nurse", department="Surgery",
                        start_date=date.today(), attributed=True))
    membership = add_member(latest)

    response = english_client.get(f"{TALENT}/{membership.id}")

    assert response.status_code == 200
    text = page_text(response)
    assert "Ward nurse" in text and "Nurse practitioner" in text and "Porter" not in text
    assert "CV screening" in text and "Interview" in text
    conversations = text.split("Feedback conversations")[1].split("Re-applications")[0]
    assert "No-show" in conversations and "Attended" in conversations
    assert "Yes" in conversations  # suitable after all
    assert "Theatre nurse" in text.split("Re-applications")[1].split("Hires")[0]
    assert "Surgery" in text.split("Hires")[-1]


def test_a_member_page_is_gone_once_consent_is_withdrawn(english_client, recruiter, make_candidate):
    membership = add_member(make_candidate()[0], withdrawn_at=utcnow())
    response = english_client.get(f"{TALENT}/{membership.id}", follow_redirects=True)
    assert "not in the talent pool (any more)" in page_text(response)
    assert english_client.get(f"{TALENT}/{2**31 - 1}").status_code == 302  # no such member
    assert english_client.get(f"{TALENT}/99999999999").status_code == 404  # no such id at all (app/core/query.py)
    assert english_client.post(f"{TALENT}/{membership.id}/tags", data={"kind": "skill",
                                                                       "value": "x"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(PoolTag.id))) == 0


def test_control_characters_never_break_a_form(english_client, recruiter, make_candidate):
    candidate, _ = make_candidate(email="anna@example.org")
    membership = add_member(candidate)

    tags = f"{TALENT}/{membership.id}/tags"
    assert english_client.post(tags, data={"kind": "skill", "value": "Wound\x00 care"}).status_code == 302
    assert english_client.post(tags, data={"kind": "skill\x00", "value": "x"}).status_code == 422
    assert english_client.post(f"{TALENT}/reapplications/new", data={
        "email": "anna@example.org\x00", "vacancy": "Nurse\x00", "applied_on": "2026\x00"}).status_code == 422
    assert english_client.post(f"{TALENT}/hires/new", data={
        "email": "anna@example.org", "role": "Nurse\x00", "department": "\x00", "start_date": "x"}).status_code == 422
    assert english_client.get(f"{TALENT}/hires/new?email=%00").status_code == 200
    assert [t.value for t in db.session.scalars(sa.select(PoolTag))] == ["Wound care"]
