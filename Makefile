# Two entry points, both self-contained on a fresh machine with Python 3.11+:
#   make demo   set up, build a demo database and open the app on it
#   make test   set up, lint and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# First-party device plugins: separate packages, installed through their entry points
# exactly as a third party's would be (the template is copied, never installed).
PLUGIN_DIRS := $(filter-out plugins/_template/,$(dir $(wildcard plugins/*/pyproject.toml)))

.PHONY: demo test lint bench stress setup clean api-docs i18n-extract i18n-compile

$(STAMP): pyproject.toml $(wildcard plugins/*/pyproject.toml)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "assettrack needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(addprefix -e ,$(PLUGIN_DIRS))
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/assettrack demo

test: $(STAMP)
	$(BIN)/ruff check assettrack plugins tests benchmarks
	$(BIN)/python -m pytest -q

# The plugin API reference, from the code's docstrings (a test fails when it is out of date).
api-docs: $(STAMP)
	$(BIN)/python -m assettrack.api_docs > docs/api.md

# Interface languages (docs/glossary.md). i18n-extract: the messages marked in the code and
# the shipped texts into assettrack/locale/assettrack.pot, merged into every catalog (new ones
# empty, changed ones fuzzy): then translate assettrack/locale/*/LC_MESSAGES/assettrack.po.
# i18n-compile: .mo files beside them, optional (the app compiles a catalog at first use).
# The first-party plugins' catalogs are made the same way, each in its package's locale/.
LOCALE := assettrack/locale
PLUGIN_PACKAGES := $(filter-out plugins/_template/%,$(wildcard plugins/*/assettrack_*))
i18n-extract: $(STAMP)
	$(BIN)/pybabel extract -F $(LOCALE)/babel.cfg -c Translators: --no-location \
		--sort-output --project assettrack -o $(LOCALE)/assettrack.pot .
	$(BIN)/pybabel update -i $(LOCALE)/assettrack.pot -d $(LOCALE) -D assettrack --ignore-obsolete
	for package in $(PLUGIN_PACKAGES); do name=$$(basename $$package) && \
		$(BIN)/pybabel extract -F $(LOCALE)/plugin-babel.cfg --no-location --sort-output \
			--project $$name -o $$package/locale/$$name.pot $$package && \
		$(BIN)/pybabel update -i $$package/locale/$$name.pot -d $$package/locale -D $$name \
			--ignore-obsolete || exit 1; done

i18n-compile: $(STAMP)
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D assettrack
	for package in $(PLUGIN_PACKAGES); do \
		$(BIN)/pybabel compile -d $$package/locale -D $$(basename $$package) || exit 1; done

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/store_bench.py
	$(BIN)/python benchmarks/console_bench.py
	$(BIN)/python benchmarks/tui_bench.py
	$(BIN)/python benchmarks/cli_bench.py
	$(BIN)/python benchmarks/session_bench.py

# kill -9 writing commands 200 times and sync 60 times at random moments; every count must
# be 0 (several minutes)
stress: $(STAMP)
	$(BIN)/python benchmarks/crash_bench.py --kills 200
	$(BIN)/python benchmarks/sync_crash_bench.py --kills 60

clean:
	rm -rf $(VENV)
