# Two commands for a newcomer: `make run` and `make test`. Everything else is for the team and CI.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Links in e-mails and in what `make run` prints follow HOST and PORT, unless FLASK_PORTAL_URL says otherwise.
PORTAL := FLASK_PORTAL_URL=$${FLASK_PORTAL_URL:-http://$(HOST):$(PORT)}
POSTGRES_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test lint test-postgres translations extract-messages serve-prod mail-worker mail-send bench bench-dashboard bench-lists bench-booking bench-mail bench-import bench-checker clean help
.PHONY: e2e-deps oidc-deps screenshots

help:
	@echo "make run            set up, migrate, load demo data and serve http://$(HOST):$(PORT)"
	@echo "make test           run the whole test suite (SQLite)"
	@echo "make lint           check the code with ruff (pyproject.toml)"
	@echo "make test-postgres  run the whole test suite against PostgreSQL ($(POSTGRES_TEST_URL))"
	@echo "make screenshots    regenerate docs/screenshots/ (phone and desktop) in a real browser"
	@echo "make serve-prod     gunicorn plus the mail worker, as in production"
	@echo "make bench          run the benchmarks (bench/README.md; BENCH_QUICK=1 for a smoke run of all of them)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $@

# Compiled message catalogs (.mo) are built, not committed; a catalog is compiled again when its .po changes.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))
translations: $(CATALOGS)

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d app/translations -l $*

# The template is made afresh each time and not kept; the Dutch catalog is sorted and carries no source
# locations, so that two branches that each add strings merge without conflicts.
extract-messages: $(VENV)/.installed
	@pot=$$(mktemp --suffix=.pot) && \
	  PYTHONPATH=. $(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o $$pot . && \
	  $(BIN)/pybabel -q update -i $$pot -d app/translations --no-fuzzy-matching --ignore-obsolete \
	    --ignore-pot-creation-date && rm -f $$pot

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(PORTAL) $(FLASK) demo load
	@echo
	@echo "The portal runs at http://$(HOST):$(PORT)  (stop with Ctrl+C)"
	@echo "Candidates: open one of the booking links above. Mail is written to instance/mail/"
	@echo "when you run: make mail-send PORT=$(PORT)"
	$(PORTAL) $(FLASK) run --host $(HOST) --port $(PORT)

# ruff, configured in pyproject.toml: pyflakes, pycodestyle, import order and bugbear's checks.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

test: $(VENV)/.installed-dev translations e2e-deps oidc-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-dev translations e2e-deps oidc-deps
	FLASK_TEST_DATABASE_URI=$(POSTGRES_TEST_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests (tests/e2e/) drive Debian's Chromium and inject axe-core from npm. CI runs as root on a
# fresh machine: install what is missing there, non-interactively.
CHROMIUM ?= /usr/bin/chromium
AXE      := tests/e2e/node_modules/axe-core/axe.min.js
AS_ROOT  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

e2e-deps: $(CHROMIUM) $(AXE)

$(CHROMIUM):
	$(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get update -q
	$(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	command -v npm >/dev/null || { $(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; }
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The staff sign-in tests (tests/oidc/) run a real OpenID Connect provider: oidc-provider from npm, with Node.
OIDC_PROVIDER := tests/oidc/node_modules/oidc-provider/package.json

oidc-deps: $(OIDC_PROVIDER)

$(OIDC_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	command -v npm >/dev/null || { $(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $(AS_ROOT) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; }
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Phone and desktop screenshots of the main pages, for the README; not part of `make test`.
screenshots: $(VENV)/.installed-dev translations e2e-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/screenshots.py

mail-worker: $(VENV)/.installed
	$(PORTAL) $(FLASK) mail send --loop

# One round of the mail worker: what waits in the outbox goes out (to instance/mail/ without a mail server).
mail-send: $(VENV)/.installed
	$(PORTAL) $(FLASK) mail send

serve-prod: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(PORTAL) FLASK_DEPLOYMENT=production $(BIN)/gunicorn --workers $${WORKERS:-3} --bind $(HOST):$(PORT) wsgi:app & \
	  gunicorn_pid=$$!; trap 'kill $$gunicorn_pid' EXIT INT TERM; \
	  $(PORTAL) FLASK_DEPLOYMENT=production $(FLASK) mail send --loop

# Benchmarks, never part of the tests: they build their own databases (bench/README.md).
# All of them, each even if another failed; BENCH_QUICK=1 makes it a smoke run that leaves bench/README.md alone.
BENCH_QUICK_DASHBOARD = $(if $(filter 1,$(BENCH_QUICK)),BENCH_SCALE=$${BENCH_SCALE:-10000} BENCH_BUDGET=$${BENCH_BUDGET:-30} BENCH_README=0)
bench: $(VENV)/.installed-dev translations
	@status=0; \
	$(MAKE) --no-print-directory bench-booking || status=1; \
	$(MAKE) --no-print-directory bench-mail || status=1; \
	$(MAKE) --no-print-directory bench-import || status=1; \
	$(MAKE) --no-print-directory bench-checker || status=1; \
	$(BENCH_QUICK_DASHBOARD) $(MAKE) --no-print-directory bench-dashboard || status=1; \
	exit $$status

bench-booking: $(VENV)/.installed-dev translations
	$(BIN)/python -m bench.booking_burst

bench-mail: $(VENV)/.installed-dev translations
	$(BIN)/python -m bench.mail_throughput

bench-import: $(VENV)/.installed-dev translations
	$(BIN)/python -m bench.csv_import

# The feedback checker: precision and recall on bench/checker_corpus/, and the time to check 2,000 characters.
bench-checker: $(VENV)/.installed-dev translations
	$(BIN)/python -m bench.checker

bench-dashboard: $(VENV)/.installed translations
	$(BIN)/python -m bench.dashboard

# The staff list pages (candidates, talent pool, outbox, sessions, audit log) at 10k, 100k and 1M candidates.
bench-lists: $(VENV)/.installed translations
	$(BIN)/python -m bench.lists

clean:
	rm -rf $(VENV) .pytest_cache
