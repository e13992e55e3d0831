"""What the browser tests use: a visitor with a browser, the portal's words in one language, the mailbox
the SMTP server fills, and axe-core's verdict on a page."""

import email.message
import os
import re
from collections import Counter
from pathlib import Path

from flask import Flask
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import BrowserContext, Page

from app.extensions import db
from tests.fixtures.staff import STAFF_PASSWORD

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
# Without the background-networking switches Chromium's own connections are refused here.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
LOCALES = {"nl": "nl-NL", "en": "en-GB"}
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}
# What fails the accessibility check; "moderate" and "minor" findings are only counted in the summary.
BLOCKING_IMPACTS = ("serious", "critical")


def settle() -> None:
    """End the test thread's transaction, so that the server's requests never wait for its locks
    (SQLite takes the write lock at BEGIN)."""
    db.session.remove()


# --- the portal's words ------------------------------------------------------------------------------

class Words:
    """The portal's own text in one language, so that a test finds a button by the name a visitor hears."""

    def __init__(self, app: Flask, language: str):
        self.app, self.language = app, language

    def __call__(self, msgid: str, **values) -> str:
        with self.app.test_request_context(), force_locale(self.language):
            return gettext(msgid, **values)

    def plural(self, singular: str, plural: str, num: int, **values) -> str:
        with self.app.test_request_context(), force_locale(self.language):
            return ngettext(singular, plural, num, **values)

    def render(self, source: str, **context) -> str:
        """A bit of template (such as a date filter) rendered as the portal renders it in this language."""
        with self.app.test_request_context(), force_locale(self.language):
            return self.app.jinja_env.from_string(source).render(**context)


# --- mail --------------------------------------------------------------------------------------------

class Mailbox:
    """What the SMTP server received, read as a person reads their inbox."""

    def __init__(self, smtp_server):
        self._server = smtp_server

    def deliver(self) -> None:
        """Run the mail worker once, as `flask mail send` does."""
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


# --- accessibility -----------------------------------------------------------------------------------

AXE_LOG: list[tuple[str, str, Counter]] = []  # (label, url, {(impact, rule): nodes}) of every page checked

_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, failureSummary: n.failureSummary}))}));
}"""


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {' '.join(node['target'])}: {summary}")
            lines.append(f"       {node['html'][:200]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def check_accessibility(page: Page, label: str) -> list[dict]:
    """Inject axe-core and run it on the page as it is now; fail on a serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(_RUN_AXE)
    AXE_LOG.append((label, page.url, Counter({(v["impact"], v["id"]): len(v["nodes"]) for v in violations})))
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (f"axe-core found {len(blocking)} serious or critical violation(s) on "
                          f"'{label}' ({page.url}):\n{describe(blocking)}")
    return violations


# --- a visitor with a browser ------------------------------------------------------------------------

class Visit:
    """One visitor's browser context (phone or desktop) that notes server errors and script errors."""

    def __init__(self, context: BrowserContext, words: Words):
        self.context, self.words = context, words
        self.page = context.new_page()
        self.page.set_default_timeout(10_000)
        self.problems: list[str] = []
        self.page.on("response", self._response)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("console", self._console)

    def _response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def _console(self, message) -> None:
        # A failed request (such as the 404 of a deliberately unknown link) is judged by its status above.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def check(self, label: str) -> None:
        """axe-core on this page (see check_accessibility)."""
        check_accessibility(self.page, label)

    def lang(self) -> str:
        return self.page.locator("html").get_attribute("lang")


def switch_language(v: Visit, language: str) -> None:
    """Use the language switch in the header when the page is not in ``language`` yet."""
    if v.lang() != language:
        v.page.get_by_role("button", name=LANGUAGE_NAMES[language], exact=True).click()
        v.page.wait_for_load_state()
    assert v.lang() == language


def sign_in(v: Visit, portal_url: str, address: str, language: str, password: str = STAFF_PASSWORD) -> None:
    """Sign in on /login as staff do, after choosing the language in the header."""
    t, page = v.words, v.page
    page.goto(f"{portal_url}/login")
    switch_language(v, language)
    v.check("sign in")
    page.get_by_label(t("E-mail address")).fill(address)
    page.get_by_label(t("Password")).fill(password)
    page.get_by_role("button", name=t("Sign in")).click()
    page.wait_for_load_state()
    assert v.lang() == language
