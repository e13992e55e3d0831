"""The portal in a real browser: Debian's Chromium driven by Playwright, the app on a real HTTP server on
127.0.0.1 with CSRF protection on, a real SMTP server catching the mail, and axe-core checking every page.

`make test` installs what this needs (the chromium package and axe-core from npm: `make e2e-deps`).
"""

import email.message
import email.policy
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import _TEMPLATE_CACHE, STAFF_PASSWORD, _empty_all_tables, _free_port, _settings


HERE = Path(__file__).parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking switches Chromium's own connections are refused here, which slows it down.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
LOCALES = {"nl": "nl-NL", "en": "en-GB"}
# What fails the accessibility check; "moderate" and "minor" findings are listed in the summary only.
BLOCKING_IMPACTS = ("serious", "critical")


# --- the browser -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser() -> Browser:
    """One headless Chromium for the whole run; every test gets fresh contexts (cookies, storage)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make e2e-deps` (installs Debian's chromium package).")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make e2e-deps` (npm ci in tests/e2e).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# --- the app on a real server ----------------------------------------------------------------------

@pytest.fixture
def app(database_url, tmp_path):
    """The portal as it runs for real: CSRF on, links in e-mails pointing at the live server."""
    port = _free_port()
    settings = _settings(database_url, tmp_path) | {
        "WTF_CSRF_ENABLED": True,
        "PORTAL_URL": f"http://127.0.0.1:{port}",
    }
    app = create_app(settings)
    app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def live_server(app):
    """The app served by werkzeug on 127.0.0.1 in a thread (one thread per request, like a real server)."""
    port = urlsplit(app.config["PORTAL_URL"]).port
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    db.session.remove()  # the test's own session must hold no transaction while the server writes
    yield app.config["PORTAL_URL"]
    server.shutdown()
    thread.join(timeout=10)


def settle() -> None:
    """End the test thread's transaction, so that the server's requests never wait for its locks."""
    db.session.remove()


# --- mail ------------------------------------------------------------------------------------------

class Mailbox:
    """What the SMTP server received, read as a person reads their inbox."""

    def __init__(self, smtp_server):
        self._server = smtp_server

    def deliver(self) -> None:
        """Run the mail worker once, as the cron job or `flask mail send` would."""
        from app.mail.worker import send_due

        send_due()
        settle()

    def messages_to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self._server.messages if address in str(m["To"])]

    def last_to(self, address: str) -> email.message.EmailMessage:
        found = self.messages_to(address)
        assert found, f"no e-mail to {address}; received: {[str(m['To']) for m in self._server.messages]}"
        return found[-1]


def text_of(message: email.message.EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: email.message.EmailMessage, portal_url: str) -> str:
    """The personal link in a received e-mail, as the candidate would click it."""
    found = re.findall(re.escape(portal_url) + r"/b/[A-Za-z0-9_-]{43}", text_of(message))
    assert found, f"no personal link to {portal_url} in:\n{text_of(message)}"
    return found[0]


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return Mailbox(smtp_server)


# --- words as the visitor reads them -----------------------------------------------------------------

class Words:
    """The portal's own text in one language, so that tests find a button by the name a visitor hears."""

    def __init__(self, app: Flask, language: str):
        self.app, self.language = app, language

    def __call__(self, msgid: str, **values) -> str:
        with self.app.test_request_context(), force_locale(self.language):
            return gettext(msgid, **values)

    def plural(self, singular: str, plural: str, num: int, **values) -> str:
        with self.app.test_request_context(), force_locale(self.language):
            return ngettext(singular, plural, num, **values)

    def render(self, source: str, **context) -> str:
        """A bit of template (e.g. a date filter) rendered as the portal renders it in this language."""
        with self.app.test_request_context(), force_locale(self.language):
            return self.app.jinja_env.from_string(source).render(**context)


# --- accessibility ---------------------------------------------------------------------------------

@dataclass
class A11yLog:
    """Every page axe looked at in this run, for the summary at the end."""

    pages: list[tuple[str, str, Counter]] = field(default_factory=list)


A11Y_LOG = A11yLog()


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
            lines.append(f"       {node['html'][:160]}")
    return "\n".join(lines)


def check_accessibility(page: Page, label: str) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,"
        " nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, failureSummary: n.failureSummary}))})); }"
    )
    A11Y_LOG.pages.append((label, page.url, Counter(v["impact"] for v in results)))
    blocking = [v for v in results if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core: {len(blocking)} serious or critical violation(s) on {label} ({page.url}):\n" + \
        _describe(blocking)


def pytest_terminal_summary(terminalreporter):
    if not A11Y_LOG.pages:
        return
    impacts = Counter()
    for _label, _url, counts in A11Y_LOG.pages:
        impacts.update(counts)
    terminalreporter.write_sep("-", "axe-core")
    terminalreporter.write_line(
        f"{len(A11Y_LOG.pages)} page views checked; violations by impact: "
        + (", ".join(f"{k} {n}" for k, n in sorted(impacts.items())) or "none"))


# --- a visitor with a browser ------------------------------------------------------------------------

class Visit:
    """A browser context of one visitor (phone or desktop) that notices server errors and script errors."""

    def __init__(self, context: BrowserContext, words: Words):
        self.context, self.words = context, words
        self.page = context.new_page()
        self.page.set_default_timeout(10_000)
        self.problems: list[str] = []
        self.page.on("response", lambda r: r.status >= 500 and self.problems.append(f"{r.status} {r.url}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))

    def check(self, label: str) -> None:
        check_accessibility(self.page, label)

    def lang(self) -> str:
        return self.page.locator("html").get_attribute("lang")


@pytest.fixture
def visit(browser, app):
    """visit(language, phone=False, csp=False) -> a Visit; checks at the end that nothing went wrong.

    axe-core is injected as a script tag, which the portal's strict Content Security Policy forbids, so
    contexts that run axe bypass the CSP; csp=True keeps it (and any page that breaks it shows a console error).
    """
    opened: list[Visit] = []

    def open_visit(language: str, *, phone: bool = False, csp: bool = False) -> Visit:
        options = dict(PHONE if phone else DESKTOP)
        context = browser.new_context(locale=LOCALES[language], bypass_csp=not csp, **options)
        v = Visit(context, Words(app, language))
        opened.append(v)
        return v

    yield open_visit
    problems = [p for v in opened for p in v.problems]
    for v in opened:
        v.context.close()
    assert not problems, "the browser saw errors:\n" + "\n".join(problems)


def sign_in(v: Visit, portal_url: str, user, language: str) -> None:
    """Sign in on /login as a member of staff would, and pick the language in the header."""
    t, page = v.words, v.page
    page.goto(f"{portal_url}/login")
    v.check("sign in")
    page.get_by_label(t("E-mail address")).fill(user.email)
    page.get_by_label(t("Password")).fill(STAFF_PASSWORD)
    page.get_by_role("button", name=t("Sign in")).click()
    page.wait_for_load_state()
    switch_language(v, language)


def switch_language(v: Visit, language: str) -> None:
    """Use the language switch in the header when the page is not in ``language`` yet."""
    if v.lang() != language:
        name = {"nl": "Nederlands", "en": "English"}[language]
        v.page.get_by_role("navigation", name=v.words("Language")).get_by_role("button", name=name).click()
        v.page.wait_for_load_state()
    assert v.lang() == language


__all__ = ["Visit", "Words", "Mailbox", "check_accessibility", "link_in", "settle", "sign_in", "switch_language",
           "text_of"]
