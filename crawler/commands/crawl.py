"""``scrapy crawl SPIDER``: Scrapy's command, with the project's preflight and exit status.

Before crawling, the dedup index is made a current build of the database (``crawler.index_sync``:
rebuilt if it was lost or is stale). At the end it prints the run summary (``crawler.summary``: the
site's row with its errors and health, a line naming the site and its reason when it is unhealthy,
and one JSON line in the log). Exit status: 0 when the site is healthy, 1 when it is not
(``crawler.health``: it did not finish, every request failed, its errors passed the rate, a check
failed), 2 when the run could not start or stopped because Redis was unavailable (one line saying so).
An unknown spider name is one line and exit 2, before Scrapy starts (no start-up log).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler.commands import require_private_data_dir
from crawler.redis_health import FINISH_REASON
from crawler.summary import RunSummary

EXIT_UNKNOWN_SPIDER = 2


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        require_private_data_dir(self.settings, "crawl")  # and -s DATA_DIR=… moves the folder's defaults
        if len(args) == 1 and args[0] not in get_spider_loader(self.settings).list():
            print(f"crawl: no spider named {args[0]!r} (see `scrapy list`)", file=sys.stderr)
            raise SystemExit(EXIT_UNKNOWN_SPIDER)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name" if not args else
                             "running 'scrapy crawl' with more than one spider is not supported")
        assert self.crawler_process is not None and self.settings is not None
        if args[0] not in self.crawler_process.spider_loader.list():
            print(f"crawl: no spider named {args[0]!r} (see `scrapy list`)", file=sys.stderr)
            self.exitcode = 2
            return
        from crawler.index_sync import sync_problem  # the dedup engine and storage: crawls only

        problem = sync_problem(self.settings)
        if not problem and not opts.spargs.get("base_url"):  # a demo spider's network: started or reused, never moved
            from crawler.spiders.demo_base import demo_network_problem

            problem = demo_network_problem(self.settings, self.crawler_process.spider_loader.load(args[0]))
        if problem:
            print(f"crawl: {problem}", file=sys.stderr)
            self.exitcode = 2
            return
        summary = RunSummary("crawl", self.settings, self.settings.get("LOG_FILE"))
        crawler = self.crawler_process.create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        summary.add_crawlers([crawler])
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        if reason == FINISH_REASON:
            print(f"crawl: stopped, Redis unavailable ({crawler.stats.get_value('redis/unavailable')}); "
                  "the next run fetches what was missed", file=sys.stderr)
        self.exitcode = summary.emit()
        if self.crawler_process.bootstrap_failed and not self.exitcode:
            self.exitcode = 1
