# The two commands a newcomer needs: `make dev` and `make test`.
# Both create .venv when it is missing and install what they need into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# mypy cannot follow setuptools' editable-install import hook, so it reads the package
# through a symlinked tree that mirrors the installed layout (temporal_review/<part>).
MYPY_TREE := build/mypy-src

.PHONY: dev test lint typecheck pytest browser bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

dev: $(STAMP)
	$(BIN)/temporal-review dev

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	rm -rf $(MYPY_TREE) && mkdir -p $(MYPY_TREE)/temporal_review
	for part in workflows activities worker gateway; do ln -s ../../../$$part $(MYPY_TREE)/temporal_review/$$part; done
	MYPYPATH=$(MYPY_TREE) $(BIN)/mypy --strict -p temporal_review

pytest: $(STAMP) browser
	$(BIN)/pytest -q

browser:
	sh scripts/install-chromium.sh

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/decision_latency.py
	$(BIN)/python bench/creation_rate.py
	$(BIN)/python bench/inbox_at_scale.py

clean:
	rm -rf $(VENV) build .state .mypy_cache .pytest_cache .ruff_cache *.egg-info test-artifacts
