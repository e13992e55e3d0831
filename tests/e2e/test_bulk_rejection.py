"""The rejection e-mail to everyone not invited yet, in a real browser, in Dutch and in English: the
recruiter imports an ATS export that carries a personal line per candidate, lands on the list of those not
invited yet, opens the one page that e-mails them all, reads what the checker says about one line, is
stopped until they confirm it, and sends; each candidate gets their own line and a personal link that opens
the booking page. The page also works at phone width."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.database import utcnow
from app.extensions import db
from app.models import Candidate, OutboxMessage
from app.timeutil import local
from tests.e2e.helpers import link_in, settle, sign_in, text_of

VACANCY = {"nl": "Verpleegkundige IC", "en": "ICU nurse"}
CANDIDATE_LANGUAGE = {"nl": "Nederlands", "en": "Engels"}  # as a Dutch ATS writes it
# (first name, prefix, last name, address, personal line); the fourth line is one the checker warns about,
# the fifth candidate has none.
PEOPLE = {
    "nl": [
        ("Anna", "", "Bakker", "anna.bakker@example.org",
         "Je brief over wondzorg was helder. Voor deze functie vragen we drie jaar IC-ervaring; jij hebt er één."),
        ("Bram", "de", "Vries", "bram.devries@example.org",
         "Je gesprek over de overdracht was concreet. We zochten iemand met ervaring in het plannen van roosters."),
        ("Chantal", "van", "Dam", "chantal.vandam@example.org",
         "Je cv liet veel ervaring met ouderenzorg zien. Voor deze rol vragen we een BIG-registratie."),
        ("Dirk", "", "Jansen", "dirk.jansen@example.org",
         "We kozen voor een jongere kandidaat die beter in het team past."),
        ("Eva", "", "Smit", "eva.smit@example.org", ""),
    ],
    "en": [
        ("Grace", "", "Okafor", "grace.okafor@example.org",
         "Your letter about wound care was clear. This role needs three years on an ICU; you have one."),
        ("Tom", "", "Becker", "tom.becker@example.org",
         "Your handover in the interview was concrete. We were looking for experience with planning rosters."),
        ("Priya", "", "Shah", "priya.shah@example.org",
         "Your CV showed a lot of experience in elderly care. This role needs a nursing registration."),
        ("Liam", "", "Walsh", "liam.walsh@example.org", "We chose a younger candidate who fits the team better."),
        ("Mia", "", "Jones", "mia.jones@example.org", ""),
    ],
}
WARNED_PHRASE = {"nl": "jongere kandidaat", "en": "younger candidate"}


def full_name(first: str, prefix: str, last: str) -> str:
    return " ".join(part for part in (first, prefix, last) if part)


def ats_export(language: str) -> bytes:
    """An export as an applicant tracking system writes it: semicolons, Dutch headers, the name in parts, a
    day as dd-mm-yyyy, and a personal line column (quoted where a line holds a semicolon)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Voornaam", "Tussenvoegsel", "Achternaam", "E-mailadres", "Vacature", "Afdeling", "Fase",
                     "Afwijzingsdatum", "Taal", "Persoonlijke regel"])
    for days_ago, (first, prefix, last, address, line) in zip(range(9, 0, -2), PEOPLE[language], strict=True):
        rejected = (local(utcnow()).date() - timedelta(days=days_ago)).strftime("%d-%m-%Y")
        writer.writerow([first, prefix, last, address, VACANCY[language], "Intensive Care", "gesprek", rejected,
                         CANDIDATE_LANGUAGE[language], line])
    return out.getvalue().encode()


def outbox_count() -> int:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    invited = db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)
                                .where(Candidate.invited_at.is_not(None)))
    settle()
    return count + invited


def page_overflow(page) -> dict:
    """How far the page itself scrolls sideways (a table scrolling in its own box is fine)."""
    return page.evaluate("""() => ({
        viewport: window.innerWidth,
        html: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        scrollable: (() => { window.scrollTo(50, window.scrollY); const x = window.scrollX;
                             window.scrollTo(0, window.scrollY); return x; })(),
    })""")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_import_then_one_e_mail_to_everyone_not_invited_yet(language, live_server, visit, mailbox, make_user,
                                                           make_session):
    make_session(days_ahead=14, start="16:00", end="17:00")
    recruiter = make_user("recruiter").email
    settle()
    people = PEOPLE[language]
    names = [full_name(first, prefix, last) for first, prefix, last, _address, _line in people]
    with_line, warned, without = people[:4], people[3], people[4]

    staff = visit(language)
    t, page = staff.words, staff.page
    sign_in(staff, live_server, recruiter, language)
    page.get_by_role("navigation", name=t("Staff menu")).get_by_role("link", name=t("Candidates")).click()
    page.get_by_role("link", name=t("Import a CSV file")).click()
    page.get_by_label(t("CSV file")).set_input_files(
        files=[{"name": "ats-export.csv", "mimeType": "text/csv", "buffer": ats_export(language)}])
    page.get_by_role("button", name=t("Show the preview")).click()

    # The preview: five good rows, the name put together from its parts, the personal line read.
    counts = page.locator(".import-counts")
    expect(counts).to_contain_text(t.plural("%(num)s row in the file:", "%(num)s rows in the file:", 5))
    expect(counts).to_contain_text(t.plural("%(num)s with an error", "%(num)s with an error", 0))
    rows = page.get_by_role("group", name=t("The rows")).locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(page.get_by_role("columnheader", name=t("Personal line"))).to_be_visible()
    expect(rows.nth(1)).to_contain_text(names[1])
    expect(rows.nth(0)).to_contain_text(people[0][4][:40])
    staff.check("import preview with personal lines")
    page.get_by_role("button", name=t("Import"), exact=True).click()

    # The list of those not invited yet, with the button for all of them.
    expect(page.get_by_role("status").first).to_contain_text(
        t.plural("%(num)s candidate is imported.", "%(num)s candidates are imported.", 5))
    expect(page.get_by_label(t("Status"))).to_have_value("not_invited")
    expect(page.locator("#selection tbody tr")).to_have_count(5)
    staff.check("candidates not invited yet")
    page.get_by_role("link", name=t("E-mail everyone not invited yet, with the personal line from the import")).click()

    # The review page: how many, who has no line, the template, the warned line with the checker's words.
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Rejection e-mail to everyone not invited yet"))
    expect(page.get_by_role("heading", level=2, name=t.plural(
        "%(num)s candidate gets the e-mail", "%(num)s candidates get the e-mail", 4))).to_be_visible()
    expect(page.get_by_text(t.plural(
        "%(num)s more, not invited yet, has no personal line and does not get it now: select them on the list "
        "and write it.",
        "%(num)s more, not invited yet, have no personal line and do not get it now: select them on the list "
        "and write it.", 1))).to_be_visible()
    templates = page.get_by_role("group", name=t("The templates the e-mails start with")).locator("tbody tr")
    expect(templates).to_have_count(1)
    expect(templates.first.locator("td").nth(2)).to_have_text("4")
    warned_section = page.get_by_role("region", name=t.plural(
        "The checker warns about %(num)s personal line", "The checker warns about %(num)s personal lines", 1))
    expect(warned_section.get_by_role("heading", level=3)).to_have_count(1)
    expect(warned_section.get_by_role("heading", level=3)).to_contain_text(names[3])
    expect(warned_section.locator("blockquote")).to_have_text(warned[4])
    box = warned_section.locator(".warnings")
    expect(box).to_contain_text(t("The feedback checker suggests:"))
    expect(box).to_contain_text(t("Protected ground"))
    expect(box).to_contain_text(f"“{WARNED_PHRASE[language]}”")
    expect(box).to_contain_text(t("Only the requirements of the role; nothing about protected grounds."))
    samples = page.locator(".mail-preview")
    expect(samples).to_have_count(3)  # the first three in full, oldest rejection first
    subjects = {}
    for sample, (*_name, address, line) in zip(samples.all(), with_line[:3], strict=True):
        expect(sample).to_contain_text(address)
        expect(sample).to_contain_text(line)
        subjects[address] = sample.locator("dd strong").inner_text()
    expect(page.get_by_text(names[4])).to_have_count(0)  # no line, no e-mail
    staff.check("bulk rejection review")
    review_url = page.url

    # At phone width the page itself does not scroll sideways.
    phone = visit(language, phone=True)
    sign_in(phone, live_server, recruiter, language)
    phone.page.goto(review_url)
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(t("Rejection e-mail to everyone not invited yet"))
    overflow = page_overflow(phone.page)
    print(f"\n[{language}] review page at 390 px: {overflow}")
    assert overflow["viewport"] == 390
    assert overflow["html"] <= 390 and overflow["body"] <= 390 and overflow["scrollable"] == 0, overflow
    phone.check("bulk rejection review, phone")

    # Send without confirming: stopped, the error said at the top (focused, in an alert) and at the checkbox;
    # nothing sent.
    page.get_by_role("button", name=t.plural("Send %(num)s e-mail", "Send %(num)s e-mails", 4)).click()
    message = t("Confirm that you have read the checker's warnings, or change the texts first.")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()  # where the keyboard and a screen reader start
    expect(summary.get_by_role("alert")).to_contain_text(t("There is a problem"))
    checkbox = page.get_by_role("checkbox", name=t("I have read the checker's warnings and want to send anyway"))
    summary.get_by_role("link", name=message).click()
    expect(checkbox).to_be_focused()
    error = page.locator("#confirm_warnings-error")
    expect(error).to_have_text(message)
    expect(error).to_be_in_viewport()
    expect(checkbox).to_have_attribute("aria-invalid", "true")
    expect(checkbox).to_have_accessible_description(message)
    expect(checkbox).not_to_be_checked()
    assert outbox_count() == 0
    staff.check("bulk rejection, not confirmed")

    # Confirm and send.
    checkbox.check()
    page.get_by_role("button", name=t.plural("Send %(num)s e-mail", "Send %(num)s e-mails", 4)).click()
    expect(page.get_by_role("status").first).to_have_text(
        t.plural("%(num)s rejection e-mail is on its way.", "%(num)s rejection e-mails are on their way.", 4))
    expect(page.get_by_label(t("Status"))).to_have_value("not_invited")
    left = page.locator("#selection tbody tr")
    expect(left).to_have_count(1)  # only the one without a line
    expect(left.first).to_contain_text(names[4])
    staff.check("candidates after the bulk rejection")

    # The mailbox: one e-mail each, with their own line and a personal link that opens the booking page.
    mailbox.deliver()
    candidate = visit(language, phone=True)
    for first, _prefix, _last, address, line in with_line:
        [received] = mailbox.messages_to(address)
        body = " ".join(text_of(received).split())
        assert line in body
        assert received["Subject"] == subjects.get(address, received["Subject"])  # as the page showed it
        assert not [other for *_, other in with_line if other != line and other in body]
        candidate.page.goto(link_in(received, live_server))
        expect(candidate.page.get_by_role("heading", level=1)).to_have_text(t("Hello %(name)s,", name=first))
        expect(candidate.page.get_by_role("radio", name="16:15 – 16:30")).to_be_visible()
    candidate.check("booking page from the bulk rejection e-mail")
    assert mailbox.messages_to(without[3]) == []
    assert len(mailbox.messages_to("@example.org")) == 4
