# envmon — set-up and everyday commands. Only Python >= 3.11 and make are needed; everything else comes from
# requirements.lock into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TEST_WORKERS ?= 2
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
# Both test targets: temporary files where .ci/test-tmpdir says (RAM if there is room), both cores, a file per worker
PYTEST  = TMPDIR=$$(.ci/test-tmpdir) $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# Local settings (ENVMON_* variables), if the operator made a copy of envmon.env.example.
-include envmon.env
export

# The data folder: ENVMON_DATA_DIR (environment, envmon.env or `make run ENVMON_DATA_DIR=...`), else ./data. No
# other name for it: a variable that `export` hands to a nested make (a test's `make run`) must not override it.
ENVMON_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME := $(abspath $(ENVMON_DATA_DIR))/dagster

UI_HOST ?= $(or $(ENVMON_UI_HOST),127.0.0.1)
UI_PORT ?= $(or $(ENVMON_UI_PORT),3000)

.PHONY: install run test test-fast lint ui status check-defs data-docs-assets status-assets bench lock clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP)  ## the daily job over the default window (14 days ending yesterday) on the embedded generator
	$(BIN)/envmon run $(ARGS)

test: $(STAMP)  ## the whole test suite, on both cores (a file stays on one worker; heaviest files first: tests/scheduling.py)
	.ci/system-packages
	$(PYTEST) $(ARGS)

test-fast: $(STAMP)  ## the tests that start no server, browser, subprocess or Dagster run (tests/tiers.py), < 2 min
	$(PYTEST) --fast $(ARGS)

lint: $(STAMP)  ## ruff check, ruff format --check ([tool.ruff]) and sqlfluff lint dbt_like_sql (.sqlfluff)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_like_sql

# Stops on SIGTERM (kill -TERM <make>, a CI timeout): make passes SIGTERM on to its child, which `exec` makes dg dev
# itself rather than a shell that would die alone; pipelines/ui_launch.py un-ignores SIGINT, to which dg dev maps
# SIGTERM, then becomes dg dev, which stops the webserver and the daemon.
ui: $(STAMP)  ## the Dagster UI (webserver + daemon) on http://127.0.0.1:3000, through `dg dev` and [tool.dg]
	$(BIN)/envmon instance
	VIRTUAL_ENV=$(abspath $(VENV)) exec $(BIN)/python -m pipelines.ui_launch $(BIN)/dg dev -h $(UI_HOST) -p $(UI_PORT)

check-defs: $(STAMP)  ## load every definition as the UI and the daemon do (`dg check defs`), then list them
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/dg check defs
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/dg list defs --json > /dev/null

data-docs-assets:  ## refresh the vendored Data Docs CSS/JS/fonts from npm (by hand; needs npm)
	$(BIN)/python -m assets.quality.vendor_data_docs

status: $(STAMP)  ## the status page (联防联控看板) rebuilt from the snapshot and served on http://127.0.0.1:8080
	$(BIN)/envmon status
	exec $(BIN)/envmon serve

status-assets:  ## refresh the status page's vendored ECharts from npm (by hand; needs npm; VERSION=x.y.z to pin)
	$(BIN)/python -m status_page.vendor_echarts $(VERSION)

bench: $(STAMP)  ## benchmarks (by hand; figures go to bench/README.md)
	$(BIN)/python -m bench $(ARGS)

lock:  ## re-resolve requirements.lock from pyproject.toml (needs network access to PyPI)
	$(PYTHON) -m pip install --quiet uv && $(PYTHON) -m uv pip compile pyproject.toml --extra test --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) build *.egg-info
