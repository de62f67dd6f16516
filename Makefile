# CareBot developer commands. Every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test test-far-date lint typecheck install clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## make run: migrate the embedded SQLite db, load the demo organisation once, serve with the scheduler.
run: install
	$(BIN)/carebot db upgrade
	$(BIN)/carebot demo --if-empty
	$(BIN)/carebot serve --host $(HOST) --port $(PORT) --with-scheduler

## make test: the whole suite, on SQLite and PostgreSQL, plus ruff.
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## make test-far-date: the whole suite again with every wall clock moved to a far date (a year
## without bundled calendar data); monotonic time stays real. .ci/run runs it after `make test`.
FAR_DATE ?= 2027-06-15T10:00:00+08:00
test-far-date: install
	CAREBOT_TEST_WALL_CLOCK=$(FAR_DATE) PYTHONPATH=$(CURDIR)/tests/timetravel \
		$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check . || true
	$(BIN)/mypy

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/webhook_ingest.py
	$(BIN)/python bench/evaluation.py --runs 2000

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache *.egg-info
