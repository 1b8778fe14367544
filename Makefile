# Dangol — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
REQS := requirements/base.txt requirements/dev.txt $(wildcard requirements/analytics.txt requirements/textmining.txt)
STAMP := $(VENV)/.installed
PG_PORT ?= 54329
export DJANGO_SETTINGS_MODULE := dangol.settings

.PHONY: demo test lint typecheck unit test-sqlite test-postgres browser bench serve install system-deps messages clean

$(STAMP): pyproject.toml $(REQS) requirements/constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(addprefix -r ,$(REQS)) -c requirements/constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## make demo: install, migrate, load the Korean demo data, print a login, serve :8000 with the job worker
demo: $(STAMP)
	$(BIN)/dangol compilemessages --ignore=.venv -v0
	$(BIN)/dangol migrate --no-input -v0
	$(BIN)/dangol demo-data --customers 5000 --seed 2026 --if-empty
	$(BIN)/dangol value-refresh
	$(BIN)/dangol campaigns-demo
	@echo ""
	@echo "  Dangol: http://127.0.0.1:8000/   로그인 admin / dangol-demo-2026  (상담원 agent / dangol-demo-2026)"
	@echo ""
	DANGOL_SSL_REDIRECT=$${DANGOL_SSL_REDIRECT:-false} $(BIN)/dangol serve --bind 127.0.0.1:8000

## System packages the tests need: Debian chromium, PostgreSQL, Korean fonts, gettext, Java (PySpark).
system-deps:
	@need=""; \
	command -v chromium >/dev/null || need="$$need chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$$need postgresql"; \
	fc-list 2>/dev/null | grep -qi "noto sans cjk" || need="$$need fonts-noto-cjk"; \
	command -v msgfmt >/dev/null || need="$$need gettext"; \
	command -v java >/dev/null || need="$$need default-jre-headless"; \
	if [ -n "$$need" ]; then \
	  echo "installing:$$need"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need) >/tmp/dangol-apt.log 2>&1 \
	    || { tail -20 /tmp/dangol-apt.log; exit 1; }; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy dangol

messages: $(STAMP)
	$(BIN)/dangol compilemessages --ignore=.venv -v0

test-sqlite: $(STAMP) messages
	$(BIN)/dangol makemigrations --check --dry-run -v0
	bash scripts/pytest-ok.sh $(BIN)/python -m pytest -m "not browser" -p no:cacheprovider

test-postgres: $(STAMP) messages
	bash scripts/with-postgres.sh $(PG_PORT) bash scripts/pytest-ok.sh $(BIN)/python -m pytest -m "not browser" \
	  -p no:cacheprovider --ignore=dangol/analytics --ignore=dangol/textmining \
	  --ignore=dangol/loyalty/tests/test_value_spark.py

browser: $(STAMP) messages
	bash scripts/pytest-ok.sh $(BIN)/python -m pytest -m browser -p no:cacheprovider

## make test: lint, types, the whole suite on SQLite and PostgreSQL, browser tests included
test: system-deps $(STAMP)
	$(MAKE) lint
	$(MAKE) typecheck
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	$(MAKE) browser

bench: $(STAMP)
	@for script in bench/*/run.py; do echo "== $$script"; $(BIN)/python $$script $(BENCH_ARGS) || exit 1; done
	@echo "== bench/campaigns/associations.py"; $(BIN)/python bench/campaigns/associations.py $(BENCH_ARGS)
	@echo "== bench/campaigns/segments.py"; $(BIN)/python bench/campaigns/segments.py $(BENCH_ARGS)
	@echo "== bench/campaigns/snapshot.py"; $(BIN)/python bench/campaigns/snapshot.py $(BENCH_ARGS)
	@echo "== bench/campaigns/launch.py"; $(BIN)/python bench/campaigns/launch.py --small $(BENCH_ARGS)

serve: $(STAMP)  # plain HTTP on 127.0.0.1 like the demo; production serves behind TLS (README)
	DANGOL_SSL_REDIRECT=$${DANGOL_SSL_REDIRECT:-false} $(BIN)/dangol serve

clean:
	rm -rf $(VENV) var/test-* .pytest_cache .mypy_cache .ruff_cache
