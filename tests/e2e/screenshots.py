"""Screenshots of the main pages at phone (390 wide) and desktop (1280 wide) size, for the README.

Not part of the test suite (the name does not start with test_): `make screenshots` runs it on purpose
and writes docs/screenshots/<page>-<phone|desktop>.png from the demo data plus a synthetic history for
the figures. The pages are checked with axe-core on the way, like the tests do.
"""

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect

from app.database import utcnow
from app.demo.data import DEMO_CANDIDATES, demo_password, load_demo
from app.synthetic import generate_history
from app.timeutil import local
from tests.e2e.helpers import Visit, settle, sign_in

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LANGUAGE = "nl"  # Dutch is the portal's first language
HISTORY = 800  # about four years of the reference practice's 200 sign-ups a year
VAGUE_NOTE = "Je was niet technisch genoeg en paste niet in het team."


def shoot(v: Visit, name: str, size: str) -> None:
    v.check(f"{name} ({size})")
    v.page.screenshot(path=OUT / f"{name}-{size}.png", animations="disabled", caret="initial")


def test_screenshots(live_server, visit):
    OUT.mkdir(parents=True, exist_ok=True)
    links = {candidate.email: url for candidate, url in load_demo()}
    # The history (which plans its sessions 100 days ahead) ends before the demo's coming sessions.
    generate_history(HISTORY, seed=1, until=local(utcnow()).date() - timedelta(days=110))
    candidate, second = [d for d in DEMO_CANDIDATES if not d.booked and d.language == LANGUAGE][:2]
    staff_passwords = {email: demo_password(email) for email in ("recruiter@example.org", "hr@example.org")}
    settle()
    link = links[candidate.email]

    for size, phone in (("phone", True), ("desktop", False)):
        v = visit(LANGUAGE, phone=phone)
        t, page = v.words, v.page
        if size == "phone":
            page.goto(link)
            shoot(v, "candidate-picker", size)
            page.locator(".day-option > label").first.click()  # the days first, then a time of that day
            page.locator(".slots label:visible").nth(2).click()
            page.locator(".day-option > label").first.evaluate(
                "e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -80); }")
            shoot(v, "candidate-picker-times", size)
            page.get_by_label(t("Your question or anything we should know (optional)")).fill(
                "Hoe laat ik mijn ervaring op de IC beter zien in mijn cv?")
            page.get_by_role("button", name=t("Book this conversation")).click()  # no subject ticked yet
            expect(page.locator("[data-error-summary]")).to_be_focused()
            shoot(v, "candidate-error-summary", size)
            page.get_by_role("checkbox", name=t("What I could do better")).check()
            page.get_by_role("checkbox", name=t("My CV and online profile")).check()
            page.get_by_label(t("Your question or anything we should know (optional)")).fill(
                "Hoe laat ik mijn ervaring op de IC beter zien in mijn cv?")
            page.get_by_role("button", name=t("Book this conversation")).click()
            expect(page.get_by_role("heading", level=1)).to_have_text(t("Your conversation is booked"))
        else:
            page.goto(links[second.email])
            shoot(v, "candidate-picker", size)
            page.goto(f"{link}/confirmed")
        shoot(v, "candidate-confirmation", size)
        page.goto(link)
        shoot(v, "candidate-manage", size)

    for size, phone in (("desktop", False), ("phone", True)):
        v = visit(LANGUAGE, phone=phone)
        t, page = v.words, v.page
        sign_in(v, live_server, "recruiter@example.org", LANGUAGE, staff_passwords["recruiter@example.org"])
        shoot(v, "recruiter-overview", size)
        # The agenda of the first coming feedback hour, from its row in the table of coming hours (the first
        # table on the page may be another one, such as the outcomes still to record).
        page.get_by_role("link", name=t("Agenda"), exact=True).first.click()
        expect(page.locator("table.agenda")).to_be_visible()
        shoot(v, "recruiter-agenda", size)
        page.locator("table.agenda a").first.click()
        why_not = page.get_by_label(t("Why not this role?"))
        why_not.fill("")
        why_not.press_sequentially(VAGUE_NOTE, delay=5)
        expect(page.locator("#warnings-why_not")).to_be_visible()
        why_not.evaluate("e => { e.closest('.field').scrollIntoView({block: 'start'}); window.scrollBy(0, -16); }")
        shoot(v, "recruiter-notes", size)


def test_hr_screenshots(live_server, visit):
    """The HR dashboard on the demo data and the synthetic history, from the period control down."""
    OUT.mkdir(parents=True, exist_ok=True)
    load_demo()
    generate_history(HISTORY, seed=1, until=local(utcnow()).date() - timedelta(days=110))
    password = demo_password("hr@example.org")
    settle()
    for size, phone in (("desktop", False), ("phone", True)):
        hr = visit(LANGUAGE, phone=phone)
        sign_in(hr, live_server, "hr@example.org", LANGUAGE, password)
        hr.page.goto(f"{live_server}/hr/")
        hr.page.locator("form.period-form").evaluate(
            "e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -16); }")
        shoot(hr, "hr-dashboard", size)


# The feedback checker, in Dutch and English: its warnings on the notes page while typing, and in the
# rejection e-mail's preview with the confirmation that names how many personal lines have warnings.
CHECKER_NOTES = {
    "nl": "Je paste gewoon niet in het team en kwam wat onzeker over. Anderen hadden meer ervaring.",
    "en": "You weren't a culture fit and came across as nervous. At your age a junior role makes little sense.",
}
CHECKER_LINES = {
    "nl": ("Je bent al wat ouder en de klik ontbrak. We bellen je zodra er iets past.",
           "Je casus over de overdracht was concreet. Deze functie vraagt drie jaar IC-ervaring; je hebt er één."),
    "en": ("The others simply interviewed better, and you seemed too laid-back.",
           "Your wound care examples were concrete. This role needs three years on an ICU; you have one."),
}


def test_checker_screenshots(live_server, visit):
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Booking, BookingStatus, Candidate, Stage

    OUT.mkdir(parents=True, exist_ok=True)
    load_demo()
    booking_id = db.session.scalar(sa.select(Booking.id).where(Booking.status == BookingStatus.BOOKED)
                                   .order_by(Booking.id))
    fresh = {}
    for language, names in (("nl", ("Lotte Jansen", "Rik de Boer")), ("en", ("Daniel Brooks", "Grace Lee"))):
        fresh[language] = []
        for name in names:
            candidate = Candidate(name=name, email=f"{name.split()[0].lower()}@example.org",
                                  vacancy="Verpleegkundige IC", department="Intensive Care", stage=Stage.CV_SCREENING,
                                  language=language, rejected_on=local(utcnow()).date())
            db.session.add(candidate)
            fresh[language].append(candidate)
    db.session.commit()
    fresh = {language: [(c.id, c.name) for c in people] for language, people in fresh.items()}
    password = demo_password("recruiter@example.org")
    settle()

    for language in ("nl", "en"):
        v = visit(language, phone=False)
        t, page = v.words, v.page
        sign_in(v, live_server, "recruiter@example.org", language, password)
        page.goto(f"{live_server}/recruiter/bookings/{booking_id}/notes")
        why_not = page.get_by_label(t("Why not this role?"))
        why_not.fill("")
        why_not.press_sequentially(CHECKER_NOTES[language], delay=5)
        expect(page.locator("#warnings-why_not li")).to_have_count(3)
        why_not.evaluate("e => { e.closest('.field').scrollIntoView({block: 'start'}); window.scrollBy(0, -16); }")
        shoot(v, f"checker-notes-{language}", "desktop")

        (first_id, first_name), (second_id, second_name) = fresh[language]
        page.goto(f"{live_server}/recruiter/candidates/rejections?ids={first_id},{second_id}")
        page.get_by_label(t("Personal line for %(name)s", name=first_name)).fill(CHECKER_LINES[language][0])
        page.get_by_label(t("Personal line for %(name)s", name=second_name)).fill(CHECKER_LINES[language][1])
        page.get_by_role("button", name=t("Show the preview")).press("Enter")
        page.get_by_role("button", name=t("Send these %(num)s e-mails", num=2)).click()
        expect(page.locator("#confirm_warnings-error")).to_be_visible()
        page.locator(f"#warnings-line_{first_id}").evaluate(
            "e => { e.closest('section').scrollIntoView({block: 'start'}); window.scrollBy(0, 120); }")
        shoot(v, f"checker-rejection-{language}", "desktop")
        page.locator("#confirm-warnings").evaluate("e => { e.scrollIntoView({block: 'center'}); }")
        shoot(v, f"checker-rejection-confirm-{language}", "desktop")


# The CSV import's preview of an ATS export: the counts on top, the errors first, the ignored columns named;
# and the question which column holds what, for an export whose headers the import does not know.
def _ats_export(rows: int, headers: str) -> str:
    today = local(utcnow()).date() - timedelta(days=1)
    lines = [headers]
    first_names = ["Anna", "Bram", "Chaima", "Daan", "Eva", "Fatih", "Gijs", "Hanna", "Ilse", "Joost"]
    for n in range(rows):
        first = first_names[n % len(first_names)]
        email = f"{first.lower()}.{n}@example.org" if n % 9 != 4 else f"{first.lower()}.{n}-example.org"
        stage = "Gesprek" if n % 3 else "CV-selectie"
        lines.append(f"{10200 + n};{first};{'de' if n % 4 == 0 else ''};Vries;{email};06-1234{n:04d};"
                     f"Verpleegkundige IC;Intensive Care;{stage};{today.isoformat()};nl;LinkedIn")
    return "\n".join(lines) + "\n"


def test_import_screenshots(live_server, visit, tmp_path):
    OUT.mkdir(parents=True, exist_ok=True)
    load_demo()
    password = demo_password("recruiter@example.org")
    known = tmp_path / "ats-export.csv"
    known.write_text(_ats_export(240, "Kandidaat-ID;Voornaam;Tussenvoegsel;Achternaam;E-mailadres;Telefoon;"
                                      "Vacaturetitel;Afdeling;Fase;Afwijzingsdatum;Taal;Bron"), encoding="utf-8")
    unknown = tmp_path / "other-export.csv"
    unknown.write_text(_ats_export(3, "ID;Roepnaam;Tv;Familienaam;Contact;Tel;Baan;Team;Ronde;Besluit;Taal;Bron"),
                       encoding="utf-8")
    settle()
    for size, phone in (("desktop", False), ("phone", True)):
        v = visit(LANGUAGE, phone=phone)
        t, page = v.words, v.page
        sign_in(v, live_server, "recruiter@example.org", LANGUAGE, password)
        page.goto(f"{live_server}/recruiter/candidates/import")
        page.get_by_label(t("CSV file")).set_input_files(str(known))
        page.get_by_role("button", name=t("Show the preview")).press("Enter")
        expect(page.get_by_role("heading", level=2).first).to_contain_text("27")
        shoot(v, "recruiter-import-preview", size)
        if not phone:
            page.goto(f"{live_server}/recruiter/candidates/import")
            page.get_by_label(t("CSV file")).set_input_files(str(unknown))
            page.get_by_role("button", name=t("Show the preview")).press("Enter")
            expect(page.get_by_role("alert")).to_be_visible()
            shoot(v, "recruiter-import-columns", size)
