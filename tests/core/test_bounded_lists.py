"""Lists that grow with the history: counted up to a bound ("more than"), and filter values by skip scan."""

import sqlalchemy as sa

from app.candidates.services import listing as candidate_services
from app.core.pagination import distinct_values, fetch_page
from app.extensions import db
from app.models import Candidate
from tests.helpers import page_text, set_english


def test_a_long_list_is_counted_up_to_its_bound_and_says_so(app, client, auth, make_candidate, monkeypatch):
    monkeypatch.setattr(candidate_services, "LIST_BOUND", 3)
    for n in range(5):
        make_candidate(name=f"Kandidaat {n}")
    auth.login("recruiter")
    set_english(client)
    text = page_text(client.get("/recruiter/candidates/"))
    assert "More than 3 candidates." in text
    assert "The list stops after 3 rows. Narrow it with the filters or the search to see the others." in text
    assert text.count("Kandidaat ") == 3


def test_a_page_reads_no_deeper_than_the_bound(app, make_candidate):
    for n in range(7):
        make_candidate(name=f"Kandidaat {n}")
    page = fetch_page(sa.select(Candidate).order_by(Candidate.id), 99, 2, count_up_to=4, scalars=True)
    assert (page.total, page.pages, page.more, page.page) == (4, 2, True, 2)
    assert [c.name for c in page.rows] == ["Kandidaat 2", "Kandidaat 3"]
    assert not page.has_next


def test_distinct_values_are_each_value_once_in_order_without_empty_ones(app, make_candidate):
    for department in ("Radiologie", "", "Cardiologie", "Radiologie", "Neurologie", ""):
        make_candidate(department=department)
    assert distinct_values(Candidate.department) == ["Cardiologie", "Neurologie", "Radiologie"]
    assert distinct_values(Candidate.department, limit=2) == ["Cardiologie", "Neurologie"]
    assert distinct_values(Candidate.department, Candidate.department != "Neurologie") == ["Cardiologie",
                                                                                          "Radiologie"]
    db.session.execute(sa.delete(Candidate))
    assert distinct_values(Candidate.department) == []
