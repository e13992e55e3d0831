"""The feedback checker: it reads words (lemmas, hedges in between, negation), each category in Dutch and
English, the shipped rule files, and the rules admins add (word patterns, and the old regular expressions)."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app import checker
from app.checker import CATEGORIES, check, check_languages
from app.checker.rules import RULES_DIR, RuleFileError, _base, file_rules, languages, list_entries
from app.extensions import db
from app.models import FeedbackRule

# Per category, sentences a recruiter might type, in forms the old phrase list missed (an extra word,
# another inflection, another word order, everyday words for a protected ground).
FLAGGED = {
    "nl": [
        ("Je paste gewoon niet in het team.", "vague"),
        ("In het team paste je eigenlijk niet.", "vague"),
        ("Je bent nog niet senior genoeg.", "vague"),
        ("We waren niet helemaal overtuigd.", "vague"),
        ("De klik ontbrak.", "personality"),
        ("Je bent te bescheiden.", "personality"),
        ("Je kwam in het gesprek wat afwachtend over.", "personality"),
        ("Omdat je erg onzeker was, kon je je ervaring niet laten zien.", "personality"),
        ("Anderen hadden meer ervaring.", "comparison"),
        ("We kozen voor iemand die al op de IC werkt.", "comparison"),
        ("Je bent al wat ouder.", "protected"),
        ("We zochten iemand die jonger is.", "protected"),
        ("Je spreekt Nederlands met een accent.", "protected"),
        ("Met twee jonge kinderen wordt het rooster lastig.", "protected"),
        ("Je leeftijd speelde geen rol.", "protected"),
        ("We laten het je weten zodra er een plek vrijkomt.", "false_promise"),
        ("Bij een volgende vacature ben je zeker in beeld.", "false_promise"),
    ],
    "en": [
        ("You weren't a culture fit.", "vague"),
        ("She just doesn't fit the team.", "vague"),
        ("You are not senior enough yet.", "vague"),
        ("We decided to go in a different direction.", "vague"),
        ("You were too laid-back.", "personality"),
        ("You seemed a little nervous.", "personality"),
        ("There was no chemistry.", "personality"),
        ("The others simply interviewed better.", "comparison"),
        ("We went with someone who had more experience.", "comparison"),
        ("We were looking for someone younger.", "protected"),
        ("Your age was not a factor in our decision.", "protected"),
        ("You speak Dutch with an accent.", "protected"),
        ("With your young children the night shifts will be hard.", "protected"),
        ("Are you planning to start a family?", "protected"),
        ("We'll call you when something comes up.", "false_promise"),
        ("You'll certainly get it next time.", "false_promise"),
    ],
}

# Good feedback, including sentences that share words with the rules.
CLEAN = {
    "nl": [
        "Voor deze rol vragen we ervaring met roosterplanning.",
        "Het team plant zelf de diensten in; daar had je nog geen ervaring mee.",
        "Je hebt veel ervaring met de zorg voor zwangere vrouwen en jonge kinderen.",
        "Je hebt ervaring in de zorg voor mensen met een verstandelijke beperking.",
        "Ik geloof dat je met een cursus Excel sterk staat.",
        "Het is nog onzeker of de vacature opnieuw opengaat.",
        "Het team paste het rooster niet aan.",
        "We kunnen niets beloven over nieuwe vacatures.",
        "Je oude collega's waren positief over je inzet.",
        "Je hoort binnen twee weken van ons over de uitkomst.",
    ],
    "en": [
        "For this role we ask for experience with rostering.",
        "The age of the data made your report harder to use.",
        "Christian, your examples about triage were concrete.",
        "You worked with older patients on a geriatric ward.",
        "Experience with patients of all ages is useful in this role.",
        "The system we replaced used an insecure protocol.",
        "We cannot promise anything about new vacancies.",
        "You came prepared with two examples from your internship.",
        "You hesitated on the questions about leadership experience.",
        "This role requires a completed bachelor's degree in nursing.",
    ],
}


@pytest.mark.parametrize(("language", "sentence", "category"),
                         [(lang, s, c) for lang, rows in FLAGGED.items() for s, c in rows])
def test_each_category_is_found_in_both_languages(app, language, sentence, category):
    found = check(sentence, language)
    assert category in {c for w in found for c in w.categories}, (sentence, found)
    with app.test_request_context():
        for warning in found:
            assert warning.phrase and warning.phrase in sentence
            assert warning.suggestion.strip() and warning.rule_text


@pytest.mark.parametrize(("language", "sentence"), [(lang, s) for lang, rows in CLEAN.items() for s in rows])
def test_good_feedback_is_not_flagged_in_any_language(app, language, sentence):
    assert check_languages(sentence, [language, "en" if language == "nl" else "nl"]) == []


def test_every_category_has_sentences_in_both_languages():
    for language, rows in FLAGGED.items():
        assert {c for _s, c in rows} == set(CATEGORIES), language


def test_words_are_matched_by_lemma_with_hedges_in_between(app):
    for sentence in ("Je past niet in het team.", "Je paste niet in het team.", "Jullie pasten niet in het team.",
                     "Je paste gewoon echt niet in ons team."):
        assert [w.category for w in check(sentence, "nl")] == ["vague"], sentence
    for sentence in ("You were not a culture fit.", "You weren't a culture fit.", "You are not a culture fit."):
        assert [w.category for w in check(sentence, "en")] == ["vague"], sentence


def test_negation_does_not_hide_a_protected_ground_but_cancels_a_promise(app):
    [ground] = check("Your age was not a factor in our decision.", "en")
    assert ground.category == "protected" and ground.phrase == "Your age"
    assert "Algemene wet gelijke behandeling" in ground.suggestion
    assert check("I promise we will call you.", "en")[0].category == "false_promise"
    assert check("I cannot promise anything.", "en") == []
    assert check("Je past niet in het team.", "nl") and check("Je past goed in het team.", "nl") == []


def test_a_warning_names_the_phrase_the_rule_and_a_suggestion_in_the_readers_language(app):
    [warning] = check("Eerlijk gezegd: je was erg onzeker.", "nl", reader="en")
    assert warning.phrase == "je was erg onzeker"
    assert warning.category == "personality"
    assert "“onzeker” judges who someone is" in warning.suggestion
    [dutch] = check("Eerlijk gezegd: je was erg onzeker.", "nl", reader="nl")
    assert "is een oordeel over wie iemand is" in dutch.suggestion
    with app.test_request_context(), force_locale("en"):
        data = warning.as_json()
        assert data["category_label"] == "Personality instead of behaviour"
        assert data["rule"] == "Describe behaviour, not personality."
        [ground] = check("Je leeftijd speelde geen rol.", "nl")
        assert ground.category_label == "Protected ground: age"
        assert "Algemene wet gelijke behandeling" in ground.suggestion


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
def test_shipped_rule_files_are_valid_and_cover_every_category(language):
    ruleset = _base(language)  # a mistake in a file raises RuleFileError here
    assert {r.category for r in ruleset.rules} == set(CATEGORIES)
    for rule in ruleset.rules:
        assert {"nl", "en"} <= set(rule.suggestions), rule.origin
    assert list_entries(language)["filler"]
    assert languages() == ["en", "nl"]


def test_a_mistake_in_a_rule_file_is_refused_with_where_it_is(tmp_path, monkeypatch):
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "_words.toml").write_text('[lists]\nfiller = ["just"]\n', encoding="utf-8")
    (tmp_path / "xx" / "vague.toml").write_text(
        'category = "vague"\n[[rule]]\npattern = "not @nolist"\nsuggestion.en = "x"\n', encoding="utf-8")
    monkeypatch.setattr("app.checker.rules.RULES_DIR", tmp_path)
    from app.checker import rules

    rules._file_data.cache_clear()
    try:
        with pytest.raises(RuleFileError, match="xx/vague.toml rule 1"):
            rules._base("xx")
    finally:
        rules._file_data.cache_clear()
    assert RULES_DIR.name == "rules"


def test_checking_does_not_depend_on_a_database(app):
    assert file_rules("nl").rules and check("Je was niet technisch genoeg.", "nl", admin=[])


# --- rules an admin adds ------------------------------------------------------------------------------

def _add_rule(client, **values):
    data = {"language": "nl", "category": "personality", "pattern": "star|onbuigzaam @copula? ...2 houding",
            "syntax": "words", "suggestion": "Noem de situatie waarin het werk om flexibiliteit vroeg."}
    data.update(values)
    return client.post("/recruiter/feedback-rules", data=data)


def test_an_admin_added_word_rule_finds_every_form_and_can_be_removed(app, client, sign_in):
    sentence = "Je had een erg onbuigzame houding bij de planning."
    assert check(sentence, "nl") == []
    sign_in("admin")

    response = _add_rule(client)
    assert response.status_code == 302
    [warning] = check(sentence, "nl")
    assert (warning.category, warning.phrase) == ("personality", "onbuigzame houding")
    assert warning.suggestion == "Noem de situatie waarin het werk om flexibiliteit vroeg."
    assert check("Your onbuigzame houding.", "en") == []  # only for its own language
    assert "star|onbuigzaam" in client.get("/recruiter/feedback-rules").get_data(as_text=True)

    rule = db.session.scalar(sa.select(FeedbackRule))
    assert rule.syntax == "words"
    assert client.post(f"/recruiter/feedback-rules/{rule.id}/delete").status_code == 302
    assert check(sentence, "nl") == []


def test_an_old_regular_expression_rule_still_works_as_before(app):
    db.session.add(FeedbackRule(language="en", category="vague", pattern=r"meh+", suggestion="Be specific.",
                                syntax="regex"))
    db.session.commit()
    [warning] = check("That was mehhh, honestly.", "en")
    assert (warning.phrase, warning.suggestion) == ("mehhh", "Be specific.")


@pytest.mark.parametrize(("syntax", "pattern", "reason"), [
    ("words", "niet @geenlijst", "There is no word list"),
    ("words", "... niet", "stands between two words"),
    ("words", "(zeer)?", "is not a word the checker can read"),
    ("regex", "(niet flexibel", "This is not a valid pattern"),
    ("regex", "(zeer)?", "matches empty text"),
    ("regex", "(\\w+ ?)+ genoeg", "repeats a part that itself repeats"),
])
def test_an_invalid_pattern_is_refused_with_a_clear_message(app, client, sign_in, syntax, pattern, reason):
    sign_in("admin")
    response = _add_rule(client, syntax=syntax, pattern=pattern, suggestion="Mijn suggestie blijft staan.")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page.replace("&#34;", '"').replace("&#39;", "'")
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
    assert "@pron_subj @copula @karakter" in text and "Be specific." in text
    assert "Add a rule" not in text
    assert _add_rule(client).status_code == 403
    assert client.post(f"/recruiter/feedback-rules/{rule_id}/delete").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRule.id))) == 1


def test_plain_old_rules_become_word_rules_when_migrated():
    assert checker.is_plain_phrase("niet flexibel genoeg")
    assert not checker.is_plain_phrase("(te|erg) dominant")
