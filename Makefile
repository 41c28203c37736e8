# Two commands for a fresh machine with Python 3.11+, git and make:
#   make serve   build the virtual environment on first use, serve the site
#   make test    same set-up, then every check CI runs
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
export NO_MKDOCS_2_WARNING := 1
# Python writes its bytecode cache even where the environment says not to, as
# many container images do: without it, every test process compiles the
# project and its tests again, about 2 s each. Into .cache/, not beside the
# sources: docs/assets/run/*.py are site files, and a __pycache__ there would
# be shipped with the site.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(CURDIR)/.cache/pycache

.PHONY: serve test quick lint build build-zensical lock clean

$(STAMP): pyproject.toml sitetools/pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e '.[docs,test]' -e ./sitetools
	touch $(STAMP)

# npm packages (package.json, exact versions and hashes in package-lock.json)
# for the checks and site parts that need Node. Reinstalled when the lock
# changes; without npm, everything else still works and this is said once.
NPM := $(shell command -v npm 2>/dev/null)
ifneq ($(NPM),)
NODE_SETUP := node_modules/.installed-stamp
$(NODE_SETUP): package.json package-lock.json
	$(NPM) ci --loglevel=error
	touch $(NODE_SETUP)
else
NODE_SETUP := no-npm
.PHONY: no-npm
no-npm:
	@echo "make: npm not found, so the npm packages in package.json are not" \
		"installed and the checks that need them are SKIPPED (install Node.js" \
		"and npm to run them)"
endif

# Python for the Run buttons: pyodide's files (from node_modules) and the
# chapter2 wheel, put in docs/assets/run/python/ for both builders to serve
# (sitetools/runtime.py). Without pyodide it says why, once.
.PHONY: runtime
runtime: $(STAMP) $(NODE_SETUP)
	@$(BIN)/python -m sitetools.runtime

SETUP := $(STAMP) $(NODE_SETUP) runtime

# Zensical only for what uses it: build-zensical, and the tests that compare
# its build with MkDocs' (pyproject.toml, extra "zensical").
ZENSICAL_STAMP := $(VENV)/.zensical-stamp
$(ZENSICAL_STAMP): $(STAMP) constraints-zensical.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -c constraints-zensical.txt -e '.[docs,test,zensical]'
	touch $(ZENSICAL_STAMP)

# make serve PORT=8001 serves on another port. The wrapper is mkdocs serve with
# its redirect from / to the site's path logged as INFO, not as a WARNING.
PORT ?= 8000
serve: $(SETUP)
	$(BIN)/python -m sitetools.serve --dev-addr 127.0.0.1:$(PORT) \
		--livereload --watch-theme

# ruff, then mypy --strict on the Python that pyproject.toml's [tool.mypy]
# lists, then Biome on the site's scripts and styles (biome.jsonc) and the
# ES2020 bound on the scripts; the last two need npm's packages.
lint: $(SETUP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
ifneq ($(NPM),)
	node_modules/.bin/biome check --error-on-warnings
	node tests/support/script_dialect.mjs
endif

# One test process per core (at most 4), with pytest-xdist; tests that share a
# browser page run in one of them (tests/conftest.py). PARALLEL= runs in one.
PARALLEL ?= --numprocesses auto --maxprocesses 4

test: lint $(ZENSICAL_STAMP)
	$(BIN)/pytest $(PARALLEL) $(PYTEST_ARGS)

# Screenshots of every page in both palettes (and at 375 px) for a reviewer,
# in .cache/screenshots/, taken while the browser tests run.
.PHONY: screenshots
screenshots: $(SETUP) $(ZENSICAL_STAMP)
	$(BIN)/pytest $(PARALLEL) -m browser -q --screenshots $(PYTEST_ARGS)

# The fast loop while writing: everything but the browser tests, which are
# not even collected (importing them costs each test process 0.2 s).
quick: lint $(ZENSICAL_STAMP)
	$(BIN)/pytest $(PARALLEL) --ignore=tests/browser -q $(PYTEST_ARGS)

# The tests that need no browser, on every CPython 3.11+ that nox finds on
# PATH or under pyenv, each in its own environment under .cache/nox/
# (noxfile.py). Not part of make test: set-up and a run take a minute or more
# per version.
.PHONY: test-pythons
test-pythons: $(SETUP)
	$(BIN)/nox --noxfile noxfile.py $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

build: $(SETUP)
	$(BIN)/mkdocs build --strict --site-dir site

# The same site built by Material's successor, into site-zensical/ (zensical.yml).
build-zensical: $(SETUP) $(ZENSICAL_STAMP)
	$(BIN)/zensical build --strict --config-file zensical.yml

# Re-pin every dependency after editing pyproject.toml: resolves in a scratch
# environment and writes the exact versions that `make` then installs.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check '.[docs,test]' ./sitetools
	echo "# Exact versions installed by make; regenerate with make lock." > constraints.txt
	.lock-venv/bin/python -m pip freeze --exclude chapter2 --exclude chapter2-sitetools >> constraints.txt
# Zensical's extra, resolved on top of those pins so it changes none of them.
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt '.[zensical]'
	echo "# What the zensical extra adds to constraints.txt; regenerate with make lock." \
		> constraints-zensical.txt
	.lock-venv/bin/python -m pip freeze --exclude chapter2 \
		| grep -vxFf constraints.txt | grep -v ' @ ' >> constraints-zensical.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules docs/assets/run/python site site-zensical .cache .mypy_cache .ruff_cache .hypothesis build *.egg-info sitetools/*.egg-info
