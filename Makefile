# The two commands of the README: `make run` and `make test`. Each makes (or reuses) .venv
# with a Python >= 3.12 and installs the project into it first.
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
LINT_DIR  := tools/cypher-lint
SCALE     ?= S

.PHONY: run test lint venv lint-tools browser clean-venv bench soak

run: $(STAMP)
	$(VENV)/bin/graphcrm demo
	$(VENV)/bin/graphcrm serve

test: $(STAMP) lint-tools browser
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check graphcrm tests web bench
	$(VENV)/bin/ruff format --check graphcrm tests web bench

# The performance benchmark (docs/performance.md): `make bench` runs scale S (a couple of
# minutes), `make bench SCALE=M` the 100k-people one. Results go to bench/results/.
bench: $(STAMP)
	$(PY) -m bench.run --scale $(SCALE) $(BENCH_ARGS)

# The served viewer under 8 concurrent clients for 60 s of pages, API calls and small imports
# (docs/performance.md, "Concurrent users"): `make soak SOAK_ARGS="--seconds 300 --scale S"`.
# Results go to bench/results/soak.md (and .json); fails on any error.
soak: $(STAMP)
	$(PY) -m bench.soak $(SOAK_ARGS)

venv: $(STAMP)

$(STAMP): pyproject.toml
	@set -e; \
	if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo "$(VENV) holds an old Python: making it again"; rm -rf $(VENV); fi; \
	if [ ! -x $(PY) ]; then \
	    python=$$(sh tools/find-python.sh) || exit 1; \
	    echo "making $(VENV) with $$python"; \
	    "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The Neo4j Cypher linter (npm), pinned in tools/cypher-lint/package-lock.json.
lint-tools: $(LINT_DIR)/node_modules/.package-lock.json

$(LINT_DIR)/node_modules/.package-lock.json: $(LINT_DIR)/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	        echo "installing Node.js and npm (Debian packages) for the Cypher lint"; \
	        apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; \
	    else \
	        echo "the Cypher lint needs Node.js >= 18 with npm: install them (e.g. apt-get install nodejs npm)" >&2; \
	        exit 1; \
	    fi; \
	fi
	npm ci --prefix $(LINT_DIR) --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's chromium for the browser tests (playwright drives it; no browser download).
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	        echo "installing Debian's chromium for the browser tests"; \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	    else \
	        echo "the browser tests need chromium: install it (e.g. apt-get install chromium)" >&2; \
	    fi; \
	fi

clean-venv:
	rm -rf $(VENV)
