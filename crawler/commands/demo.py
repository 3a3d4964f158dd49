"""``scrapy demo``: crawl every offline demo publisher and print what happened per site.

Serves the demo network on the stable ports from ``DEMO_PORT_BASE`` (or reuses the one another
process already serves there; ports held by anything else: one line, exit 2, nothing crawled;
never other ports, see ``demo.served``), runs all demo spiders in one process sharing the dedup
index, prints fetched / stored / dropped by reason per site, says where the data is, and ends
by writing the HTML dedup report (``DATA_DIR/reports/report-<UTC time>.html``, see
``scrapy report``) and printing its path.
The checks before the crawl, the run summary (per-site health, one JSON line in the log) and the
exit codes are ``scrapy crawlall``'s (``crawler.preflight``, ``crawler.summary``).
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand

from crawler.cli import operator_errors
from crawler.commands import require_private_data_dir
from crawler.commands.report import default_report_path, write_report
from crawler.connection import describe, get_redis, redis_key_prefix
from crawler.preflight import Preflight, database_location, report_problems, run_preflight, spider_names
from crawler.report.data import ReportQuery
from crawler.runstats import log_to_run_file
from crawler.spiders.demo_base import DemoNewsSpider, shared_network
from crawler.summary import RunSummary


class Command(ScrapyCommand):
    requires_project = True

    def short_desc(self) -> str:
        return "Crawl the offline demo news network and print a per-site summary"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--spider", action="append", default=[], help="only this demo spider (repeatable)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        require_private_data_dir(self.settings, "demo")  # before the log file is created in it
        self.log_file = log_to_run_file(self.settings, opts.logfile, "demo")  # the table is the output

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        settings = self.crawler_process.settings
        loader = self.crawler_process.spider_loader
        names = spider_names(loader, [], None, kind=DemoNewsSpider)
        if opts.spider:
            names = [n for n in names if n in opts.spider]
        summary = RunSummary("demo", settings, self.log_file)
        preflight = Preflight.for_crawl(settings, {name: loader.load(name) for name in names})
        failed = run_preflight("demo", preflight, summary, log=True)  # spider problems: printed under the table
        if failed is not None:
            self.exitcode = failed
            return
        names = [n for n in names if n not in preflight.bad_spiders]
        urls = settings.getdict("DEMO_SITE_URLS")
        if not urls and names:
            urls = shared_network(settings.getint("DEMO_PORT_BASE")).urls()
        crawlers = []
        for name in names:
            crawler = self.crawler_process.create_crawler(name)
            crawlers.append(crawler)
            self.crawler_process.crawl(crawler, base_url=urls[name])
        if crawlers:
            self.crawler_process.start()
        summary.add_crawlers(crawlers)
        summary.not_run = preflight.bad_spiders
        print(summary.table())
        print(f"\nArticles and duplicates: {database_location(settings)}")
        print(f"Dedup index:             {describe(get_redis(settings))} (prefix {redis_key_prefix(settings)})")
        print(f"Crawl log:               {self.log_file}")
        report = default_report_path(settings.get("DATA_DIR"))
        write_report(settings, ReportQuery(), "html", report)
        print(f"Dedup report:            {report}")
        summary.extra["report"] = str(report)
        redis_down = [s for s in summary.sites if s.health.service]
        if redis_down:
            print(f"demo: stopped, Redis unavailable ({redis_down[0].stats.get('redis/unavailable')}); "
                  "the next run fetches what was missed", file=sys.stderr)
        lines = summary.unhealthy_lines()
        if lines:
            print("", *lines, sep="\n")
        summary.log_json()
        self.exitcode = summary.exit_code
        if preflight.bad_spiders:
            report_problems("demo", preflight.problems)
