# The two commands of the README: `make run` and `make test`. Each makes (or reuses) .venv
# with a Python >= 3.12 and installs the project into it first. `make test` also sets up the
# Cypher linter, chromium, and Java with Maven for the local Neo4j its tests start and stop.
VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
LINT_DIR  := tools/cypher-lint
SCALE     ?= S
DB        ?= embedded
NEO4J_DIR := tools/neo4j
NEO4J_DATA ?= neo4j-data

.PHONY: run test lint venv lint-tools browser java neo4j neo4j-stop clean-venv bench soak bytecode

run: $(STAMP) bytecode
	$(VENV)/bin/graphcrm demo
	$(VENV)/bin/graphcrm serve

# The suite starts its own Neo4j (tests/conftest.py, in a temporary folder, on a free port)
# and stops it at the end; every store test runs on the embedded engine and on Neo4j. Two
# workers (pytest-xdist, one Neo4j each): 537 s against about 700 s in one, on 2 cores. Both
# keep the 2 cores busy, so what saves time is CPU saved (the test Neo4j's C1-only JIT: 12 min
# 23 s of pytest against 13 min 53 s; docs/performance.md, "Issue 17, eleventh pass").
test: $(STAMP) bytecode lint lint-tools browser java
	$(PY) -m pytest -n 2 --dist loadfile --durations=25 $(PYTEST_ARGS)

# graphcrm's bytecode, written ahead: where PYTHONDONTWRITEBYTECODE is set (as on these
# machines), Python never writes it, and every command and test process compiled graphcrm again
# (about 80 ms of each start; the crash and store tests' processes took 8% less CPU with it).
bytecode: $(STAMP)
	@$(PY) -m compileall -q graphcrm web

lint: $(STAMP)
	$(VENV)/bin/ruff check graphcrm tests web bench
	$(VENV)/bin/ruff format --check graphcrm tests web bench
	$(VENV)/bin/mypy

# The performance benchmark (docs/performance.md): `make bench` runs scale S (a couple of
# minutes), `make bench SCALE=M` the 100k-people one. Results go to bench/results/.
bench: $(STAMP)
	$(PY) -m bench.run --scale $(SCALE) --db $(DB) $(BENCH_ARGS)

# Every question of the command line as a user runs it, cold and warm (docs/performance.md, "The
# command line"), on a database already imported: `make bench-cli CLI_DB=/tmp/mdb` after
# `graphcrm import --db /tmp/mdb bench/data/M`. Results go to bench/results/cli-<scale>.md.
.PHONY: bench-cli
bench-cli: $(STAMP)
	$(PY) -m bench.cli --db $(or $(CLI_DB),$(error give the database: make bench-cli CLI_DB=FOLDER)) $(BENCH_ARGS)

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
	@# setuptools warns about every editable install with a package-dir mapping: not ours to fix
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
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

# Java 17+ and Maven build and run the local Neo4j (tools/neo4j/): Debian's packages when
# missing and we are root, else a line saying what to install.
java:
	@if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	        echo "installing Java 17 and Maven (Debian packages) for the local Neo4j"; \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null; \
	    else \
	        echo "the local Neo4j needs Java 17+ and Maven: install them (e.g. apt-get install openjdk-17-jdk-headless maven)" >&2; \
	    fi; \
	fi

# A local Neo4j Community (tools/neo4j/: Neo4j 5.26 LTS with APOC and OpenGDS, from Maven
# Central) in the background, data in ./neo4j-data, Bolt on 127.0.0.1 (port 7687, or
# NEO4J_PORT=…; 0 takes a free one). Its last line is NEO4J_URI=bolt://127.0.0.1:PORT.
neo4j: $(STAMP) java
	@GRAPHCRM_NEO4J_PORT=$(or $(NEO4J_PORT),7687) $(PY) $(NEO4J_DIR)/local_neo4j.py start $(NEO4J_DATA)

neo4j-stop:
	@python3 $(NEO4J_DIR)/local_neo4j.py stop $(NEO4J_DATA)

clean-venv:
	rm -rf $(VENV)
