# Kafaat — the two set-up commands: `make demo` and `make test`. Everything else is what they are made of.
# The first interpreter that is Python >= 3.11 (pyproject's requires-python); `make demo PYTHON=/path/to/python`
# picks another. Each candidate is run, not just looked up: a pyenv shim exists even when its version is absent.
PYTHON ?= $(firstword $(foreach candidate,python3.11 python3.12 python3.13 python3,\
  $(shell $(candidate) -c "import sys; sys.exit(sys.version_info < (3, 11))" >/dev/null 2>&1 && echo $(candidate))))
ADDR   ?= 127.0.0.1:8000
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
AXE    := node_modules/axe-core/axe.min.js

.PHONY: demo test install lint format messages check-deploy clean

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (none of python3.11, python3.12, python3.13, python3 is); set PYTHON=/path/to/python"; exit 1; }
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info < (3, 11))" 2>/dev/null || { echo "Python 3.11 or newer is needed ($(PYTHON) is not)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP) $(AXE)
	$(PY) -m kafaat compiletranslations

# axe-core for the accessibility browser tests (package-lock.json pins it; nothing of it is served to users).
# Without npm the step is skipped with a word, and so are those tests (unless KAFAAT_REQUIRE_BROWSER=1).
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $(AXE); \
	else echo "npm is missing: the accessibility browser tests will be skipped (apt-get install npm)"; fi

## Run the product with demo data on the embedded SQLite database (`make demo ADDR=0.0.0.0:8080`).
demo: install
	$(PY) -m kafaat demo --addr $(ADDR)

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
	rm -rf $(VENV) var .pytest_cache .ruff_cache node_modules
	find kafaat -name "*.mo" -delete
