"""The bare page the booking burst is measured against: a template of about the size and shape of the booking
page (``bench/templates/bare.html``), rendered from constants: no database, no session cookie, no forms, no
translations. Served two ways:

- ``bare`` (``GET /_bench/bare/<token>``), a blueprint registered on the portal itself by
  ``bench/portal_with_bare.py``: the issue's baseline, "the same server answering a bare Flask route";
- ``app`` (``gunicorn bench.bare_app:app``), a Flask app of its own with nothing else in it, for reference.
"""

from datetime import datetime, timedelta

from flask import Blueprint, Flask, render_template

BARE_PREFIX = "/_bench/bare/"
BARE_PATH = "/b/" + "x" * 43  # the bare app's page: as long as a personal link

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


def _page(token: str):
    """The same page for every token."""
    return render_template("bare.html", path=f"/b/{token}", **CONTEXT)


bare = Blueprint("bench_bare", __name__, template_folder="templates")
bare.add_url_rule(BARE_PREFIX + "<token>", "page", _page)


def with_bare_route(portal: Flask) -> Flask:
    """``portal`` with the bare route added; before it has served its first request."""
    portal.register_blueprint(bare)
    return portal


app = Flask(__name__, template_folder="templates")
app.add_url_rule("/b/<token>", "page", _page)
