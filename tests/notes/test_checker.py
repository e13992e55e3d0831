"""The feedback checker: Dutch and English sentences that must and must not be flagged, the shipped
rule files, and rules an admin adds."""

import json

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.extensions import db
from app.models import FeedbackRule
from app.notes import checker
from app.notes.checker import CATEGORIES, check, check_languages

DUTCH_FLAGGED = [
    ("Je was niet technisch genoeg voor deze functie.", "vague"),
    ("Helaas past hij niet in het team.", "vague"),
    ("Andere kandidaten sloten beter aan bij het profiel.", "vague"),
    ("Er was gewoon geen klik.", "vague"),
    ("Het ontbrak aan het gewisse iets.", "vague"),
    ("De kandidaat die we hebben aangenomen had meer ervaring.", "comparison"),
    ("Vergeleken met de andere kandidaat had je minder ervaring.", "comparison"),
    ("Je kwam onzeker over.", "personality"),
    ("Je kwam wat afwachtend over in het gesprek.", "personality"),
    ("Je was erg arrogant tegen de teamleider.", "personality"),
    ("Hij leek wat verlegen.", "personality"),
    ("Je bent eigenlijk te oud voor dit team.", "protected"),
    ("Gezien je leeftijd past een juniorrol niet.", "protected"),
    ("Omdat je zwanger bent, is het rooster lastig.", "protected"),
    ("Je hoofddoek viel op bij de patiënten.", "protected"),
    ("Met je handicap worden de nachtdiensten zwaar.", "protected"),
    ("Ben je getrouwd?", "protected"),
    ("Je kinderen zijn nog klein, dus parttime past beter.", "protected"),
    ("Je afkomst speelde geen rol.", "protected"),
    ("We bellen je zodra er iets past.", "false_promise"),
    ("Volgende keer lukt het zeker!", "false_promise"),
    ("Ik beloof je dat er snel iets komt.", "false_promise"),
]

DUTCH_CLEAN = [
    "Je presentatie over het verbeterproject was helder en goed opgebouwd.",
    "Voor deze functie is minimaal drie jaar ervaring met projectleiding nodig; "
    "jouw ervaring ligt vooral in de uitvoering.",
    "Je aarzelde bij de vragen over leidinggeven, waardoor we die ervaring moeilijk konden beoordelen.",
    "Ik geloof dat je met een cursus Excel sterk staat.",
    "Het is nog onzeker of de vacature opnieuw opengaat.",
    "Je hebt veel ervaring met de zorg voor zwangere vrouwen en jonge kinderen.",
    "Je kwam goed voorbereid naar het gesprek.",
    "Je vertelde over je ervaring op de afdeling oncologie.",
    "Het team werkt in drie diensten; ervaring met nachtdiensten is een eis.",
    "Je bent technisch sterk; je miste vooral ervaring met leidinggeven.",
    "De oude afdeling is verhuisd naar het nieuwe gebouw.",
    "We nemen contact met je op over de datum van het gesprek.",
    "Luister goed naar de vraag en geef dan een voorbeeld uit je laatste baan.",
    "Je cv laat goed zien welke resultaten je hebt behaald.",
]

ENGLISH_FLAGGED = [
    ("You were not technical enough for this role.", "vague"),
    ("He doesn't fit the profile.", "vague"),
    ("She doesn\u2019t fit the team.", "vague"),
    ("She was not a culture fit.", "vague"),
    ("Other candidates matched the profile better.", "vague"),
    ("Compared to the other candidate, you had less experience.", "comparison"),
    ("The person we hired had more experience.", "comparison"),
    ("You came across as insecure.", "personality"),
    ("He seemed a bit lazy.", "personality"),
    ("Your attitude was the problem.", "personality"),
    ("You are too old for this team.", "protected"),
    ("She is pregnant, which makes the planning hard.", "protected"),
    ("Your headscarf might be an issue on the ward.", "protected"),
    ("Are you married?", "protected"),
    ("With your disability the night shifts are hard.", "protected"),
    ("Where are you from originally?", "protected"),
    ("We'll call you when something comes up.", "false_promise"),
    ("Next time for sure!", "false_promise"),
    ("I promise we will find something for you.", "false_promise"),
]

ENGLISH_CLEAN = [
    "Your presentation of the improvement project was clear and well structured.",
    "This role requires three years of project management; your experience is mostly in delivery.",
    "You hesitated on the questions about leadership experience, which made it hard to judge that experience.",
    "The team works in three shifts, so experience with night shifts is a requirement.",
    "You have a strong background in finance.",
    "The system we replaced used an insecure protocol.",
    "You were well prepared and asked good questions.",
    "We will contact you about the date of the conversation.",
    "Your CV shows clearly what you achieved in your last job.",
    "Experience with patients of all ages is useful in this role.",
    "You worked with older patients on a geriatric ward.",
    "You came prepared with two examples from your internship.",
    "The age of the data made your report harder to use.",
    "Christian, your examples about triage were concrete.",
]


@pytest.mark.parametrize(("sentence", "category"), DUTCH_FLAGGED)
def test_dutch_sentences_that_must_be_flagged(app, sentence, category):
    found = check(sentence, "nl")
    assert category in {w.category for w in found}, (sentence, found)
    for warning in found:
        assert warning.phrase and warning.phrase in sentence
        assert warning.suggestion.strip()


@pytest.mark.parametrize("sentence", DUTCH_CLEAN)
def test_dutch_sentences_that_must_not_be_flagged(app, sentence):
    assert check(sentence, "nl") == []


@pytest.mark.parametrize(("sentence", "category"), ENGLISH_FLAGGED)
def test_english_sentences_that_must_be_flagged(app, sentence, category):
    found = check(sentence, "en")
    assert category in {w.category for w in found}, (sentence, found)
    for warning in found:
        assert warning.phrase and warning.phrase in sentence
        assert warning.suggestion.strip()


@pytest.mark.parametrize("sentence", ENGLISH_CLEAN)
def test_english_sentences_that_must_not_be_flagged(app, sentence):
    assert check(sentence, "en") == []


def test_clean_sentences_are_clean_in_every_language(app):
    """The pages check every language (notes are not always in the candidate's): no cross-language noise."""
    for sentence in DUTCH_CLEAN + ENGLISH_CLEAN:
        assert check_languages(sentence, ["nl", "en"]) == [], sentence


def test_a_warning_names_the_phrase_as_typed_and_suggests_in_the_rules_language(app):
    [warning] = check("Eerlijk gezegd: NIET TECHNISCH GENOEG.", "nl")
    assert warning.phrase == "NIET TECHNISCH GENOEG"
    assert warning.category == "vague"
    with app.test_request_context(), force_locale("en"):
        assert warning.as_json()["category_label"] == "Vague phrase"
    assert "concrete" in warning.suggestion  # the Dutch suggestion from nl.json
    [english] = check("Honestly: not technical enough.", "en")
    assert english.suggestion.startswith("Name the concrete area")


def test_phrases_split_over_lines_and_repeated_are_found_once(app):
    text = "Hij past niet\nin het team. Nogmaals: past niet in het team."
    found = check(text, "nl")
    assert [w.phrase for w in found] == ["past niet\nin het team"]


def test_a_dutch_note_for_an_english_candidate_is_still_checked(app):
    found = check_languages("Je kwam onzeker over.", ["en", "nl"])
    assert [w.category for w in found] == ["personality"]


def test_empty_text_gives_no_warnings(app):
    assert check("", "nl") == [] and check("   \n", "en") == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_shipped_rule_files_are_readable_and_valid(language):
    data = json.loads((checker.RULES_DIR / f"{language}.json").read_text(encoding="utf-8"))
    assert data["language"] == language and data["rules"]
    categories = set()
    for rule in data["rules"]:
        assert set(rule) == {"category", "pattern", "suggestion"}
        assert rule["category"] in CATEGORIES
        assert rule["suggestion"].strip()
        compiled = checker.compile_pattern(rule["pattern"])
        assert not compiled.search("") and not compiled.search("   ")
        categories.add(rule["category"])
    assert categories == set(CATEGORIES), "every kind of warning has rules in every language"


# --- rules an admin adds ------------------------------------------------------------------------------

def _add_rule(client, **values):
    data = {"language": "nl", "category": "personality", "pattern": "niet flexibel genoeg",
            "suggestion": "Noem de situatie waarin het werk om flexibiliteit vroeg."}
    data.update(values)
    return client.post("/recruiter/feedback-rules", data=data)


def test_an_admin_added_rule_takes_effect_and_can_be_removed(app, client, sign_in):
    sentence = "Je bent niet flexibel genoeg voor de planning."
    assert check(sentence, "nl") == []
    sign_in("admin")

    response = _add_rule(client)
    assert response.status_code == 302
    [warning] = check(sentence, "nl")
    assert (warning.category, warning.phrase) == ("personality", "niet flexibel genoeg")
    assert warning.suggestion == "Noem de situatie waarin het werk om flexibiliteit vroeg."
    assert check("You are niet flexibel genoeg.", "en") == []  # only for its own language
    page = client.get("/recruiter/feedback-rules").get_data(as_text=True)
    assert "niet flexibel genoeg" in page

    rule = db.session.scalar(sa.select(FeedbackRule))
    assert client.post(f"/recruiter/feedback-rules/{rule.id}/delete").status_code == 302
    assert check(sentence, "nl") == []


@pytest.mark.parametrize(("pattern", "reason"), [
    ("(niet flexibel", "This is not a valid pattern"),
    ("[a-", "This is not a valid pattern"),
    ("(zeer)?", "matches empty text"),
    ("(\\w+ ?)+ genoeg", "repeats a part that itself repeats"),
])
def test_an_invalid_pattern_is_refused_with_a_clear_message(app, client, sign_in, pattern, reason):
    sign_in("admin")
    response = _add_rule(client, pattern=pattern, suggestion="Mijn suggestie blijft staan.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page
    assert "Mijn suggestie blijft staan." in page  # what the admin typed is kept
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRule.id))) == 0


def test_recruiters_read_the_rules_but_only_admins_change_them(app, client, sign_in):
    db.session.add(FeedbackRule(language="en", category="vague", pattern="meh", suggestion="Be specific."))
    db.session.commit()
    rule_id = db.session.scalar(sa.select(FeedbackRule.id))
    sign_in("recruiter")
    page = client.get("/recruiter/feedback-rules")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Rules shipped for Dutch" in text or "Rules shipped for Nederlands" in text
    assert "niet (technisch|" in text and "not (technical|" in text and "Be specific." in text
    assert "Add a rule" not in text
    assert _add_rule(client).status_code == 403
    assert client.post(f"/recruiter/feedback-rules/{rule_id}/delete").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRule.id))) == 1
