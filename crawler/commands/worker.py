"""``scrapy worker [SPIDER…] [--group G]``: one worker of a distributed crawl.

Runs the given spiders (default: every ``NewsSpider``; ``--group G``: those of one group) in
this process, each on its shared frontier in Redis (``SCRAPY_PROJECT=distributed``; see
``crawler.distributed``). Start as many as you like, on as many machines: they share the
queue, the dupefilter, the seen-store, the dedup index and the database, and take no lock.
Each spider ends once its frontier stayed empty for ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds
(0: never — a long-running worker waiting for ``scrapy seed``).

Prints the per-site table at the end; exits 1 when a spider did not finish or the worker's ERROR
lines (all its spiders together: its share of one site may be a handful of pages) passed
``CRAWLALL_MAX_ERROR_RATE`` of its responses (judged from 20 responses on), 2 when the settings
cannot run distributed, the database, Redis or the dedup index cannot be used (nothing runs), or
a spider is misconfigured (it does not run, the others do) — see ``crawler.preflight``.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cli import operator_errors
from crawler.commands import require_private_data_dir
from crawler.commands.crawlall import error_rate
from crawler.preflight import EXIT_CONFIG, Preflight, log_problems, report_problems
from crawler.runstats import crawler_stats, format_site_table, site_row

# below this many responses a rate says little (a share holding the one 500 page of a round)
MIN_RESPONSES_FOR_ERROR_RATE = 20


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
        from crawler.distributed import news_spider_names, prepare_storage  # scrapy-redis: workers only

        assert self.crawler_process is not None
        settings = self.crawler_process.settings
        require_private_data_dir(settings, "worker")
        loader = self.crawler_process.spider_loader
        try:
            names = news_spider_names(loader, args, opts.group)
        except KeyError as exc:
            raise UsageError(exc.args[0], print_help=False) from None
        preflight = Preflight.for_crawl(settings, {n: loader.load(n) for n in names}, distributed=True)
        preflight.run()
        if preflight.fatal:
            report_problems("worker", preflight.fatal)
            self.exitcode = EXIT_CONFIG
            return
        log_problems(preflight.problems)  # misconfigured spiders: not run, printed under the table
        if not names:
            print(f"worker: no spider to run (group {opts.group!r})", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        prepare_storage(settings)
        crawlers = [self.crawler_process.create_crawler(n) for n in names if n not in preflight.bad_spiders]
        for crawler in crawlers:
            self.crawler_process.crawl(crawler)
        if crawlers:
            self.crawler_process.start()
        stats = {c.spidercls.name: crawler_stats(c) for c in crawlers}
        print(format_site_table([site_row(name, s) for name, s in stats.items()]))
        unfinished = [n for n, s in stats.items() if s.get("finish_reason") != "finished"]
        if unfinished:
            print(f"worker: spiders that did not finish: {', '.join(unfinished)}")
            self.exitcode = 1
        # A worker's share of one site can be a handful of pages: judge its errors over all its
        # sites. Scrapy counts every log line of the process in each crawler's log_count/*, so the
        # process's ERROR lines are the largest of those counts, not their sum.
        limit = settings.getfloat("CRAWLALL_MAX_ERROR_RATE")
        total = {"log_count/ERROR": max((s.get("log_count/ERROR", 0) for s in stats.values()), default=0),
                 "downloader/response_count": sum(s.get("downloader/response_count", 0) for s in stats.values())}
        if total["downloader/response_count"] >= MIN_RESPONSES_FOR_ERROR_RATE and error_rate(total) > limit:
            print(f"worker: {total['log_count/ERROR']} ERROR lines for {total['downloader/response_count']} "
                  f"responses (more than {limit:.0%})")
            self.exitcode = 1
        if preflight.bad_spiders:
            report_problems("worker", preflight.problems)
            self.exitcode = EXIT_CONFIG  # a configuration error wins over a failed crawl
