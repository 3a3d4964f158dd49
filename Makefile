# newsdedup — every target installs what it needs into .venv first (from pyproject.toml).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SPIDER ?= harbor_gazette
# The project's top-level packages (settings, crawler, pipelines) must win over any
# installed module of the same name: repo root first on PYTHONPATH, Scrapy run as a module.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))
SCRAPY := $(BIN)/python -m scrapy

.PHONY: install demo crawl crawl-all test lint eval bench bench-workers clean-data

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install  ## offline demo crawl on the embedded defaults (Redis + SQLite under data/)
	$(SCRAPY) demo

crawl: install  ## one spider: make crawl SPIDER=name
	$(SCRAPY) crawl $(SPIDER)

test: install  ## the test suite (REDIS_URL unset = embedded Redis; set it to use a server)
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .

clean-data:  ## forget everything the demo stored (index + database); stops its embedded Redis first
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m crawler.stop_embedded_redis data; fi
	rm -rf data

CORPUS ?= ../shared/corpus
eval: install  ## quality on CORPUS (a folder holding dedup/ and extraction/); exit 2 when it is missing
	@test -d "$(CORPUS)" || { echo "make eval: no corpus folder $(CORPUS); give CORPUS=path (a folder holding dedup/ and extraction/)" >&2; exit 2; }
	$(BIN)/python -m benchmarks.eval_dedup --corpus "$(CORPUS)/dedup"
	$(BIN)/python -m benchmarks.eval_extraction --corpus "$(CORPUS)/extraction"

bench: install  ## start-up of scrapy list; dedup cost per layer, round trips, Redis bytes, latency at 10k/100k/1M; crawl throughput; 2 vs 1 workers
	$(BIN)/python -m benchmarks.bench_startup
	$(BIN)/python -m benchmarks.bench_dedup
	$(BIN)/python -m benchmarks.bench_rebuild
	$(BIN)/python -m benchmarks.bench_throughput
	$(BIN)/python -m benchmarks.bench_workers

bench-workers: install  ## distributed crawl: pages/s of 2 workers vs 1 (needs a Redis server; REDIS_URL, default local)
	$(BIN)/python -m benchmarks.bench_workers

crawl-all: install  ## every spider in one locked process, for cron (GROUP=demo for the demo sites)
	$(SCRAPY) crawlall $(if $(GROUP),--group $(GROUP))
