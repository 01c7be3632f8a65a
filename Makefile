# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1

.PHONY: run test install lint bench-routing clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the dependencies change.
$(VENV)/.stamp-install: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: $(VENV)/.stamp-install
	$(BIN)/pybabel compile --use-fuzzy -d paniers/translations -D messages >/dev/null

install: $(VENV)/.stamp-install translations

run: install
	$(BIN)/paniers db upgrade
	$(BIN)/paniers seed-demo --if-empty --live-week
	@echo "Paniers: http://$(HOST):$(PORT)/ (Ctrl-C stops the web server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A paniers.celery_worker worker --beat --concurrency=1 --loglevel=INFO \
	    --schedule=instance/celerybeat-schedule & \
	$(BIN)/paniers run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest tests/unit tests/integration tests/e2e -q

# The pure optimisers are type-checked on their own (their imports followed silently):
# one folder each, and the units they share with the application.
OPTIMISERS := routing paniers/allocation/optimiser canteens/menu_planner canteens/calendar.py producers/units.py

# Lint: ruff, mypy on the pure optimisers, and the import contracts between areas and
# layers ([tool.importlinter] in pyproject.toml).
lint: install
	$(BIN)/ruff check paniers producers canteens routing tests
	$(BIN)/mypy --follow-imports=silent $(OPTIMISERS)
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance build *.egg-info
