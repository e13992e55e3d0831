"""The demo's advice library: a small, useful set of snippets for the written summary, in Dutch and English."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import AdviceField, AdviceSnippet, Topic


@dataclass(frozen=True)
class DemoSnippet:
    field: AdviceField
    topic: Topic
    texts: dict  # language -> (title, body)


DEMO_SNIPPETS = [
    DemoSnippet(AdviceField.ANY, Topic.IMPROVE, {
        "nl": ("STARR-methode voor je antwoorden",
               "Bereid je antwoorden voor met de STARR-methode: de Situatie, je Taak, de Actie die jij nam, het "
               "Resultaat en wat je ervan leerde (Reflectie). Kies vooraf drie voorbeelden uit je werk en oefen ze "
               "hardop; zo laat je in het gesprek zien wat je deed in plaats van wat je zou doen."),
        "en": ("STARR method for your answers",
               "Prepare your answers with the STARR method: the Situation, your Task, the Action you took, the "
               "Result and what you learned (Reflection). Pick three examples from your work beforehand and "
               "practise them out loud; in the interview you then show what you did rather than what you would do."),
    }),
    DemoSnippet(AdviceField.ANY, Topic.CV_PROFILE, {
        "nl": ("Cv: begin met meetbare resultaten",
               "Begin elke functie op je cv met wat je bereikte, liefst in cijfers: \"wachttijd teruggebracht van "
               "zes naar drie weken\" zegt meer dan \"verantwoordelijk voor de planning\". Zet je sterkste resultaat "
               "bovenaan; een lezer beslist in de eerste regels of hij verder leest."),
        "en": ("CV: lead with measurable results",
               "Start every role on your CV with what you achieved, in numbers where you can: \"cut the waiting "
               "time from six to three weeks\" says more than \"responsible for planning\". Put your strongest "
               "result at the top; a reader decides in the first lines whether to read on."),
    }),
    DemoSnippet(AdviceField.ANY, Topic.CV_PROFILE, {
        "nl": ("Online profiel: zet je huidige functie erin",
               "Zet je huidige functie en werkgever in de kop van je online profiel (bijvoorbeeld LinkedIn), met de "
               "twee of drie dingen waar je goed in bent. Recruiters zoeken op functietitels; een profiel zonder "
               "actuele functie komt in hun zoekresultaten niet boven."),
        "en": ("Online profile: list your current role",
               "Put your current role and employer in the headline of your online profile (LinkedIn, for "
               "example), with the two or three things you are good at. Recruiters search by job title; a profile "
               "without a current role does not come up in their results."),
    }),
    DemoSnippet(AdviceField.IT, Topic.CV_PROFILE, {
        "nl": ("IT: laat zien wat je bouwde",
               "Noem bij elk project welke technieken je gebruikte en wat jouw deel was, en verwijs naar iets wat "
               "we kunnen bekijken: een repository, een demo of een korte beschrijving van de architectuur. Zet "
               "certificaten met jaartal erbij; zo is je niveau zonder gesprek al te zien."),
        "en": ("IT: show what you built",
               "For each project, name the technologies you used and what your part was, and point to something we "
               "can look at: a repository, a demo or a short description of the architecture. Add certificates with "
               "the year; then your level shows before any interview."),
    }),
    DemoSnippet(AdviceField.SALES, Topic.IMPROVE, {
        "nl": ("Sales: maak je resultaten concreet",
               "Neem in het gesprek één klantcase mee: het doel, hoe je de klant vond en overtuigde, en de omzet of "
               "marge die het opleverde. Noem je targets en hoe vaak je ze haalde; cijfers over je eigen pijplijn "
               "maken je verhaal toetsbaar."),
        "en": ("Sales: make your results concrete",
               "Bring one customer case to the interview: the goal, how you found and convinced the customer, and "
               "the revenue or margin it brought. Name your targets and how often you met them; figures about your "
               "own pipeline make your story checkable."),
    }),
    DemoSnippet(AdviceField.CARE, Topic.CV_PROFILE, {
        "nl": ("Zorg: noem je registraties en bekwaamheden",
               "Zet je BIG-registratie, je specialisatie en de voorbehouden handelingen waarvoor je bekwaam bent "
               "bovenaan je cv, met de afdelingen waar je werkte en hoe lang. Zo ziet de lezer direct of je aan de "
               "eisen van de functie voldoet."),
        "en": ("Care: list your registrations and competences",
               "Put your professional registration, your specialisation and the clinical procedures you are "
               "qualified for at the top of your CV, with the wards you worked on and for how long. The reader then "
               "sees at once whether you meet the requirements of the role."),
    }),
    DemoSnippet(AdviceField.CARE, Topic.IMPROVE, {
        "nl": ("Zorg: vertel over een concrete patiëntsituatie",
               "Bereid een patiëntsituatie voor waarin jij het verschil maakte: wat je zag, wat je deed, met wie je "
               "overlegde en hoe het afliep. Zo laat je je klinisch redeneren zien, en dat is waar de commissie naar "
               "vraagt."),
        "en": ("Care: tell about a concrete patient situation",
               "Prepare a patient situation in which you made the difference: what you noticed, what you did, whom "
               "you consulted and how it ended. That shows your clinical reasoning, which is what the panel asks "
               "about."),
    }),
]


def load_demo_snippets() -> int:
    """Add the demo snippets that are missing (by language and title); returns how many were added."""
    existing = set(db.session.execute(sa.select(AdviceSnippet.language, AdviceSnippet.title)).all())
    added = 0
    for demo in DEMO_SNIPPETS:
        for language, (title, body) in demo.texts.items():
            if (language, title) not in existing:
                db.session.add(AdviceSnippet(language=language, field=demo.field, topic=demo.topic, title=title,
                                             body=body))
                added += 1
    db.session.flush()
    return added
