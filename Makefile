# LiveDesk: `make demo` to see it run, `make test` to run the tests (all of them with CI=true or SLOW=1). Both set
# themselves up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
SEED   ?= 42
RATE   ?= 15
export HOST PORT

.PHONY: setup speedups translations migrate demo serve test test-fast bench clean-demo extract-messages

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed translations speedups

# The compiled helper of the chat moderation pipeline (live/moderation/rules/speedups.py), rebuilt when its C changed.
speedups: $(VENV)/.installed
	$(BIN)/python live/moderation/rules/build_speedups.py --if-stale

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d app/translations -D messages 2>&1 | grep -v '^compiling' || true

migrate: setup
	$(FLASK) db upgrade

# Set up, migrate, load the demo data, then run the console with a simulated broadcast feeding it.
demo: migrate
	$(FLASK) seed-demo
	@echo "Starting the console on http://$(HOST):$(PORT) with a simulated broadcast (Ctrl-C stops both)."
	@bash -c 'trap "kill 0" EXIT INT TERM; \
	  $(FLASK) simulate --seed $(SEED) --rate $(RATE) --url http://$(HOST):$(PORT) & \
	  $(BIN)/python wsgi.py'

serve: migrate
	$(BIN)/python wsgi.py

# The suite runs in TEST_WORKERS parallel processes (pytest-xdist; `TEST_WORKERS=0` runs it in this one), each
# handed a few tests at a time so that the long browser sweeps spread over all of them.
TEST_WORKERS ?= 3
TEST_PARALLEL = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist load --maxschedchunk 4)

# Tests marked slow (each takes more than a few seconds: the sweeps of every page at every size, the API fuzzer, races
# between processes) run when CI=true (as .ci/run sets) or SLOW=1; otherwise `make test` leaves them out and says so.
TEST_ALL = $(filter true 1,$(CI) $(SLOW))
test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider $(TEST_PARALLEL) $(if $(TEST_ALL),,-m "not slow")
	@$(if $(TEST_ALL),true,echo "Left out: the tests marked slow. SLOW=1 make test (or CI=true, as .ci/run) runs them too.")

test-fast: setup
	$(BIN)/python -m pytest -q -m "not browser and not slow" $(TEST_PARALLEL)

bench: setup
	$(BIN)/python bench/ingest.py

extract-messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k pgettext:1c,2 -k lazy_pgettext:1c,2 -o app/translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -i app/translations/messages.pot -d app/translations

clean-demo:
	rm -f $${LIVEDESK_INSTANCE:-instance}/livedesk.sqlite3* $${LIVEDESK_INSTANCE:-instance}/demo_token
