"""The send pages as a recruiter goes through them after an import: from the list filtered to those not
invited yet, the selection's e-mails are previewed and sent, and the recruiter is back on the same filtered
list with the next ones."""

import re

from tests.candidates.helpers import CANDIDATES, hidden_value, page_text

LINE = "Je cv is helder. Voor deze functie vragen we twee jaar ervaring op een intensive care; je hebt er één."


def test_after_sending_the_list_keeps_its_filter(app, english_client, recruiter, make_candidate):
    people = [make_candidate(name=f"Persoon {n} Bakker", email=f"persoon{n}@example.org")[0] for n in range(3)]
    make_candidate(name="Volgende Kandidaat")  # not in the selection: still on the filtered list after sending
    listing = english_client.get(f"{CANDIDATES}/?status=not_invited")
    body = listing.get_data(as_text=True)
    assert '<input type="hidden" name="status" value="not_invited">' in body
    ids = [str(p.id) for p in people]
    page = english_client.get(f"{CANDIDATES}/rejections", query_string={"ids": ids, "status": "not_invited"})
    assert page.status_code == 200
    form = {"ids": ",".join(ids), "status": "not_invited", **{f"line_{i}": LINE for i in ids}}
    preview = english_client.post(f"{CANDIDATES}/rejections", data={**form, "action": "preview"})
    assert preview.status_code == 200
    seen = {f"seen_{i}": hidden_value(preview, f"seen_{i}") for i in ids}
    sent = english_client.post(f"{CANDIDATES}/rejections", data={**form, **seen, "action": "send"})
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"{CANDIDATES}/?status=not_invited")
    after = english_client.get(sent.headers["Location"])
    text = page_text(after)
    assert "3 rejection e-mails are on their way" in text
    assert "Volgende Kandidaat" in text and not re.search(r"Persoon \d Bakker", text)


def test_a_made_up_filter_is_not_carried_back(app, english_client, recruiter, make_candidate):
    person = make_candidate()[0]
    page = english_client.get(f"{CANDIDATES}/rejections",
                              query_string={"ids": person.id, "status": "https://evil.example", "vacancy": "IC"})
    body = page.get_data(as_text=True)
    assert 'name="status"' not in body and '<input type="hidden" name="vacancy" value="IC">' in body
    assert f'href="{CANDIDATES}/?vacancy=IC"' in body
