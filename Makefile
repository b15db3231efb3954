# The two set-up commands (README): `make run` serves the demo on :5000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run` is the laptop demo: DEBUG on unless the caller says otherwise.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run test lint worker beat bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py load_demo_data
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:5000

test: $(STAMP)
	$(BIN)/pytest --cov --cov-report=term

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=true $(BIN)/mypy pricing_site indices zipcodes strategies mlmodels

worker: $(STAMP)
	$(BIN)/celery -A pricing_site worker --loglevel=INFO --concurrency=2

beat: $(STAMP)
	$(BIN)/celery -A pricing_site beat --loglevel=INFO

# Benchmarks beside their floors (README "Performance"); `make bench ARGS=--quick` for a short run.
bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)
