# The two set-up commands (README): `make run` serves the demo on :5000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `make run` is the laptop demo: DEBUG on unless the caller says otherwise.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run test lint worker beat bench token lock messages
# The compiled Dutch and French catalogues of the admin and the API (GNU gettext's msgfmt).
CATALOGUES := locale/nl/LC_MESSAGES/django.mo locale/fr/LC_MESSAGES/django.mo

# Installs exactly the locked versions, each checked against its hash.
$(STAMP): requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

%.mo: %.po
	@command -v msgfmt >/dev/null || { echo "msgfmt missing: install GNU gettext (apt-get install gettext)" >&2; exit 1; }
	msgfmt --check-format -o $@ $<

# After marking new strings: add them to the catalogues, then translate them in locale/*/*.po.
messages: $(STAMP)
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages -l nl -l fr --no-location \
		--ignore='.venv/*' --ignore='bench/*' --ignore='tests/*' --ignore='*/tests/*'

# After changing requirements*.txt: pin every version with its hashes (pip-tools).
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		-o requirements.lock requirements.txt
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		-o requirements-dev.lock requirements-dev.txt

# The server and a local worker share the SQLite file, a file cache and a file queue (.local/):
# jobs such as training never run in the web process. Ctrl-C stops both.
run: $(STAMP) .env.local $(CATALOGUES)
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py load_demo_data
	export $(RUN_ENV); \
	$(BIN)/celery -A pricing_site worker --concurrency=1 --loglevel=WARNING & \
	trap 'kill $$! 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:5000

# The laptop's settings, read by the server and every command: DEBUG on and a secret of its own.
.env.local:
	printf 'DJANGO_DEBUG=true\nDJANGO_SECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

# An API client with the default role (read, quote, predict): `make token NAME=my-app`.
token: $(STAMP) .env.local $(CATALOGUES)
	@test -n "$(NAME)" || { echo "Usage: make token NAME=my-app" >&2; exit 2; }
	@$(BIN)/python manage.py create_api_client $(NAME)

test: $(STAMP) $(CATALOGUES)
	$(BIN)/pytest --cov --cov-report=term

# The apps' layers are a contract (pyproject.toml): an import upwards, even inside a function, fails.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_DEBUG=true $(BIN)/mypy pricing_site indices zipcodes strategies mlmodels tariffs

worker: $(STAMP) $(CATALOGUES)
	$(BIN)/celery -A pricing_site worker --loglevel=INFO --concurrency=2

beat: $(STAMP)
	$(BIN)/celery -A pricing_site beat --loglevel=INFO

# Benchmarks beside their floors (README "Performance"); `make bench ARGS=--quick` for a short run.
bench: $(STAMP) $(CATALOGUES)
	$(BIN)/python -m bench $(ARGS)
