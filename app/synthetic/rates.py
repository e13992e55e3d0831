"""The shape of the synthetic history: how many of each, at what rates, with which names and places."""

from dataclasses import dataclass
from datetime import time

YEARS = 4
CHUNK = 10_000
# From this many candidates on, the biggest tables get their secondary indexes after the load.
DEFER_INDEXES_FROM = 50_000
DEFERRED_INDEX_TABLES = ("event", "candidate", "booking", "slot")
SYNTHETIC_DOMAIN = "synthetic.example.org"
SYNTHETIC_LOCATION = "Hoofdgebouw, spreekkamer 3 (synthetic history)"
# Event refs of real candidates are uuid4 hex; no hex string starts with "s".
REF_PREFIX = "s"
RECRUITERS = ("Anouk Visser", "Bas Mulder", "Charlotte de Boer", "Daan Smit", "Esther Bos", "Fatima Ouali")


@dataclass(frozen=True)
class Rates:
    """The shape of the funnel. Booking depends on how far the candidate got; the rest on what came before."""

    invited: float = 0.90  # candidates whose rejection e-mail carried the personal link
    # Of the invited, by how far they got: the further, the more they want to know why (about 60 % overall).
    books: tuple[tuple[str, float], ...] = (("cv_screening", 0.50), ("phone", 0.65), ("interview", 0.80))
    waitlisted_first: float = 0.04  # of bookers: joined the waitlist before a seat came free
    waitlisted_left: float = 0.02  # of invited non-bookers: joined the waitlist and left it
    rescheduled: float = 0.08  # of bookers
    cancelled: float = 0.07  # of bookers
    cancelled_late: float = 0.40  # of cancellations: after the portal closed, recorded by the recruiter
    no_show: float = 0.08  # of bookers; the remaining 85 % attend
    suitable: float = 0.10  # of attended
    pool_at_booking: float = 0.08  # of bookers: consent given while booking
    pool_offer_suitable: float = 0.76  # of attended and suitable (without earlier consent): offered the pool
    pool_offer_other: float = 0.16
    pool_consents: float = 0.85  # of offers: the candidate gives consent
    pool_withdraws: float = 0.10  # of members: withdraw before the consent expires
    pool_renews: float = 0.30  # of members asked to renew: renew for another 12 months
    surveyed: float = 0.40  # of attended
    reapply_suitable: float = 0.60  # of attended
    reapply_pool: float = 0.25
    reapply_other: float = 0.0625
    hired_suitable: float = 0.55  # of those re-applying after a conversation
    hired_other: float = 0.32
    reapply_without_conversation: float = 0.03  # of invited who never had a conversation
    hired_without_conversation: float = 0.33  # of those: hired, not attributed to the feedback hour


RATES = Rates()

# (department, weight, vacancies): a general hospital.
DEPARTMENTS = (
    ("Intensive Care", 8, ("Verpleegkundige IC", "IC-verpleegkundige in opleiding", "Intensivist")),
    ("Spoedeisende Hulp", 8, ("SEH-verpleegkundige", "SEH-arts", "Triagist")),
    ("Cardiologie", 7, ("Verpleegkundige cardiologie", "Hartfunctielaborant", "Cardioloog")),
    ("Oncologie", 6, ("Oncologieverpleegkundige", "Research nurse", "Verpleegkundig specialist oncologie")),
    ("Operatiekamers", 7, ("Operatieassistent", "Anesthesiemedewerker", "OK-planner")),
    ("Radiologie", 5, ("Radiodiagnostisch laborant", "Radioloog", "Echografist")),
    ("Kindergeneeskunde", 5, ("Kinderverpleegkundige", "Kinderarts", "Pedagogisch medewerker")),
    ("Verloskunde", 4, ("Klinisch verloskundige", "Obstetrieverpleegkundige", "Kraamverzorgende")),
    ("Polikliniek Interne", 6, ("Doktersassistent", "Poliklinisch medewerker", "Internist")),
    ("Klinisch Chemisch Lab", 4, ("Analist klinische chemie", "Laboratoriummedewerker")),
    ("Apotheek", 3, ("Apothekersassistent", "Ziekenhuisapotheker")),
    ("Geriatrie", 4, ("Verpleegkundige geriatrie", "Specialist ouderengeneeskunde")),
    ("Neurologie", 4, ("Verpleegkundige neurologie", "Neuroloog", "Klinisch neurofysioloog")),
    ("ICT", 5, ("Projectleider ICT", "Applicatiebeheerder", "Servicedeskmedewerker", "Informatieanalist")),
    ("Bedrijfsbureau", 4, ("Data-analist", "Business controller", "Planner")),
    ("HR", 3, ("HR-adviseur", "Recruiter", "Salarisadministrateur")),
    ("Facilitair Bedrijf", 5, ("Medewerker schoonmaak", "Beveiliger", "Medewerker voeding")),
)
STAGES = (("cv_screening", 65), ("phone", 15), ("interview", 20))
REASONS = {
    "cv_screening": (("experience", 35), ("qualifications", 30), ("skills", 20), ("team_fit", 5), ("other", 10)),
    "phone": (("experience", 30), ("qualifications", 15), ("skills", 30), ("team_fit", 15), ("other", 10)),
    "interview": (("experience", 25), ("qualifications", 10), ("skills", 30), ("team_fit", 25), ("other", 10)),
}
FIRST_NAMES = (
    "Sanne", "Lotte", "Emma", "Julia", "Fleur", "Anouk", "Iris", "Noor", "Fatima", "Aylin", "Sara", "Lisa",
    "Daan", "Sem", "Lucas", "Milan", "Thijs", "Ruben", "Mohammed", "Youssef", "Bram", "Jesse", "Kevin", "Tim",
    "Emily", "James", "Olivia", "Priya", "Mateusz", "Ana",
)
LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "El Amrani", "Yilmaz", "Kaya", "Nowak", "Clarke", "Santos", "Pinas", "Nguyen", "Haddou", "Kok",
)
SKILLS = ("IC-ervaring", "BIG-registratie", "Leidinggeven", "Plannen", "HiX", "SQL", "Triage", "Engels", "Coaching")
TOPIC_SETS = (["went_well", "improve"], ["improve"], ["improve", "cv_profile"], ["cv_profile"],
              ["went_well", "improve", "cv_profile"], ["other"])
# Month factors: fewer rejections in the summer and in December.
SEASON = {1: 1.2, 2: 1.1, 3: 1.1, 4: 1.0, 5: 1.0, 6: 1.0, 7: 0.75, 8: 0.7, 9: 1.15, 10: 1.1, 11: 1.05, 12: 0.8}
# Session layouts as (start, end, breaks): the evening hour of the reference practice, and a whole day
# for scales at which the evening would need dozens of sessions side by side (it still needs many).
EVENING = (time(16, 0), time(18, 0), [["17:00", "17:15"]])
WHOLE_DAY = (time(9, 0), time(17, 0), [["12:30", "13:00"]])

WRITE_ORDER = (
    "feedback_session",
    "feedback_session_host",
    "slot",
    "candidate",
    "booking",
    "waitlist_entry",
    "pool_membership",
    "pool_tag",
    "reapplication",
    "hire",
    "survey_response",
    "event",
)


