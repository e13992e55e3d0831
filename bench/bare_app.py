"""The bare page the booking burst is measured against: a Flask route that renders a template of about the
size and shape of the booking page (``bench/templates/bare.html``), from constants: no database, no
session cookie, no forms, no translations. ``gunicorn bench.bare_app:app``."""

from datetime import datetime, timedelta

from flask import Flask, render_template

app = Flask(__name__, template_folder="templates")

_FIRST = datetime(2026, 1, 13, 8, 0)
CONTEXT = {
    "organisation": "Ziekenhuis Demo",
    "contact": "werving@example.org",
    "languages": [("nl", "Nederlands"), ("en", "English")],
    "stand_in_token": "IjgxMmViYWMzZDVkOGUzZTE5NzY0MDdiMjcxZDAwNDgzM2M4MzBjMmYi.awJPdw.EFduzA8Bgl0W48BI1OdLN8k3bmA",
    "first_name": "Kandidaat1",
    "vacancy": "Fysiotherapeut",
    "day": "dinsdag 13 januari 2026",
    "location": "Spreekkamer 3, polikliniek",
    "slots": [(n + 1, f"{_FIRST + timedelta(minutes=15 * n):%H:%M}",
               f"{_FIRST + timedelta(minutes=15 * (n + 1)):%H:%M}") for n in range(40)],
    "topics": [("went_well", "Wat ging er goed in mijn sollicitatie"), ("improve", "Wat ik beter kan doen"),
               ("cv_profile", "Mijn cv en online profiel"), ("other", "Iets anders (vertel het ons hieronder)")],
}


@app.get("/b/<token>")
def page(token: str):
    """The same page for every token."""
    return render_template("bare.html", path=f"/b/{token}", **CONTEXT)
