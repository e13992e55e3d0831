"""The HR dashboard in a real browser: it fits a phone, passes axe, and its period control asks for months
only when months of one's own are chosen (the script is an enhancement: without it both fields show)."""

from datetime import timedelta

from playwright.sync_api import expect

from app.database import utcnow
from app.synthetic import generate_history
from app.timeutil import local
from tests.e2e.helpers import settle, sign_in
from tests.fixtures.staff import STAFF_PASSWORD


def test_the_dashboard_fits_a_phone_and_its_period_control_works(live_server, visit, make_user):
    generate_history(300, seed=2, until=local(utcnow()).date() - timedelta(days=1))
    hr_email = make_user("hr").email
    settle()
    v = visit("en", phone=True)
    page, t = v.page, v.words
    sign_in(v, live_server, hr_email, "en", STAFF_PASSWORD)
    page.goto(f"{live_server}/hr/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Figures of the feedback hour"))
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391).slice(0, 8)
        .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide  # no sideways scrolling
    v.check("HR dashboard (phone)")

    range_fields = page.get_by_role("group", name=t("Months of my choice"))
    expect(range_fields).to_be_hidden()
    page.get_by_role("combobox", name=t("Period")).select_option("custom")
    expect(range_fields).to_be_visible()
    first = (local(utcnow()).date().replace(day=1) - timedelta(days=1)).replace(day=1)
    page.locator("#from").fill(f"{first:%Y-%m}")
    page.locator("#to").fill(f"{first:%Y-%m}")
    page.get_by_role("button", name=t("Show")).click()
    expect(page.get_by_text(t("Showing whole months:"))).to_be_visible()
    assert f"from={first:%Y-%m}" in page.url
    expect(page.locator("#from")).to_have_value(f"{first:%Y-%m}")
    chart = page.locator("svg[aria-labelledby='trend-chart-title']")
    expect(chart.locator(".chart-axis")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator("#from").fill("")
    page.get_by_role("button", name=t("Show")).click()
    expect(page.get_by_role("alert")).to_have_text(t("Fill in both the first and the last month."))
