# Kafaat — the two set-up commands: `make demo` and `make test`. Everything else is what they are made of.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: demo test install lint format messages check-deploy clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)
	$(PY) -m kafaat compiletranslations

## Run the product with demo data on the embedded SQLite database.
demo: install
	$(PY) -m kafaat demo

## Run the whole suite: ruff, then pytest on SQLite and, when a server answers, on PostgreSQL too.
test: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m kafaat.testing.run_suites

lint: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## Extract new strings into the catalogues (needs GNU gettext, a developer's tool only).
messages: install
	cd kafaat && ../$(PY) ../manage.py makemessages --all --no-obsolete --ignore "*/tests/*"

check-deploy: install
	KAFAAT_ENV=production KAFAAT_SECRET_KEY=$$(openssl rand -hex 32) KAFAAT_ALLOWED_HOSTS=kafaat.example.org \
	  KAFAAT_HASH_KEY=$$(openssl rand -hex 32) \
	  KAFAAT_FIELD_KEYS=$$($(PY) -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
	find kafaat -name "*.mo" -delete
