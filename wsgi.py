"""Entry point for ``flask --app wsgi`` and ``gunicorn wsgi:app``."""

import gc

from app import checker, create_app

app = create_app()
# The feedback checker's rules, compiled at start (half a second) instead of at a recruiter's first check.
checker.load_rules()
# What the app keeps for its whole life (the checker's word lists, templates, settings: some 160,000
# objects) is left out of the garbage collector's full passes, which otherwise walk it again and again
# while a selection of e-mails is rendered (bench/README.md, the import). Not in create_app: tests make
# hundreds of apps and must be able to free them.
gc.freeze()
