"""``scrapy crawlall [--group G]``: the cron runner.

Runs every spider (or those whose ``group`` is G) in one process, sharing the dedup index;
takes a lock so overlapping runs do not collide (the second exits at once with exit code
75 and a message saying who holds the lock); logs to ``DATA_DIR/logs/crawlall-<UTC>.log``;
after the crawl, still under the lock, prunes what is past its retention (``crawler.retention``:
``prune/<kind>`` counts in the run summary, a ``Pruned:`` line under the table).

At the end it prints the run summary (``crawler.summary``): the per-site table with each site's
errors and health, one line per unhealthy site naming it and its reason, and the same as one
JSON line in the run log. A site's health comes from its own events only (``crawler.health``).
Exit codes: 0 every site healthy, 1 one or more sites unhealthy, 2 configuration or service
error, 75 locked.

Before crawling, ``crawler.preflight`` checks the database, Redis, the dedup index and each
spider's declaration. The database or Redis unreachable (or the index built with other
parameters): one line on stderr, exit 2, nothing crawled. A misconfigured spider is not run:
the others are, the table is printed, each of its problems follows on a line of its own, and
the exit code is 2 (over 1).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from scrapy.commands import ScrapyCommand

from crawler.cli import operator_errors
from crawler.commands import require_private_data_dir
from crawler.preflight import Preflight, report_problems, run_preflight, spider_names
from crawler.retention import prune_after_run
from crawler.runlock import AlreadyRunning, RunLock, job_dir
from crawler.runstats import log_to_run_file
from crawler.summary import EXIT_LOCKED, RunSummary


class Command(ScrapyCommand):
    requires_project = True

    def short_desc(self) -> str:
        return "Run all spiders (or one group) in one process, for cron: locked, logged, with an exit status"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--group", help="only spiders whose `group` attribute is this")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        require_private_data_dir(self.settings, "crawlall")  # before the log file is created in it
        self.log_file = log_to_run_file(self.settings, opts.logfile, "crawlall")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        settings = self.crawler_process.settings
        summary = RunSummary("crawlall", settings, self.log_file)
        lock = RunLock(Path(settings.get("DATA_DIR")) / "crawlall.lock")
        try:
            lock.acquire()
        except AlreadyRunning as exc:
            print(f"crawlall: {exc}; exiting without crawling", file=sys.stderr)
            summary.error, summary.error_code = str(exc), EXIT_LOCKED
            self.exitcode = summary.emit()
            return
        try:
            loader = self.crawler_process.spider_loader
            names = spider_names(loader, [], opts.group, kind=None)
            if not names:
                print(f"crawlall: no spider in group {opts.group!r}", file=sys.stderr)
                summary.error = f"no spider in group {opts.group!r}"
                self.exitcode = summary.emit()
                return
            preflight = Preflight.for_crawl(settings, {name: loader.load(name) for name in names})
            failed = run_preflight("crawlall", preflight, summary, log=True)  # spider problems: under the table
            if failed is not None:
                self.exitcode = failed
                return
            crawlers = [self.crawler_process.create_crawler(n) for n in names if n not in preflight.bad_spiders]
            stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
            for crawler in crawlers:
                if settings.getbool("CRAWLALL_JOBDIR"):  # resumable: a killed run continues next time
                    jobs = Path(settings.get("DATA_DIR")) / "jobs"
                    crawler.settings.set("JOBDIR", str(job_dir(jobs, crawler.spidercls.name, stamp)), "cmdline")
                self.crawler_process.crawl(crawler)
            if crawlers:
                self.crawler_process.start()
            pruned = prune_after_run(settings)  # retention (crawler/retention.py), still under the lock
        finally:
            lock.release()
        summary.add_crawlers(crawlers)
        summary.not_run = preflight.bad_spiders
        summary.extra.update(pruned.stats())
        self.exitcode = summary.emit()
        print(f"\nCrawl log: {self.log_file}")
        print(f"Pruned:    {pruned.line()}")
        if preflight.bad_spiders:
            report_problems("crawlall", preflight.problems)
