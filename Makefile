# Two commands: `make demo` runs the app with demo data; `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3
# Test processes (pytest-xdist); the Celery worker tests share one process, see tests/reports.
TEST_PROCESSES ?= 2

.PHONY: install demo test lint chromium wrk bench load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving http://127.0.0.1:8000 (Celery tasks run in-process). Stop with Ctrl+C."
	$(PY) manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's Chromium; PDFs are checked with poppler's pdftoppm.
chromium:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null \
		|| ! fc-list 2>/dev/null | grep -q NotoColorEmoji \
		|| ! fc-list 2>/dev/null | grep -q NotoSansCJK; then \
		echo "Installing chromium, poppler-utils and the reports' Noto fonts with apt-get"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils \
			fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji) \
		|| echo "Could not install chromium: browser tests will fail"; \
	fi

# The benchmark drives gunicorn with Debian's wrk (a load generator far lighter than the server).
wrk:
	@if ! command -v wrk >/dev/null; then \
		echo "Installing wrk with apt-get"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) \
		|| echo "Could not install wrk: the benchmark will skip its load runs"; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install chromium lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist loadgroup

load: install
	bash .ci/load

bench: install wrk
	$(PY) manage.py bench

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media staticfiles artifacts
