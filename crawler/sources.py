"""Source health: the state of every feed, sitemap and section page a ``NewsSpider`` reads.

A *source* is one declared feed, sitemap (or ``robots.txt``) or section URL, and each sitemap
found through a sitemap index or ``robots.txt``; the "next" pages of a section count under
their section. At the end of a crawl each source is in one state:

==============  =====================================================================
``ok``          answered and listed article links (``N entries, M new``)
``http_error``  answered with an HTTP error status (after Scrapy's retries)
``unreachable`` no answer: DNS failure, connection refused or reset, timeout
``unparsable``  answered, but not a feed / sitemap (HTML, broken XML, not text)
``too_old``     every entry is older than the date window (``max_entry_age_days``)
``empty``       a feed or sitemap without entries, a section page without links
``no_articles`` entries or links, none matching ``article_patterns``
``offsite``     the source, or every article link it gave, is outside ``allowed_domains``
``not_fetched`` never answered: robots.txt forbids it, or the crawl ended first
==============  =====================================================================

Every state but ``ok`` and ``too_old`` is a *problem*; ``too_old`` (and an ``ok`` source some
of whose pages failed) is a *warning*. A sitemap listed by an index is judged more leniently
(a failure is a warning; no article links, empty or too old is normal for a site's page, tag
or monthly sitemaps), and the index is judged by what its sitemaps gave together. Stats a run
summary can read (set at spider close):

- ``source/<state>``: how many sources ended in that state (absent when none);
- ``source/problems`` and ``source/warnings``: one line per such source,
  ``"<kind> <url>: <description>"``;
- ``source/config_error``: one line when the site's declaration makes it fetch nothing of a
  source: a declared source outside ``allowed_domains``, or every article link outside it;
- ``offsite/articles`` and ``offsite/sources``: article links and listing pages dropped by the
  offsite filter (Scrapy's own ``offsite/filtered`` and ``offsite/domains`` count both).

The spider's ``sources`` attribute (a ``SourceTracker``) holds the same as records
(``records()``). Each source is logged once at spider close, one line, no traceback: INFO when
``ok``, WARNING for a problem or warning, ERROR for the configuration error.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)

FAILURES = ("http_error", "unreachable", "unparsable", "offsite", "not_fetched")  # a page's own failure
STATES = ("ok", "too_old", "empty", "no_articles", *FAILURES)
WARNING_STATES = frozenset({"too_old"})
PROBLEM_STATES = frozenset(STATES) - WARNING_STATES - {"ok"}


@dataclass
class Source:
    """What one source gave in this run (counts over its pages: a section's "next" pages too)."""

    kind: str  # feed, sitemap or section
    url: str  # the URL as requested first (declared, or listed by a sitemap index / robots.txt)
    parent: str = ""  # the sitemap index or robots.txt that listed it
    pages: int = 0  # pages answered and parsed
    entries: int = 0  # feed items, sitemap entries (URLs or sitemaps), a section's article links
    other_links: int = 0  # a section's links that are not article links
    too_old: int = 0  # entries skipped as older than the date window
    articles: int = 0  # article links (matching article_patterns, in the window)
    sitemaps: int = 0  # sitemaps listed (a sitemap index or robots.txt)
    scheduled: int = 0  # article requests that reached the scheduler
    offsite: int = 0  # …of which the offsite filter dropped
    new: int = 0  # article pages fetched (not seen before, not listed by an earlier source)
    failure: str = ""  # the state of the source's own page when it failed (one of FAILURES)
    detail: str = ""  # why, one line
    page_failures: list[str] = field(default_factory=list)  # "<url>: <state> (<why>)" of its other pages
    # what the sitemaps listed below a sitemap index / robots.txt gave (SourceTracker.roll_up)
    below_entries: int = 0
    below_too_old: int = 0
    below_articles: int = 0

    @property
    def state(self) -> str:
        if self.failure:
            return self.failure
        if not self.pages:
            return "not_fetched"
        if self.sitemaps:  # an index: judged by what its sitemaps gave
            entries, too_old, articles, others = self.below_entries, self.below_too_old, self.below_articles, 0
        else:
            entries, too_old, articles, others = self.entries, self.too_old, self.articles, self.other_links
        if articles:
            return "offsite" if self.scheduled and self.offsite >= self.scheduled else "ok"
        if not entries and not others:
            return "empty"
        if too_old and too_old >= entries:
            return "too_old"
        return "no_articles"

    @property
    def severity(self) -> str:
        """``ok``; ``info`` for a sitemap an index lists that gives no article (a site's page, tag or
        old sitemaps); ``warning`` (too old, some pages failed, a listed sitemap that failed); ``problem``."""
        state = self.state
        if self.parent and state in ("empty", "no_articles", "too_old"):
            return "info"
        if self.parent and state in PROBLEM_STATES:
            return "warning"
        if state in PROBLEM_STATES:
            return "problem"
        return "warning" if state in WARNING_STATES or self.page_failures else "ok"

    def describe(self, window_days: float = 0, allowed_domains: list[str] | None = None) -> str:
        """One line: the state and its numbers, e.g. ``ok (12 entries, 3 new)``."""
        state, domains = self.state, list(allowed_domains or [])
        window = f"the {window_days:g}-day window" if window_days else "the date window"
        index = f" in its {self.sitemaps} sitemaps" if self.sitemaps else ""
        too_old = self.below_too_old if self.sitemaps else self.too_old
        if state == "ok":
            if self.sitemaps:
                text = f"ok ({self.sitemaps} sitemaps listed, {self.below_articles} article links in them"
            elif self.kind == "section":
                text = f"ok ({self.entries} article links on {self.pages} page{'s' * (self.pages > 1)}, {self.new} new"
            else:
                text = f"ok ({self.entries} entries, {self.new} new"
            if too_old:
                text += f", {too_old} older than {window}"
            if self.offsite:
                text += f", {self.offsite} outside allowed_domains"
            if self.page_failures:
                text += f"; {len(self.page_failures)} page(s) failed, e.g. {self.page_failures[0]}"
            return text + ")"
        if state == "too_old":
            return f"all {too_old} entries{index} older than {window}"
        if state == "empty":
            return "empty (no links)" if self.kind == "section" else f"empty (no entries{index})"
        if state == "no_articles":
            entries = self.below_entries if self.sitemaps else self.entries
            listed = f"{self.other_links} links" if self.kind == "section" else f"{entries} entries{index}"
            older = f", {too_old} older than {window}" if too_old else ""
            return f"no article links ({listed}{older}, none matching article_patterns)"
        if state == "offsite" and not self.failure:
            return f"offsite (all {self.offsite} article links outside allowed_domains {domains})"
        label = {"http_error": "HTTP error", "not_fetched": "not fetched"}.get(state, state)
        return f"{label} ({self.detail or 'the crawl ended first'})"


def failure_state(failure: Any) -> tuple[str, str]:
    """(state, one-line detail) of a failed request: HTTP error, not fetched (an ``IgnoreRequest``:
    robots.txt, a page too large…) or unreachable (any download error: DNS, refused, timeout…)."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return "http_error", str(exc.response.status)
    if isinstance(exc, IgnoreRequest):
        return "not_fetched", one_line(str(exc) or exc.__class__.__name__)
    return "unreachable", one_line(str(exc) or exc.__class__.__name__)


def one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_url(request: Request) -> str:
    """The URL a request was made for (before redirects)."""
    return request.meta.get("redirect_urls", [request.url])[0]


class SourceTracker:
    """The sources of one spider's run, filled by its discovery callbacks, errbacks, the offsite
    filter and the ``request_reached_downloader`` signal; published as stats at spider close."""

    def __init__(self) -> None:
        self.sources: dict[str, Source] = {}
        self.crawler: Any = None
        self.window_days: float = 0
        self.allowed_domains: list[str] = []
        self.site = ""

    def bind(self, site: str, crawler: Any, window_days: float, allowed_domains: list[str] | None) -> None:
        """The spider's name, its crawler (stats are read at close), date window and allowed_domains."""
        self.site, self.crawler, self.window_days = site, crawler, window_days
        self.allowed_domains = [d for d in allowed_domains or [] if d]

    def register(self, kind: str, url: str, parent: str = "") -> None:
        """Register source ``url`` (the first registration wins); its requests carry
        ``meta["source"] = kind`` and ``meta["source_url"] = url``."""
        if url not in self.sources:
            self.sources[url] = Source(kind, url, parent)

    def of(self, request: Request) -> Source:
        """The source a listing or article request belongs to (registered now when unknown:
        a request restored from a job directory or a distributed frontier)."""
        url = request.meta.get("source_url") or first_url(request)
        if url not in self.sources:
            self.sources[url] = Source(request.meta.get("source") or "feed", url)
        return self.sources[url]

    # --- events --------------------------------------------------------------------------------
    def failed(self, request: Request, state: str, detail: str) -> None:
        """A page of a source failed (``state`` one of FAILURES)."""
        source, url = self.of(request), first_url(request)
        if url == source.url:
            source.failure, source.detail = state, detail
        else:
            source.page_failures.append(f"{url}: {state} ({detail})")

    def listed(self, request: Request, **counts: int) -> Source:
        """A page of a source was parsed: add ``counts`` (entries, too_old, articles, …)."""
        source = self.of(request)
        source.pages += 1
        for name, value in counts.items():
            setattr(source, name, getattr(source, name) + value)
        return source

    def scheduled(self, request: Request, offsite: bool) -> None:
        """The offsite filter judged ``request`` (an article or listing request)."""
        if request.meta.get("article"):
            if request.meta.get("source_url"):
                source = self.of(request)
                source.scheduled += 1
                source.offsite += offsite
        elif offsite and (request.meta.get("source_url") or request.meta.get("source")):
            host = urlparse_cached(request).hostname or "?"
            self.failed(request, "offsite", f"host {host!r} not in allowed_domains {self.allowed_domains}")

    def reached_downloader(self, request: Request, spider: Any = None) -> None:
        """Signal handler: an article request passed every downloader middleware (not seen before)."""
        meta = request.meta
        if meta.get("article") and meta.get("source_url") and not meta.get("retry_times") \
                and not meta.get("redirect_times"):
            self.of(request).new += 1

    # --- results -------------------------------------------------------------------------------
    def roll_up(self) -> None:
        """Add what each sitemap gave to the ``below_*`` counts of the indexes above it."""
        for source in self.sources.values():
            source.below_entries = source.below_too_old = source.below_articles = 0
        for source in self.sources.values():
            if source.sitemaps:
                continue
            parent, seen = source.parent, set()
            while parent in self.sources and parent not in seen:
                seen.add(parent)
                above = self.sources[parent]
                above.below_entries += source.entries
                above.below_too_old += source.too_old
                above.below_articles += source.articles
                parent = above.parent

    def records(self) -> list[dict[str, Any]]:
        """Every source as a dict: its counts, ``state``, ``severity`` and ``description``."""
        self.roll_up()
        return [{**asdict(s), "state": s.state, "severity": s.severity,
                 "description": s.describe(self.window_days, self.allowed_domains)}
                for s in self.sources.values()]

    def config_error(self) -> str:
        """Why the declaration makes the site fetch nothing of a source ("" when it does not)."""
        declared = [s for s in self.sources.values() if s.failure == "offsite" and not s.parent]
        if declared:
            urls = ", ".join(s.url for s in declared)
            return (f"site {self.site!r}: source(s) outside allowed_domains {self.allowed_domains}: {urls}"
                    " (allowed_domains takes the bare host names of the sources and articles)")
        scheduled = sum(s.scheduled for s in self.sources.values())
        offsite = sum(s.offsite for s in self.sources.values())
        if scheduled and offsite >= scheduled:
            return (f"site {self.site!r}: all {offsite} article links are outside allowed_domains "
                    f"{self.allowed_domains} (allowed_domains takes the bare host names of the articles)")
        return ""

    def publish(self) -> None:
        """Set the ``source/*`` stats and log one line per source (at spider close)."""
        stats = self.crawler.stats if self.crawler is not None else None
        problems, warnings = [], []
        for record in self.records():
            line = f"{record['kind']} {record['url']}: {record['description']}"
            if stats is not None:
                stats.inc_value(f"source/{record['state']}")
            if record["severity"] == "problem":
                problems.append(line)
            elif record["severity"] == "warning":
                warnings.append(line)
            level = logging.INFO if record["severity"] in ("ok", "info") else logging.WARNING
            logger.log(level, "Source %s", line)
        error = self.config_error()
        if error:
            logger.error("Configuration error: %s", error)
        if stats is not None:
            stats.set_value("source/problems", problems)
            stats.set_value("source/warnings", warnings)
            if error:
                stats.set_value("source/config_error", error)


class SourceOffsiteMiddleware(OffsiteMiddleware):
    """Scrapy's ``OffsiteMiddleware`` (same policy, same ``offsite/*`` stats and debug line) that
    also counts what it dropped by kind (``offsite/articles``, ``offsite/sources``) and tells the
    spider's ``SourceTracker``, so a wrong ``allowed_domains`` is reported, never silent."""

    def process_request(self, request: Request, spider: Any = None) -> None:
        tracker = getattr(self.crawler.spider, "sources", None)
        try:
            super().process_request(request)
        except IgnoreRequest:
            self.stats.inc_value("offsite/articles" if request.meta.get("article") else "offsite/sources")
            if isinstance(tracker, SourceTracker):
                tracker.scheduled(request, offsite=True)
            raise
        if isinstance(tracker, SourceTracker) and not request.meta.get("_offsite_checked"):
            request.meta["_offsite_checked"] = True  # judged again in the downloader chain: count once
            tracker.scheduled(request, offsite=False)


class SourceLogFilter(logging.Filter):
    """One line per failed source: drops Scrapy's "Gave up retrying" line of a source or robots.txt
    request (the source's own line, or the robots.txt line, says the same) and the traceback of a
    robots.txt download error (a WARNING: the crawl goes on without the file's rules)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, dict) else {}
        request = args.get("request")
        if record.name.endswith(".retry") and isinstance(request, Request) and str(record.msg).startswith("Gave up"):
            robots = request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt")
            if robots or request.meta.get("source_url"):
                return False
        if record.name.endswith(".robotstxt") and record.exc_info and record.levelno >= logging.ERROR:
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            site = request.url.split("/", 3)[:3] if isinstance(request, Request) else ["?"]
            record.msg = "robots.txt of %(site)s not fetched (%(f_exception)s): crawling it without its rules"
            record.args = {**args, "site": "/".join(site)}
        return True


_FILTER = SourceLogFilter()


def install_log_filter() -> None:
    """Put ``SourceLogFilter`` on Scrapy's retry and robots.txt loggers (once per process)."""
    for name in ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt"):
        target = logging.getLogger(name)
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)
