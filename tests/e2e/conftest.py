"""The portal in a real browser: Debian's Chromium driven by Playwright, the app on a real HTTP server on
127.0.0.1 with CSRF protection on, a real SMTP server catching the mail, and axe-core checking each page.

`make test` installs what this needs: the chromium package and axe-core from npm (`make e2e-deps`).
"""

import threading
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.e2e.helpers import (
    AXE,
    AXE_LOG,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    LOCALES,
    PHONE,
    Mailbox,
    Visit,
    Words,
    settle,
)
from tests.helpers import free_port


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run; each visitor gets a fresh context (cookies, storage)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make e2e-deps` (installs Debian's chromium package).")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make e2e-deps` (npm ci in tests/e2e).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The app served by werkzeug on 127.0.0.1 from a thread, a thread per request; yields its URL.

    The app then runs as it does for real: CSRF protection on, links in e-mails pointing at this server.
    """
    port = free_port()
    app.config.update(WTF_CSRF_ENABLED=True, PORTAL_URL=f"http://127.0.0.1:{port}")
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    settle()
    yield app.config["PORTAL_URL"]
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return Mailbox(smtp_server)


@pytest.fixture
def visit(browser, app):
    """visit(language, phone=False, csp=False) -> a Visit; at the end, fails if the browser saw a server
    error (5xx), a script error or a console error.

    axe-core goes in as a script tag, which the portal's strict Content Security Policy forbids, so a
    context that runs axe bypasses the CSP; csp=True keeps it, and a page that breaks it logs a console error.
    """
    opened: list[Visit] = []

    def open_visit(language: str, *, phone: bool = False, csp: bool = False) -> Visit:
        context = browser.new_context(locale=LOCALES[language], bypass_csp=not csp, **(PHONE if phone else DESKTOP))
        opened.append(Visit(context, Words(app, language)))
        return opened[-1]

    yield open_visit
    problems = [p for v in opened for p in v.problems]
    for v in opened:
        v.context.close()
    assert not problems, "the browser saw errors:\n" + "\n".join(problems)


def pytest_terminal_summary(terminalreporter):
    """How many pages axe-core looked at, and what it found below the blocking level."""
    if not AXE_LOG:
        return
    found, pages = Counter(), {}
    for label, _url, counts in AXE_LOG:
        found.update(counts)
        for key in counts:
            pages.setdefault(key, set()).add(label)
    terminalreporter.write_sep("-", "axe-core")
    terminalreporter.write_line(f"{len(AXE_LOG)} page views checked; "
                                + ("no violations" if not found else "violations (elements, pages):"))
    for (impact, rule), nodes in sorted(found.items()):
        terminalreporter.write_line(f"  {impact:9} {rule}: {nodes} on {', '.join(sorted(pages[impact, rule]))}")
