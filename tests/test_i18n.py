"""Dutch is the portal's default language and English its second. The Dutch catalog must cover every
string in the source and keep its placeholders, and the language must reach what a person sees: the
pages by default, after the language switch, on a candidate's own page, and in the e-mail they get."""

import html
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import session as flask_session
from flask_babel import refresh

from app.booking.services import book_slot
from app.i18n import current_language
from app.timeutil import local
from tests.helpers import outbox

ROOT = Path(__file__).resolve().parent.parent
NL_PO = ROOT / "app" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
NL_MO = NL_PO.with_suffix(".mo")
# The same extraction as `make extract-messages`; keep the keywords in step with the Makefile.
EXTRACT_ARGS = ["-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext"]
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[a-zA-Z%]")


# --- the catalog -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """The messages a fresh extraction finds in the current source."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *EXTRACT_ARGS, "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    with pot.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def nl_catalog() -> Catalog:
    with NL_PO.open("rb") as f:
        return read_po(f, locale="nl")


def _forms(value) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple of its forms (plural messages have several)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _where(message) -> str:
    return ", ".join(f"{path}:{line}" for path, line in message.locations) or "?"


def test_dutch_catalog_translates_every_string_in_the_source(extracted, nl_catalog):
    assert not nl_catalog.fuzzy, "the header of nl/messages.po is marked fuzzy: remove the flag"
    problems = []
    for message in extracted:
        if not message.id:
            continue
        translated = nl_catalog.get(message.id, message.context)
        if translated is None:
            problems.append(f"missing: {message.id!r} ({_where(message)})")
        elif translated.fuzzy:
            problems.append(f"fuzzy: {message.id!r} ({_where(message)})")
        elif not all(form.strip() for form in _forms(translated.string)):
            problems.append(f"empty: {message.id!r} ({_where(message)})")
    assert not problems, (
        "The Dutch catalog is not complete. Run `make extract-messages`, translate these in "
        f"{NL_PO.relative_to(ROOT)} and run `make translations`:\n  " + "\n  ".join(problems)
    )


def test_every_translation_keeps_the_placeholders_of_its_source(nl_catalog):
    problems = []
    for message in nl_catalog:
        if not message.id:
            continue
        sources = _forms(message.id)
        for index, translation in enumerate(_forms(message.string)):
            if not translation:
                continue
            source = sources[min(index, len(sources) - 1)]
            expected, found = Counter(PLACEHOLDER.findall(source)), Counter(PLACEHOLDER.findall(translation))
            if expected != found:
                problems.append(f"{source!r}: expects {sorted(expected.elements())}, "
                                f"translation has {sorted(found.elements())}")
    assert not problems, "Placeholders differ from the source:\n  " + "\n  ".join(problems)


@pytest.fixture(scope="module")
def occurrences() -> list[tuple[str, int, object]]:
    """Every gettext call in the source as written, before extraction merges the calls of the same msgid:
    (file, line, message), the message a tuple (singular, plural) for ngettext and {% pluralize %}."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    return [(path, line, message) for path, line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords, strip_comment_tags=True)]


def test_a_singular_text_has_one_plural_and_is_not_also_a_plain_text(occurrences):
    """The catalog keeps one entry per msgid: a singular used with two plurals, or both as a plural message and
    as a plain one, gets one translation for all of them (Dutch said "5 regels zijn goed" for "All 5 rows are
    good")."""
    uses: dict[str, dict] = {}
    for path, line, message in occurrences:
        singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        uses.setdefault(singular, {}).setdefault(plural, []).append(f"{path}:{line}")
    problems = [f"{singular!r} as {', '.join(repr(p) if p else 'a plain text' for p in by_plural)}: "
                + "; ".join(where for places in by_plural.values() for where in places)
                for singular, by_plural in uses.items() if len(by_plural) > 1]
    assert not problems, "One msgid, several messages (give each its own singular text):\n  " + "\n  ".join(problems)


def test_a_plural_message_counts_one_thing(occurrences):
    """A plural form follows one number, ``%(num)s``; a second number in the same message ("%(num)s of the
    %(total)s lines", "erased after %(days)s days") is left in the wrong form whenever the two differ. Each
    count gets a message of its own."""
    problems = []
    for path, line, message in occurrences:
        if not isinstance(message, tuple):
            continue
        others = {p for text in message if text for p in PLACEHOLDER.findall(text)} - {"%(num)s", "%(num)d", "%%"}
        if others:
            problems.append(f"{path}:{line} {message[0]!r} also holds {sorted(others)}")
    assert not problems, "Plural messages with a second value:\n  " + "\n  ".join(problems)


def test_every_dutch_plural_has_all_its_forms(nl_catalog):
    """Dutch has two plural forms: each plural message has both, filled, each with the count where the source
    shows it."""
    assert nl_catalog.num_plurals == 2
    problems = []
    for message in nl_catalog:
        if not message.id or not message.pluralizable:
            continue
        forms = _forms(message.string)
        if len(forms) != nl_catalog.num_plurals or not all(form.strip() for form in forms):
            problems.append(f"{message.id[0]!r}: {forms!r}")
        elif "%(num)s" in message.id[1] and "%(num)s" not in forms[1]:
            problems.append(f"{message.id[0]!r}: the plural form lacks the count")
    assert not problems, "Incomplete Dutch plurals:\n  " + "\n  ".join(problems)


def test_one_name_for_the_feedback_hour(nl_catalog):
    """The feedback hour is called that everywhere: "feedback hour" in English, "feedbackspreekuur" in Dutch,
    never "session" on one page and "feedback hour" on the next (the menu said "Sessions"/"Spreekuren")."""
    problems = []
    for message in nl_catalog:
        if not message.id:
            continue
        english = " ".join(_forms(message.id))
        dutch = " ".join(_forms(message.string))
        if re.search(r"\bsessions?\b", english, flags=re.I):
            problems.append(f"English {english!r}")
        if re.search(r"(?<![a-z])spreek(uur|uren)\b", dutch, flags=re.I):
            problems.append(f"Dutch {dutch!r}")
    assert not problems, "Another name for the feedback hour:\n  " + "\n  ".join(problems)


@pytest.fixture
def compiled_nl(nl_catalog):
    """The pages below read the compiled catalog: it must exist and match messages.po."""
    if not NL_MO.exists():
        pytest.fail(f"{NL_MO.relative_to(ROOT)} is missing: run `make translations`")
    with NL_MO.open("rb") as f:
        compiled = {_forms(m.id): _forms(m.string) for m in read_mo(f) if m.id}
    wanted = {_forms(m.id): _forms(m.string) for m in nl_catalog if m.id and m.string and not m.fuzzy}
    stale = sorted(msgid[0] for msgid in wanted if compiled.get(msgid) != wanted[msgid])
    if stale:
        pytest.fail(f"{NL_MO.relative_to(ROOT)} is older than messages.po (e.g. {stale[0]!r}): "
                    "run `make translations`")


# --- what a visitor sees ---------------------------------------------------------------------------

def _text(response) -> str:
    """The visible text of a page: tags removed, entities decoded, whitespace collapsed."""
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _lang(response) -> str:
    match = re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True))
    assert match, "the page has no <html lang>"
    return match.group(1)


def _switch(client, code: str, next_path: str = "/"):
    response = client.post(f"/language/{code}", data={"next": next_path})
    assert response.status_code == 302
    assert urlsplit(response.location).path == next_path
    return response


def _assert_home_in_dutch(response):
    assert response.status_code == 200
    assert _lang(response) == "nl"
    text = _text(response)
    assert "Feedbackspreekuur voor sollicitanten" in text
    assert "Bij ons gesolliciteerd en niet aangenomen?" in text
    assert "Link kwijt?" in text
    assert "Lost your link?" not in text


def _assert_home_in_english(response):
    assert response.status_code == 200
    assert _lang(response) == "en"
    text = _text(response)
    assert "Feedback hour for applicants" in text
    assert "Lost your link?" in text
    assert "Link kwijt?" not in text


def test_home_page_is_dutch_by_default(client, compiled_nl):
    response = client.get("/")

    _assert_home_in_dutch(response)
    assert "Je e-mailadres" in _text(response)  # a form label: lazy strings are translated too


def test_language_switch_to_english_sticks_until_switched_back(
    client, compiled_nl, make_session, make_candidate
):
    make_session()
    _, token = make_candidate(name="Sanne de Vries", language="nl")

    _switch(client, "en")

    _assert_home_in_english(client.get("/"))
    _assert_home_in_english(client.get("/"))
    # The visitor's explicit choice also wins over a Dutch candidate's own language.
    personal = client.get(f"/b/{token}")
    assert _lang(personal) == "en"
    assert "Hello Sanne," in _text(personal)
    assert "Page not found" in _text(client.get("/no-such-page"))

    _switch(client, "nl")

    _assert_home_in_dutch(client.get("/"))
    _assert_home_in_dutch(client.get("/"))


def test_unknown_language_leaves_the_page_dutch(client, compiled_nl):
    _switch(client, "de")

    _assert_home_in_dutch(client.get("/"))


@pytest.mark.parametrize(
    "language, expected, foreign",
    [
        ("en", ["Hello Sanne,", "Thank you for applying for Verpleegkundige.",
                "What I could do better", "Book this conversation"], "Hallo Sanne,"),
        ("nl", ["Hallo Sanne,", "Bedankt voor je sollicitatie op de vacature Verpleegkundige.",
                "Wat ik beter kan doen", "Plan dit gesprek in"], "Hello Sanne,"),
    ],
)
def test_candidate_page_is_in_the_candidates_own_language(
    client, compiled_nl, make_session, make_candidate, language, expected, foreign
):
    make_session()
    _, token = make_candidate(name="Sanne de Vries", language=language)

    response = client.get(f"/b/{token}")

    assert response.status_code == 200
    assert _lang(response) == language
    text = _text(response)
    for phrase in expected:
        assert phrase in text
    assert foreign not in text


# --- what a candidate receives ---------------------------------------------------------------------

def _book_first_slot(client, make_session, make_candidate, language: str):
    session = make_session()
    slot = session.slots[0]
    candidate, token = make_candidate(name="Sanne de Vries", vacancy="Verpleegkundige IC", language=language)
    response = client.post(f"/b/{token}/book", data={"slot": str(slot.id), "topics": "improve"})
    assert response.status_code == 302
    assert urlsplit(response.location).path == f"/b/{token}/confirmed"
    return candidate, slot


@pytest.mark.parametrize(
    "language, subject, sentences, summary",
    [
        ("nl", "Je feedbackgesprek is ingepland",
         ["Hallo Sanne,", "Je feedbackgesprek over de vacature Verpleegkundige IC is ingepland.",
          "Met vriendelijke groet,"],
         "Feedbackgesprek – Ziekenhuis Demo"),
        ("en", "Your feedback conversation is booked",
         ["Hello Sanne,", "Your feedback conversation about Verpleegkundige IC is booked.", "Kind regards,"],
         "Feedback conversation – Ziekenhuis Demo"),
    ],
)
def test_booking_confirmation_mail_is_in_the_candidates_language(
    client, compiled_nl, make_session, make_candidate, language, subject, sentences, summary
):
    _, slot = _book_first_slot(client, make_session, make_candidate, language)

    [message] = outbox("booking_confirmed")
    assert message.subject == subject
    pattern = "full" if language == "nl" else "EEEE d MMMM y"  # English in the British form
    day = format_date(local(slot.starts_at).date(), format=pattern, locale=language)
    for body in (message.body_text, html.unescape(message.body_html)):
        for sentence in sentences:
            assert sentence in body
        assert day in body
    assert f'<html lang="{language}">' in message.body_html
    assert f"SUMMARY:{summary}" in message.ics.decode()


def test_what_a_translated_sentence_is_given_is_escaped_on_pages_and_in_html_mail_not_in_plain_text(
    client, compiled_nl, make_session, make_candidate
):
    session = make_session()
    _, token = make_candidate(name="<Sanne> & Co", vacancy="R&D <IT>", language="en")

    page = client.get(f"/b/{token}").get_data(as_text=True)
    assert "Hello &lt;Sanne&gt;," in page and "applying for R&amp;D &lt;IT&gt;." in page
    assert "<Sanne>" not in page and "<IT>" not in page

    assert client.post(f"/b/{token}/book", data={"slot": session.slots[0].id, "topics": ["improve"]}).status_code == 302
    [message] = outbox("booking_confirmed")
    assert "Hello <Sanne>," in message.body_text
    assert "Hello &lt;Sanne&gt;," in message.body_html and "<Sanne>" not in message.body_html


def test_mail_follows_the_language_the_candidate_chose_on_the_site(
    client, compiled_nl, make_session, make_candidate
):
    _switch(client, "en")

    candidate, _ = _book_first_slot(client, make_session, make_candidate, "nl")

    [message] = outbox("booking_confirmed")
    assert message.subject == "Your feedback conversation is booked"
    assert "Hello Sanne," in message.body_text
    assert candidate.language == "en"


@pytest.mark.parametrize(
    "page_language, candidate_language, subject, greeting",
    [
        ("nl", "en", "Your feedback conversation is booked", "Hello Sanne,"),
        ("en", "nl", "Je feedbackgesprek is ingepland", "Hallo Sanne,"),
    ],
)
def test_mail_is_in_the_candidates_language_whatever_the_page_that_caused_it(
    app, compiled_nl, make_session, make_candidate, page_language, candidate_language, subject, greeting
):
    """Mail may be queued while someone else's page is rendered, e.g. a recruiter's Dutch screen."""
    session = make_session()
    candidate, token = make_candidate(name="Sanne de Vries", language=candidate_language)

    with app.test_request_context("/"):
        flask_session["lang"] = page_language
        refresh()
        assert current_language() == page_language
        book_slot(candidate, session.slots[0].id, ["improve"], "", token=token)

    [message] = outbox("booking_confirmed")
    assert message.subject == subject
    assert greeting in message.body_text
    assert greeting in message.body_html


def test_templates_follow_every_change_of_language_within_one_request(app, compiled_nl):
    """The catalog is kept per request (app/i18n.py): an e-mail rendered in the candidate's language in the
    middle of a page, and a language switch, must each get their own strings and day names."""
    from datetime import date

    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Skip to content') }} · {{ day|format_day }}"
    day = date(2026, 12, 8)
    with app.test_request_context("/"):
        assert render_template_string(page, day=day) == "Naar de inhoud · dinsdag 8 december 2026"
        with force_locale("en"):
            assert render_template_string(page, day=day) == "Skip to content · Tuesday 8 December 2026"
        assert render_template_string(page, day=day) == "Naar de inhoud · dinsdag 8 december 2026"
        flask_session["lang"] = "en"
        refresh()
        assert render_template_string(page, day=day) == "Skip to content · Tuesday 8 December 2026"


def test_every_way_a_template_translates_follows_force_locale(app):
    """One mechanism: a page's ``_``, ``gettext``, ``ngettext`` and ``{% trans %}`` all follow the language of
    the moment, so that an e-mail rendered in the candidate's language in the middle of a Dutch page is
    English through and through."""
    from flask import render_template_string
    from flask_babel import force_locale

    source = ('{{ _("Booked") }}|{{ gettext("Booked") }}|{% trans %}Booked{% endtrans %}|'
              '{{ ngettext("%(num)s link no longer works.", "%(num)s links no longer work.", 2) }}')
    with app.test_request_context("/"):
        dutch = render_template_string(source)
        with force_locale("en"):
            english = render_template_string(source)
        again = render_template_string(source)
    assert english == "Booked|Booked|Booked|2 links no longer work."
    assert dutch == again and dutch.startswith("Ingepland|Ingepland|Ingepland|")
