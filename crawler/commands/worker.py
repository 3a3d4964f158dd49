"""``scrapy worker [SPIDER…] [--group G]``: one worker of a distributed crawl.

Runs the given spiders (default: every ``NewsSpider``; ``--group G``: those of one group) in
this process, each on its shared frontier in Redis (``SCRAPY_PROJECT=distributed``; see
``crawler.distributed``). Start as many as you like, on as many machines: they share the
queue, the dupefilter, the seen-store, the dedup index and the database, and take no lock.
Each spider ends once its frontier stayed empty for ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds
(0: never — a long-running worker waiting for ``scrapy seed``).

Prints the run summary at the end (``crawler.summary``: the per-site table, one line per
unhealthy site, one JSON line in the log); a site's health comes from this worker's share of it
only (``crawler.health``: its error rate is judged from ``HEALTH_MIN_REQUESTS`` requests on, as
a share may be a handful of pages). Exits 1 when a site is unhealthy, 2 when the settings cannot
run distributed, the database, Redis or the dedup index cannot be used (nothing runs), or a
spider is misconfigured (it does not run, the others do) — see ``crawler.preflight``.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand

from crawler.cli import operator_errors
from crawler.commands import require_private_data_dir
from crawler.preflight import Preflight, prepare_storage, report_problems, run_preflight, spider_names
from crawler.summary import RunSummary


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[SPIDER ...] [--group G]"

    def short_desc(self) -> str:
        return "Distributed crawl: run one worker on the shared Redis frontier (SCRAPY_PROJECT=distributed)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--group", help="only spiders whose `group` attribute is this")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        settings = self.crawler_process.settings
        require_private_data_dir(settings, "worker")
        loader = self.crawler_process.spider_loader
        summary = RunSummary("worker", settings, settings.get("LOG_FILE"))
        names = spider_names(loader, args, opts.group)
        preflight = Preflight.for_crawl(settings, {n: loader.load(n) for n in names}, distributed=True)
        failed = run_preflight("worker", preflight, summary)  # misconfigured spiders: not run, printed under the table
        if failed is not None:
            self.exitcode = failed
            return
        if not names:
            print(f"worker: no spider to run (group {opts.group!r})", file=sys.stderr)
            summary.error = f"no spider to run (group {opts.group!r})"
            self.exitcode = summary.emit()
            return
        prepare_storage(settings)  # the tables, created or migrated, before any worker writes
        crawlers = [self.crawler_process.create_crawler(n) for n in names if n not in preflight.bad_spiders]
        for crawler in crawlers:
            self.crawler_process.crawl(crawler)
        if crawlers:
            self.crawler_process.start()
        summary.add_crawlers(crawlers)
        summary.not_run = preflight.bad_spiders
        self.exitcode = summary.emit()
        if preflight.bad_spiders:
            report_problems("worker", preflight.problems)
