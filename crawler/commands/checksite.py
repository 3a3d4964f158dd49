"""``scrapy checksite NAME [--max-pages N] [-a base_url=URL] [--json]``: a site's health, live.

Runs the site's spider with discovery as usual (the real date window included) but fetches
at most ``--max-pages`` article pages, runs only the extraction stage (no dedup, no storage,
no seen-store, no cache, no run records) and reports: each source with its state, as a crawl
reports it (``crawler.sources``: ok with its entries and new links, HTTP error, unreachable,
unparsable, all entries older than the window, empty, no article links, offsite), article
URLs found per kind of source, pages extracted or dropped (and why), the median text length
and the pages missing a title, date or author. Exit code 1 when a source has a problem (any
state but ok and too old), the configuration sends every request offsite, no article URL was
found or no page could be extracted.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from crawler.items import Article, ArticlePage
from crawler.spiders.base import NewsSpider

SOURCES = ("feed", "sitemap", "section")
MAX_PAGES = 5  # article pages a check fetches by default


def limited(spidercls: type[NewsSpider], max_pages: int) -> type[NewsSpider]:
    """``spidercls`` fetching at most ``max_pages`` article pages (URLs found are still counted)."""

    class Limited(spidercls):  # type: ignore[misc,valid-type]
        _check_issued = 0

        def _take(self) -> bool:
            self._check_issued += 1
            return self._check_issued <= max_pages

        def article_request(self, url: str, source: str) -> Any:
            request = super().article_request(url, source)
            return request if request is not None and self._take() else None

        def _get_urls_and_callbacks_from_urlset(self, it: Any) -> Any:
            for loc, callback in super()._get_urls_and_callbacks_from_urlset(it):
                if self._take():
                    yield loc, callback

    Limited.__name__ = Limited.__qualname__ = spidercls.__name__
    Limited.__module__ = spidercls.__module__
    return Limited


class SiteReport:
    """What one check saw (filled by signal handlers)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.articles: list[Article] = []
        self.dropped: list[tuple[str, str]] = []  # (url, reason)
        self.stats: dict[str, Any] = {}
        self.sources: list[dict[str, Any]] = []  # SourceTracker.records() of the run
        self.window_days = 0.0

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Article):
            self.articles.append(item)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        if isinstance(item, ArticlePage):
            self.dropped.append((item.url, exception.__class__.__name__))

    def as_dict(self) -> dict[str, Any]:
        found = {s: int(self.stats.get(f"discovery/{s}/article_urls", 0)) for s in SOURCES}
        broken = Counter(r["kind"] for r in self.sources if r["severity"] == "problem")
        config_error = str(self.stats.get("source/config_error") or "")
        lengths = [a.word_count or len(a.text.split()) for a in self.articles]
        missing = {
            "title": [a.url for a in self.articles if not a.title],
            "published": [a.url for a in self.articles if not a.published],
            "author": [a.url for a in self.articles if not a.authors],
        }
        return {
            "site": self.name,
            "sources": [{k: r[k] for k in SOURCE_FIELDS} for r in self.sources],
            "article_urls_found": found,
            "broken_sources": {s: broken[s] for s in SOURCES if broken[s]},
            "config_error": config_error,
            "offsite_articles": int(self.stats.get("offsite/articles", 0)),
            "window_days": self.window_days,
            "pages_fetched": len(self.articles) + len(self.dropped),
            "pages_extracted": len(self.articles),
            "dropped": dict(Counter(reason for _url, reason in self.dropped)),
            "median_words": int(statistics.median(lengths)) if lengths else 0,
            "word_counts": lengths,
            "missing": missing,
            "errors": int(self.stats.get("log_count/ERROR", 0)),
            "healthy": sum(found.values()) > 0 and bool(self.articles) and not broken and not config_error,
        }


SOURCE_FIELDS = ("kind", "url", "parent", "state", "severity", "description", "entries", "too_old", "articles",
                 "new", "offsite", "pages", "page_failures")
MARKS = {"ok": "ok", "info": "-", "warning": "warn", "problem": "FAIL"}


def render(report: dict[str, Any]) -> str:
    found = report["article_urls_found"]
    lines = [f"== {report['site']}: {'OK' if report['healthy'] else 'PROBLEM'}", "sources:"]
    lines += [f"  {MARKS[r['severity']]:<5}{r['kind']:<8}{r['url']}  {r['description']}" for r in report["sources"]]
    lines.append("article URLs found: " + ", ".join(f"{s} {n}" for s, n in found.items()))
    lines.append(f"pages extracted:    {report['pages_extracted']} of {report['pages_fetched']} fetched"
                 f" (median {report['median_words']} words)")
    if report["dropped"]:
        lines.append("dropped:            " + ", ".join(f"{r} {n}" for r, n in report["dropped"].items()))
    for field, urls in report["missing"].items():
        if urls:
            lines.append(f"missing {field + ':':11}{len(urls)} page(s), e.g. {urls[0]}")
    if report["config_error"]:
        lines.append(f"configuration error: {report['config_error']}")
    if tail := _no_urls_or_pages(report):
        lines.append(tail)
    return "\n".join(lines)


def _no_urls_or_pages(report: dict[str, Any]) -> str:
    """Why no article URL was found or no page extracted ("" when some were)."""
    states = {r["state"] for r in report["sources"]}
    if not sum(report["article_urls_found"].values()):
        if states and states <= {"too_old", "ok"} and "too_old" in states:
            return (f"no article URL found: every entry is older than the {report['window_days']:g}-day "
                    "window, a crawl would fetch nothing (max_entry_age_days or ENTRY_MAX_AGE_DAYS)")
        if report["broken_sources"]:
            return "no article URL found: the sources above failed (check base_url and the source URLs)"
        return "no article URL found: check the sources and article_patterns"
    if not report["pages_extracted"]:
        return "no page extracted: check body_selector / the pages (scrapy extract URL --site NAME)"
    return ""


def problem(report: dict[str, Any]) -> str:
    """One line: why ``report``'s site is not healthy, the reason ``render`` would end on or
    the first source with a problem ("" when it is healthy)."""
    if report["healthy"]:
        return ""
    if report["config_error"]:
        return f"configuration error: {report['config_error']}"
    failed = [r for r in report["sources"] if r["severity"] == "problem"]
    if failed:
        return f"{failed[0]['kind']} {failed[0]['url']}: {failed[0]['description']}"
    return _no_urls_or_pages(report) or "not healthy"


# Forced over the project's settings (a health check writes nothing: no index, database, cache or seen-store)
CHECK_SETTINGS = {
    "ITEM_PIPELINES": {"pipelines.extract.pipeline.ExtractionPipeline": 100},  # extraction only
    "EXTENSIONS": {},  # no run records, seen-store, monitors or job dirs
    "SPIDERMON_ENABLED": False,
    "SEEN_ENABLED": False,
    "DOWNLOADER_MIDDLEWARES": {  # no seen-store or page records; the offsite filter that reports what it drops
        "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
        "crawler.sources.SourceOffsiteMiddleware": 50,
    },
    "HTTPCACHE_ENABLED": False,
    # ENTRY_MAX_AGE_DAYS is not overridden: the real date window applies, as in a crawl
    "STATS_DUMP": False,
    "JOBDIR": None,
    "CLOSESPIDER_TIMEOUT": 120,
}


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] SPIDER"

    def short_desc(self) -> str:
        return "Fetch a few pages of a site and report discovery and extraction health"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--max-pages", type=int, default=MAX_PAGES,
                            help=f"article pages fetched at most (default {MAX_PAGES})")
        parser.add_argument("-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
                            help="spider argument (e.g. base_url=…)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        self.settings.setdict(CHECK_SETTINGS, priority="cmdline")
        if not opts.loglevel and not opts.nolog:
            self.settings.set("LOG_LEVEL", "WARNING", priority="cmdline")  # the report is the output
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError:
            raise UsageError("Invalid -a value, use -a NAME=VALUE", print_help=False) from None

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one spider name")
        assert self.crawler_process is not None
        try:
            spidercls = self.crawler_process.spider_loader.load(args[0])
        except KeyError:
            raise UsageError(f"no spider named {args[0]!r} (see `scrapy list`)") from None
        if not issubclass(spidercls, NewsSpider):
            raise UsageError(f"{args[0]!r} is not a NewsSpider site")
        spidercls.check_config()
        logging.getLogger("crawler.sources").setLevel(logging.CRITICAL)  # the report lists the sources
        report = SiteReport(spidercls.name)
        crawler = self.crawler_process.create_crawler(limited(spidercls, max(1, opts.max_pages)))
        crawler.signals.connect(report.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(report.item_dropped, signal=signals.item_dropped)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        report.stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
        tracker = getattr(crawler.spider, "sources", None)
        if tracker is not None:
            report.sources, report.window_days = tracker.records(), tracker.window_days
        result = report.as_dict()
        print(json.dumps(result, ensure_ascii=False) if opts.json else render(result))
        if not result["healthy"]:
            self.exitcode = 1
