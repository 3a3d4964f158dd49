"""``scrapy replay FILE_OR_DIR... [--site-from host|spider] [--since DATE]``: the pages of WARC
files through the crawl's stages (extraction -> dedup -> storage), without the network.

Reads any WARC 1.0 / 1.1 file, gzipped per record or not (folders: every ``*.warc`` and
``*.warc.gz`` below them): this project's archive (``WARC_ARCHIVE``), CC-NEWS, Heritrix or
Browsertrix crawls. Each record is counted once by outcome (``crawler.replay``: pages, or
skipped as revisit, not_html, status, truncated, too_large, unreadable, other, bad_url,
before_since, not_article); nothing in a file makes it stop with a traceback. Sites are named
by host (default) or by the project spider covering the host (``--site-from spider``: its
extraction overrides apply). ``--since`` skips records whose WARC-Date is older.

The run is a crawl for everything downstream: the dedup index is made a current build of the
database first, the run is recorded in ``runs`` (spider ``replay``), stats, the run summary
and ``scrapy report`` cover it, stored rows name the WARC file and offset of their page. The
log goes to ``DATA_DIR/logs/replay-<UTC>.log`` (``--logfile``), a progress bar to a terminal.
Exit status: 0, or 1 when the run is unhealthy (``crawler.summary``), 2 when it cannot start
(no such file, the index unusable: one line).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cli import operator_errors
from crawler.commands import require_private_data_dir
from crawler.runstats import log_to_run_file
from crawler.summary import EXIT_CONFIG, RunSummary

SKIP_REASONS = ("revisit", "not_html", "status", "truncated", "too_large", "unreadable", "other", "bad_url",
                "before_since", "not_article")


def parse_since(value: str) -> datetime:
    """``--since``: an ISO 8601 date or date-time (UTC when no zone is given)."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since takes an ISO 8601 date such as 2026-11-01, got {value!r}") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "FILE_OR_DIR... [--site-from host|spider] [--since DATE]"

    def short_desc(self) -> str:
        return "Feed the pages of WARC files (this project's, CC-NEWS, …) through extraction, dedup and storage"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--site-from", choices=("host", "spider"), default="host",
                            help="site names from the host (default) or the spider whose allowed_domains match")
        parser.add_argument("--since", help="only records with a WARC-Date from this date on (ISO 8601)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        settings = self.settings
        require_private_data_dir(settings, "replay")
        self.log_file = log_to_run_file(settings, opts.logfile, "replay")
        concurrency = settings.getint("REPLAY_CONCURRENT_REQUESTS")
        for name, value in {  # no network: no politeness, no cache, no re-archiving
            "ROBOTSTXT_OBEY": False, "HTTPCACHE_ENABLED": False, "COOKIES_ENABLED": False, "WARC_ARCHIVE": False,
            "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency, "SPIDERMON_ENABLED": False,
        }.items():
            settings.set(name, value, priority="cmdline")
        middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
        middlewares["crawler.replay.ReplayMiddleware"] = 1  # answers first: no other process_request runs
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
        if opts.site_from == "spider":  # each site's declared extraction overrides, as its crawl has them
            from scrapy.spiderloader import get_spider_loader

            loader = get_spider_loader(settings)
            per_site = dict(settings.getdict("EXTRACT_SITE_OVERRIDES") or {})
            for name in loader.list():
                cls = loader.load(name)
                overrides = cls.extract_overrides() if hasattr(cls, "extract_overrides") else {}
                if overrides:
                    per_site[name] = {**overrides, **per_site.get(name, {})}  # explicit settings win
            settings.set("EXTRACT_SITE_OVERRIDES", per_site, priority="cmdline")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None and self.settings is not None
        if not args:
            raise UsageError("give one or more WARC files or folders")
        from crawler.index_sync import sync_problem
        from crawler.replay import ReplaySpider, SiteResolver
        from crawler.warcread import warc_files

        since = parse_since(opts.since) if opts.since else None
        files, problems = warc_files(args)
        if problems or not files:
            for line in problems or ["no WARC files given"]:
                print(f"replay: {line}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        problem = sync_problem(self.settings)
        if problem:
            print(f"replay: {problem}", file=sys.stderr)
            self.exitcode = EXIT_CONFIG
            return
        loader = self.crawler_process.spider_loader
        spiders = [loader.load(name) for name in loader.list()] if opts.site_from == "spider" else []
        summary = RunSummary("replay", self.settings, self.log_file)
        crawler = self.crawler_process.create_crawler(ReplaySpider)
        self.crawler_process.crawl(crawler, files=files, resolver=SiteResolver(opts.site_from, spiders),
                                   since=since, max_bytes=self.settings.getint("DOWNLOAD_MAXSIZE"),
                                   progress=sys.stderr.isatty() and not opts.no_progress,
                                   warc_dir=self.settings.get("WARC_DIR"))
        self.crawler_process.start()
        summary.add_crawlers([crawler])
        stats = crawler.stats.get_stats() if crawler.stats else {}
        print(outcome_line(stats), file=sys.stderr)
        self.exitcode = summary.emit()
        if self.crawler_process.bootstrap_failed and not self.exitcode:
            self.exitcode = 1


def outcome_line(stats: dict) -> str:
    """One line: records read, pages served and what became of them, records skipped per reason."""
    def get(key: str) -> int:
        return int(stats.get(key) or 0)

    skipped = " ".join(f"{r}={get(f'replay/skipped/{r}')}" for r in SKIP_REASONS if get(f"replay/skipped/{r}"))
    rejected = get("storage/rejections")
    return (f"replay: {get('replay/records')} records in {get('replay/files')} files: {get('replay/pages')} pages "
            f"({get('storage/articles')} stored, {get('storage/duplicates')} duplicates, {rejected} rejected); "
            f"skipped: {skipped or 'none'}")
