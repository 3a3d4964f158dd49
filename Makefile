# newsdedup. Only `make install` installs (into .venv, from pyproject.toml; again after pyproject.toml
# changed). On a fresh clone the interactive targets (demo, test, lint, eval, bench) run it once first;
# afterwards no target but `install` ever runs pip, and crawl / crawl-all (used from cron) never
# install at all: without .venv they stop with a one-line message and exit 2.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
INSTALLED := $(BIN)/.installed
SPIDER ?= harbor_gazette
# The project's top-level packages (settings, crawler, pipelines) must win over any
# installed module of the same name: repo root first on PYTHONPATH, Scrapy run as a module.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))
SCRAPY := $(BIN)/python -m scrapy

.PHONY: install installed-once venv-required demo crawl crawl-all test lint eval bench bench-workers clean-data

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(INSTALLED)  ## create .venv and install (again when pyproject.toml changed); the only target that installs

installed-once:  # interactive targets: install on a fresh clone, afterwards only say that pyproject.toml changed
	@if [ ! -f $(INSTALLED) ]; then $(MAKE) --no-print-directory install; \
	elif [ pyproject.toml -nt $(INSTALLED) ]; then echo "note: pyproject.toml changed since the last install; run: make install" >&2; fi

venv-required:  # cron targets: never install
	@if [ ! -f $(INSTALLED) ]; then echo "$(CURDIR): no installed .venv; run: make install" >&2; exit 2; fi

demo: installed-once  ## offline demo crawl on the embedded defaults (Redis + SQLite under data/)
	$(SCRAPY) demo

crawl: venv-required  ## one spider: make crawl SPIDER=name
	$(SCRAPY) crawl $(SPIDER)

test: installed-once  ## the test suite (REDIS_URL unset = embedded Redis; set it to use a server)
	$(BIN)/python -m pytest -q

lint: installed-once  ## ruff, and the import contracts of pyproject.toml ([tool.importlinter]: one-way layers)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

clean-data:  ## forget everything the demo stored (index + database); stops its embedded Redis first
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m crawler.stop_embedded_redis data; fi
	rm -rf data

CORPUS ?= ../shared/corpus
eval: installed-once  ## quality on CORPUS (a folder holding dedup/ and extraction/); exit 2 when it is missing
	@test -d "$(CORPUS)" || { echo "make eval: no corpus folder $(CORPUS); give CORPUS=path (a folder holding dedup/ and extraction/)" >&2; exit 2; }
	$(BIN)/python -m benchmarks.eval_dedup --corpus "$(CORPUS)/dedup"
	$(BIN)/python -m benchmarks.eval_extraction --corpus "$(CORPUS)/extraction"

bench: installed-once  ## start-up of scrapy list; dedup cost per layer, keep=best vs first, round trips, Redis bytes, latency at 10k/100k/1M; Redis bytes per article by kind of key; crawl throughput; replay throughput; 2 vs 1 workers
	$(BIN)/python -m benchmarks.bench_startup
	$(BIN)/python -m benchmarks.bench_dedup
	$(BIN)/python -m benchmarks.bench_keep
	$(BIN)/python -m benchmarks.bench_rebuild
	$(BIN)/python -m benchmarks.bench_memory
	$(BIN)/python -m benchmarks.bench_throughput
	$(BIN)/python -m benchmarks.bench_replay
	$(BIN)/python -m benchmarks.bench_workers
	$(BIN)/python -m benchmarks.bench_cluster

bench-workers: installed-once  ## distributed crawl: 48 sites, pages/s of 1 and 2 workers vs cores x extraction-alone (own redis-server, or REDIS_URL)
	$(BIN)/python -m benchmarks.bench_workers

crawl-all: venv-required  ## every spider in one locked process (GROUP=demo: the demo sites); cron: the README's line
	$(SCRAPY) crawlall $(if $(GROUP),--group $(GROUP))
