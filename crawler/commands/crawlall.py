"""``scrapy crawlall [--group G]``: the cron runner.

Runs every spider (or those whose ``group`` is G) in one process, sharing the dedup index;
takes a lock so overlapping runs do not collide (the second exits at once with exit code
75 and a message saying who holds the lock); logs to ``DATA_DIR/logs/crawlall-<UTC>.log``;
after the crawl, still under the lock, prunes what is past its retention (``crawler.retention``:
``prune/<kind>`` counts in the log, a ``Pruned:`` line under the table); prints a per-site table;
exits 1 when a spider did not finish or its error rate passed ``CRAWLALL_MAX_ERROR_RATE`` (ERROR
log lines per response).

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
from typing import Any

from scrapy.commands import ScrapyCommand

from crawler.cli import operator_errors
from crawler.commands import require_private_data_dir
from crawler.preflight import EXIT_CONFIG, Preflight, log_problems, report_problems
from crawler.retention import prune_after_run
from crawler.runlock import AlreadyRunning, RunLock, job_dir
from crawler.runstats import crawler_stats, format_site_table, log_to_run_file, site_row

EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later


def error_rate(stats: dict[str, Any]) -> float:
    """ERROR log lines per downloaded response."""
    return stats.get("log_count/ERROR", 0) / max(1, stats.get("downloader/response_count", 0))


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
        lock = RunLock(Path(settings.get("DATA_DIR")) / "crawlall.lock")
        try:
            lock.acquire()
        except AlreadyRunning as exc:
            print(f"crawlall: {exc}; exiting without crawling", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
            return
        try:
            loader = self.crawler_process.spider_loader
            names = [n for n in sorted(loader.list()) if opts.group in (None, getattr(loader.load(n), "group", None))]
            if not names:
                print(f"crawlall: no spider in group {opts.group!r}", file=sys.stderr)
                self.exitcode = EXIT_CONFIG
                return
            preflight = Preflight.for_crawl(settings, {name: loader.load(name) for name in names})
            preflight.run()
            if preflight.fatal:
                report_problems("crawlall", preflight.fatal, log=True)
                self.exitcode = EXIT_CONFIG
                return
            log_problems(preflight.problems)  # spider problems: in the run log now, printed under the table
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
        stats = {c.spidercls.name: crawler_stats(c) for c in crawlers}
        print(format_site_table([site_row(name, s) for name, s in stats.items()]))
        print(f"\nCrawl log: {self.log_file}")
        print(f"Pruned:    {pruned.line()}")
        limit = settings.getfloat("CRAWLALL_MAX_ERROR_RATE")
        failed = [n for n, s in stats.items() if s.get("finish_reason") != "finished" or error_rate(s) > limit]
        if failed:
            print(f"crawlall: failed or too many errors (> {limit:.0%} of responses): {', '.join(failed)}")
            self.exitcode = 1
        if preflight.bad_spiders:
            report_problems("crawlall", preflight.problems)
            self.exitcode = EXIT_CONFIG  # a configuration error wins over a failed crawl
