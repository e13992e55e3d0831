"""The portal with one route more, the booking burst's baseline: ``gunicorn bench.portal_with_bare:app``.

The issue measures the booking page against "the same server answering a bare Flask route that renders a
template of similar size". This is that server: the portal exactly as ``wsgi:app`` builds it (its settings,
extensions, request hooks, context processors and security headers), plus ``GET /_bench/bare/<token>``
from ``bench/bare_app.py``. The route exists only here, never in the portal itself.
"""

from app import create_app
from bench.bare_app import with_bare_route

app = with_bare_route(create_app())
