"""``scrapy seed [SPIDER…] [--group G] [--wait S] [--force]``: start a round of the distributed crawl.

For each spider, pushes its declared sources (feeds, sitemaps, sections — resolved exactly as
``NewsSpider.start`` does, spider arguments ``-a NAME=VALUE`` included) as JSON entries into
``<prefix>:crawl:<spider>:start_urls``, where the workers (``scrapy worker`` or ``scrapy
crawl`` with ``SCRAPY_PROJECT=distributed``) take them. Sources are always refetched
(revalidated); article URLs the workers find go through the shared dupefilter.

A new round starts only when the previous one is over — nothing queued and no live worker
busy — and then clears the dupefilter (see ``crawler.distributed.frontier.Frontier.start_round``).
While a round is running the spider is skipped (exit status 75, as an overlapping
``crawlall``) unless ``--wait S`` sees it end within S seconds, or ``--force`` adds the
sources to the running round. Also creates the storage tables, so workers starting together
do not race on them. Exit status: 0 all seeded, 75 some skipped, 2 configuration errors (checked
first by ``crawler.preflight``: the profile, the database, Redis; a misconfigured spider is
named and not seeded, the others are).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.conf import arglist_to_dict

from crawler.cli import operator_errors
from crawler.commands import FollowsDataDir
from crawler.preflight import EXIT_CONFIG, Preflight, prepare_storage, run_preflight, spider_names
from crawler.spiders.demo_base import DemoNewsSpider

if TYPE_CHECKING:  # scrapy-redis and redis-py are imported when seeding, not at every start
    from crawler.distributed.frontier import RoundResult

EXIT_ROUND_RUNNING = 75  # EX_TEMPFAIL, as `scrapy crawlall` when another run holds the lock


def source_entries(crawler: Any, spargs: dict[str, str]) -> list[dict[str, Any]]:
    """The source entries of ``crawler``'s spider: its ``NewsSpider.start`` requests as JSON dicts."""
    from crawler.distributed.callbacks import entry_from_request

    spider = crawler.spidercls.from_crawler(crawler, **spargs)

    async def collect() -> list[Any]:
        return [request async for request in spider.source_requests()]

    loop = asyncio.new_event_loop()
    try:
        return [entry_from_request(r) for r in loop.run_until_complete(collect())]
    finally:
        loop.close()


class Command(FollowsDataDir, ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "[SPIDER ...] [--group G] [--wait SECONDS] [--force]"

    def short_desc(self) -> str:
        return "Distributed crawl: queue the spiders' sources in Redis for the workers (a new round)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--group", help="the spiders whose `group` attribute is this")
        parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                            help="wait up to SECONDS for a running round to end (by default skip at once)")
        parser.add_argument("--force", action="store_true",
                            help="add the sources to a running round (its dupefilter is kept)")
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="spider argument, as for `scrapy crawl` (e.g. base_url=…)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if not opts.loglevel and self.settings.getpriority("LOG_LEVEL") < SETTINGS_PRIORITIES["cmdline"]:
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")  # the per-spider lines are the output
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False) from None

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.distributed.frontier import Frontier, FrontierKeys
        from crawler.distributed.profile import frontier_redis

        assert self.crawler_process is not None
        settings = self.crawler_process.settings
        loader = self.crawler_process.spider_loader
        names = spider_names(loader, args, opts.group)
        # seeding reads no index: the workers check it (and refuse other parameters)
        preflight = Preflight(settings, {"distributed", "database", "redis"}, {n: loader.load(n) for n in names})
        failed = run_preflight("seed", preflight)  # misconfigured spiders: printed, not seeded, exit 2 at the end
        if failed is not None:
            self.exitcode = failed
            return
        names = [n for n in names if n not in preflight.bad_spiders]
        if not names and not preflight.bad_spiders:
            print(f"seed: no spider to seed (group {opts.group!r})", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        demo_urls = settings.getdict("DEMO_SITE_URLS")
        missing = [n for n in names if issubclass(loader.load(n), DemoNewsSpider)
                   and not demo_urls.get(n) and not opts.spargs.get("base_url")]
        if missing:
            print(f"seed: demo spiders {', '.join(missing)} need the address of a running demo network: serve it "
                  "(python -m demo.network serve --port-base 8701) and pass -s DEMO_SITE_URLS='{\"name\": "
                  "\"http://host:port\", …}' to seed and workers", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        prepare_storage(settings)  # the tables, created or migrated, before any worker writes
        client = frontier_redis(settings)
        deadline = time.monotonic() + max(0.0, opts.wait)
        skipped = []
        for name in names:
            crawler = self.crawler_process.create_crawler(name)
            entries = source_entries(crawler, opts.spargs)
            frontier = Frontier(client, FrontierKeys.from_settings(crawler.settings, name))
            result = frontier.start_round(entries, force=opts.force)
            while not result.pushed and time.monotonic() < deadline:
                time.sleep(0.5)
                result = frontier.start_round(entries, force=opts.force)
            print(self._line(name, result))
            if not result.pushed:
                skipped.append(name)
        if skipped:
            self.exitcode = EXIT_ROUND_RUNNING
        if preflight.bad_spiders:
            self.exitcode = EXIT_CONFIG  # a configuration error wins over a running round

    @staticmethod
    def _line(name: str, result: RoundResult) -> str:
        if result.started:
            return (f"{name}: new round, {result.pushed} sources queued "
                    f"({result.cleared} request fingerprints of the previous round cleared)")
        if result.pushed:
            return f"{name}: round running, {result.pushed} sources added to it (--force): {result.state.describe()}"
        return f"{name}: round running, not seeded: {result.state.describe()}"
