# Сеть практик — the two commands of the quick start, and what they stand on.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run run-cluster test test-unit lint install migrate demo rebuild-read-model backup restore bench clean

run: install  ## venv, broker, migrations, demo network, every service and the gateway (Ctrl-C stops)
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/practice-network run

run-cluster: install  ## the same with 2 replicas of every service and of the gateway (:8000 and :8001)
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/practice-network run --replicas 2

test: install lint  ## the whole suite, against the real RabbitMQ, SQLite and PostgreSQL, and the pages in Chromium (checked by axe-core), the сборник in LibreOffice (Writer) and an imported workbook saved by LibreOffice (Calc)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	@command -v soffice >/dev/null && test -f /usr/lib/libreoffice/program/libsclo.so || \
		(apt-get update -qq && apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui)
	@test -f var/axe/node_modules/axe-core/axe.min.js || npm install --silent --no-audit --no-fund --prefix var/axe axe-core@4.14.1
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: install  ## the quick loop: tests/unit only (no broker, no database server, no browser), about a minute
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

lint: install  ## ruff, configured in pyproject.toml ([tool.ruff]); `$(BIN)/ruff check --fix .` mends most findings
	$(BIN)/ruff check .

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

migrate: install
	$(BIN)/practice-network migrate

demo: install
	$(BIN)/practice-network load-demo

rebuild-read-model: install
	$(BIN)/practice-network rebuild-read-model

backup: install  ## every service's database and the file store into BACKUP_DIR (default var/backups/<time>)
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/practice-network backup $(if $(BACKUP_DIR),--to $(BACKUP_DIR))

restore: install  ## make restore FROM=var/backups/<time> [FORCE=1]: into the stopped network
	@test -n "$(FROM)" || (echo "Укажите каталог резервной копии: make restore FROM=var/backups/..."; exit 2)
	PYTHONWARNINGS=ignore::DeprecationWarning $(BIN)/practice-network restore --from $(FROM) $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) var

bench: install  ## every target of issue 14 against its baseline in one run (BENCH_ENTRIES=5000 for a quick one)
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) || \
		echo "wrk недоступен: замеры по HTTP будут пропущены"
	PYTHONWARNINGS=ignore::DeprecationWarning PYTHONPATH=. $(BIN)/python -m bench.run
