"""``NewsSpider``: discovery of article URLs from sitemaps, feeds and section pages.

A site is a small declarative subclass::

    class HarborGazetteSpider(NewsSpider):
        name = "harbor_gazette"
        base_url = "https://harbor.example"
        feeds = ["/feed.xml"]
        sections = ["/news/"]
        article_patterns = [r"/news/\\d{4}/\\d{2}/\\d{2}/[^/]+\\.html$"]
        body_selector = "div.story-body"          # optional extraction overrides
        boilerplate_lines = [r"Advertisement", r"Read more: .*"]
        languages = ["en"]                        # optional: keep only articles in these languages

The configuration is checked when the spider starts: no sources, no or invalid article
patterns, an invalid ``body_selector`` or boilerplate regex, a bad date window, an
``allowed_domains`` entry with a scheme, port or path, or an unknown option (a typo such as
``feedz``) raise ``SpiderConfigError`` naming the site (``crawler.siteconfig``).

Sitemaps (plain, news sitemaps, sitemap indexes, ``robots.txt``) are parsed by Scrapy's
own ``SitemapSpider`` machinery; feeds (RSS 2.0 / RSS 1.0 / Atom / JSON Feed) by ``crawler.feeds``;
section pages with a ``LinkExtractor`` plus ``rel=next`` pagination. Every source ends the
run in a state (ok, HTTP error, unreachable, unparsable, too old, empty, no article links,
offsite: ``crawler.sources``), reported in the stats and logged one line each, never raised.
Every article response becomes an ``ArticlePage`` item (with the WARC file and offset of the
page when it was archived); a page that is not HTML is counted and logged, never raised.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider

from crawler.encoding import UndecodableBody, decode_body
from crawler.feeds import NotAFeed, feed_entries, latest_date, news_dates, parse_entry_date, sitemap_type
from crawler.items import ArticlePage
from crawler.signals import page_rejected
from crawler.siteconfig import SpiderConfigError, selector_problems, value_problems  # noqa: F401 (re-exported)
from crawler.sources import SourceTracker, failure_state, install_log_filter
from crawler.urls import normalize_url


class NewsSpider(SitemapSpider):
    """Base spider: declare sources and article URL rules; discovery and items are done here."""

    group: str = ""  # `scrapy crawlall --group G` runs the spiders of one group
    base_url: str = ""  # prefix for relative sources
    feeds: Sequence[str] = ()  # RSS 2.0 or Atom feed URLs
    sitemaps: Sequence[str] = ()  # sitemaps, news sitemaps, sitemap indexes or robots.txt
    sections: Sequence[str] = ()  # section/listing pages; followed through rel=next
    article_patterns: Sequence[str] = ()  # regexes (searched in the URL) that mark an article
    deny_patterns: Sequence[str] = ()  # regexes of URLs never treated as articles
    section_pagination: Sequence[str] = ()  # extra regexes of listing pages to follow
    max_section_pages: int = 50  # listing pages followed per section, at most
    max_entry_age_days: float | None = None  # feed/sitemap entries older than this are skipped (None: setting)
    body_selector: str = ""  # extraction override: CSS (or XPath, starting with "/") of the article body
    boilerplate_lines: Sequence[str] = ()  # extraction override: regexes of whole lines stripped from the text
    languages: Sequence[str] | None = None  # ISO 639-1 codes kept (others: WrongLanguage); None: LANGUAGES setting

    custom_settings: dict[str, Any] | None = None
    _sitemap_counts: dict[str, int]  # entries / too_old / articles of the sitemap being parsed
    _news_dates: dict[str, str]  # its Google News publication dates (entry date: the later with lastmod)

    # attributes a site class may set besides NewsSpider's own (anything else is a typo)
    EXTRA_OPTIONS = frozenset({"name", "allowed_domains", "custom_settings", "start_urls"})

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        if base_url:
            self.base_url = base_url.rstrip("/")
        type(self).check_config()
        super().__init__(*args, **kwargs)
        self.sources = SourceTracker()  # each source's state (crawler.sources), bound in from_crawler
        self._sitemap_counts, self._news_dates = {}, {}
        self._article_res = [re.compile(p) for p in self.article_patterns]
        self._deny_res = [re.compile(p) for p in self.deny_patterns]
        self._article_links = LinkExtractor(allow=self.article_patterns, deny=self.deny_patterns)
        self._pagination_links = (
            LinkExtractor(allow=self.section_pagination) if self.section_pagination else None
        )

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.sources.bind(spider.name, crawler, spider.entry_window_days(),
                            list(getattr(spider, "allowed_domains", None) or []))
        crawler.signals.connect(spider.sources.reached_downloader, signal=signals.request_reached_downloader)
        # connected before any extension's handler: the run records and monitors see the source stats
        crawler.signals.connect(spider._publish_sources, signal=signals.spider_closed)
        install_log_filter()
        return spider

    def _publish_sources(self, spider: Any = None, reason: str = "") -> None:
        self.sources.publish()

    # --- configuration -------------------------------------------------------------------------
    @classmethod
    def known_options(cls) -> set[str]:
        """Attribute names a site class may set: NewsSpider's (and Scrapy's Spider's) plus EXTRA_OPTIONS."""
        return set(dir(NewsSpider)) | set(cls.EXTRA_OPTIONS)

    @classmethod
    def config_problems(cls) -> list[str]:
        """What is wrong with this site's declaration (empty when nothing)."""
        problems: list[str] = []
        known = cls.known_options()
        for klass in cls.__mro__:
            if klass is NewsSpider:
                break
            for attr, value in vars(klass).items():
                if attr.startswith("_") or attr in known or callable(value):
                    continue
                if isinstance(value, classmethod | staticmethod | property):
                    continue
                problems.append(f"unknown option {attr!r} (known: feeds, sitemaps, sections, article_patterns, "
                                "deny_patterns, body_selector, boilerplate_lines, max_entry_age_days, …)")
        return problems + value_problems(cls)

    @classmethod
    def check_config(cls) -> None:
        """Raise ``SpiderConfigError`` naming the site and every problem of its declaration."""
        problems = cls.config_problems()
        if problems:
            where = f"{cls.__module__}.{cls.__qualname__}"
            raise SpiderConfigError(f"site {cls.name or '?'!r} ({where}): " + "; ".join(problems))

    @classmethod
    def article_pattern_match(cls, url: str) -> bool:
        """``is_article_url`` without a spider instance (for tests of a site's URL rules)."""
        return any(re.search(p, url) for p in cls.article_patterns) and not any(
            re.search(p, url) for p in cls.deny_patterns
        )

    @classmethod
    def extract_overrides(cls) -> dict[str, Any]:
        """The ``EXTRACT_*`` settings this site's declaration overrides (for ``EXTRACT_SITE_OVERRIDES``)."""
        overrides: dict[str, Any] = {}
        if cls.body_selector:
            overrides["EXTRACT_BODY_SELECTOR"] = cls.body_selector
        if cls.boilerplate_lines:
            overrides["EXTRACT_BOILERPLATE_LINES"] = list(cls.boilerplate_lines)
        return overrides

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Scrapy's hook: also put the declared extraction overrides under ``EXTRACT_SITE_OVERRIDES[name]``."""
        super().update_settings(settings)
        overrides = cls.extract_overrides()
        if overrides and cls.name:
            per_site = dict(settings.getdict("EXTRACT_SITE_OVERRIDES") or {})
            per_site[cls.name] = {**overrides, **per_site.get(cls.name, {})}  # explicit settings win
            settings.set("EXTRACT_SITE_OVERRIDES", per_site, priority="spider")

    # --- sources -------------------------------------------------------------------------------
    def absolute(self, url: str) -> str:
        """``url`` made absolute against ``base_url``."""
        return urljoin(self.base_url + "/", url) if self.base_url else url

    @property
    def sitemap_urls(self) -> list[str]:  # read by SitemapSpider
        return [self.absolute(u) for u in self.sitemaps]

    @property
    def sitemap_rules(self) -> list[tuple[str, str]]:  # read by SitemapSpider.__init__
        return [("", "_parse_from_sitemap")]

    # Listing pages are revalidated every run (a 304 when unchanged, see crawler.incremental);
    # article pages are never cached: the seen-store decides whether they are fetched at all.
    # (max-age=0, not no-cache: Scrapy's RFC 2616 policy sends no validators for no-cache)
    LISTING_HEADERS = {"Cache-Control": "max-age=0"}
    ARTICLE_META = {"article": True, "dont_cache": True}

    def listing_request(self, url: str, kind: str, callback: Any, parent: str = "", **meta: Any) -> Request:
        """A request for source ``url`` (registered with the source tracker; failures go to
        ``source_failed``)."""
        request = Request(url, callback=callback, errback=self.source_failed, headers=self.LISTING_HEADERS,
                          meta={"source": kind, "source_url": url, **meta})
        self.sources.register(kind, url, parent)
        return request

    async def start(self) -> AsyncIterator[Any]:
        for url in self.sitemaps:
            yield self.listing_request(self.absolute(url), "sitemap", self._parse_sitemap)
        for url in self.feeds:
            yield self.listing_request(self.absolute(url), "feed", self.parse_feed)
        for url in self.sections:
            yield self.listing_request(self.absolute(url), "section", self.parse_section, depth_pages=1)

    @staticmethod
    def listing_of(response: Response) -> Request:
        """The request of a listing response (a bare stand-in for a response made without one)."""
        return response.request if response.request is not None else Request(response.url)

    def source_failed(self, failure: Any) -> None:
        """Errback of listing requests: the source's state (HTTP error, unreachable…), one line at close."""
        request = failure.request  # set by Scrapy on the failure of every request
        state, detail = failure_state(failure)
        self.sources.failed(request, state, detail)
        self.logger.debug("Source %s %s failed: %s (%s)", request.meta.get("source"), request.url, state, detail)

    # --- discovery -----------------------------------------------------------------------------
    def is_article_url(self, url: str) -> bool:
        """True when ``url`` matches an article pattern and no deny pattern."""
        return any(r.search(url) for r in self._article_res) and not any(
            r.search(url) for r in self._deny_res
        )

    def article_request(self, url: str, source: str) -> Request | None:
        """A request for ``url`` when it is an article URL (normalised, so the dupefilter merges variants)."""
        if not self.is_article_url(url):
            return None
        self.crawler.stats.inc_value(f"discovery/{source}/article_urls")
        return Request(normalize_url(url), callback=self.parse_article, meta={"source": source, **self.ARTICLE_META})

    def entry_window_days(self) -> float:
        """Feed / sitemap entries older than this many days are skipped (0: no limit)."""
        limit = self.max_entry_age_days
        if limit is None:
            limit = self.crawler.settings.getfloat("ENTRY_MAX_AGE_DAYS")
        return float(limit or 0)

    def _parse_from_sitemap(self, response: Response) -> Any:
        # SitemapSpider calls this for every URL of a urlset; keep only article URLs.
        return self.parse_article(response)

    def _get_urls_and_callbacks_from_urlset(self, it: Iterable[dict[str, Any]]) -> Iterable[tuple[str, Any]]:
        for loc, _callback in super()._get_urls_and_callbacks_from_urlset(it):
            if self.is_article_url(loc):
                self._sitemap_counts["articles"] = self._sitemap_counts.get("articles", 0) + 1
                self.crawler.stats.inc_value("discovery/sitemap/article_urls")
                yield normalize_url(loc), self.parse_article

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Skip sitemap entries whose date (``lastmod`` or, in a Google News sitemap, the later of it
        and ``news:publication_date``) is older than the age limit (Scrapy's hook)."""
        counts = self._sitemap_counts
        for entry in entries:
            counts["entries"] = counts.get("entries", 0) + 1
            date = latest_date(entry.get("lastmod"), self._news_dates.get(entry.get("loc", "")))
            if self._too_old(date, "sitemap"):
                counts["too_old"] = counts.get("too_old", 0) + 1
            else:
                yield entry

    def _parse_sitemap(self, response: Response) -> list[Request]:
        """Article requests and sitemap requests from a sitemap, sitemap index or robots.txt."""
        request = self.listing_of(response)
        self._sitemap_counts = counts = {}
        self._news_dates = {}
        if not response.url.endswith("/robots.txt"):
            body = self._get_sitemap_body(response)
            kind = sitemap_type(body) if body else ""
            self._news_dates = news_dates(body) if kind == "urlset" else {}
            if kind not in ("urlset", "sitemapindex"):
                ctype = response.headers.get("Content-Type", b"").decode("latin-1")
                why = f"not a sitemap: the document is <{kind}>" if kind else f"not XML ({ctype or 'no Content-Type'})"
                self.sources.failed(request, "unparsable", why)
                return []
        try:
            requests = list(super()._parse_sitemap(response))
        except Exception as exc:  # scrapy's Sitemap raises on some garbage (e.g. StopIteration)
            self.sources.failed(request, "unparsable", f"{exc.__class__.__name__}: {exc}"[:200])
            return []
        source = self.sources.of(request)
        out = []
        for r in requests:
            if r.callback == self.parse_article:
                out.append(r.replace(meta={**r.meta, "source": "sitemap", "source_url": source.url,
                                           **self.ARTICLE_META}))
            else:  # a sitemap listed by an index or robots.txt: a source of its own
                out.append(self.listing_request(r.url, "sitemap", self._parse_sitemap, parent=source.url))
        sitemaps = sum(1 for r in out if r.callback != self.parse_article)
        if response.url.endswith("/robots.txt"):
            counts["entries"] = sitemaps
        self.sources.listed(request, sitemaps=sitemaps, **counts)
        return out

    def parse_feed(self, response: Response) -> list[Request]:
        """Article requests from an RSS 2.0 / RSS 1.0 / Atom / JSON feed; a broken feed is a source state."""
        if not isinstance(response, TextResponse):
            ctype = response.headers.get("Content-Type", b"").decode("latin-1")
            self.sources.failed(self.listing_of(response), "unparsable", f"not a text response ({ctype})")
            return []
        try:
            entries = feed_entries(response.body)
        except NotAFeed as exc:
            self.sources.failed(self.listing_of(response), "unparsable", str(exc))
            return []
        fresh = [url for url, date in entries if not self._too_old(date, "feed")]
        requests = self._requests([u for u in fresh if u], response, "feed")
        self.sources.listed(self.listing_of(response), entries=len(entries), too_old=len(entries) - len(fresh))
        return requests

    def _too_old(self, date: str | None, source: str) -> bool:
        """True (and counted) when a feed/sitemap entry's date is older than the age limit."""
        limit = self.entry_window_days()
        if not limit or not date:
            return False
        try:
            when = parse_entry_date(date.strip())
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date never hides an article
        if datetime.now(UTC) - when > timedelta(days=limit):
            self.crawler.stats.inc_value(f"discovery/{source}/too_old")
            return True
        return False

    def parse_section(self, response: Response) -> list[Request]:
        """Article requests from a listing page, then the next listing page (rel=next)."""
        if not isinstance(response, TextResponse):
            ctype = response.headers.get("Content-Type", b"").decode("latin-1")
            self.sources.failed(self.listing_of(response), "unparsable", f"not a text response ({ctype})")
            return []
        urls = [link.url for link in self._article_links.extract_links(response)]
        out = self._requests(urls, response, "section")
        links = len(set(response.css("a::attr(href)").getall()))
        self.sources.listed(self.listing_of(response), other_links=max(0, links - len(urls)))
        pages = self.listing_of(response).meta.get("depth_pages", 1)
        if pages >= self.max_section_pages:
            return out
        nexts = response.css("a[rel~=next]::attr(href), link[rel~=next]::attr(href)").getall()
        if self._pagination_links is not None:
            nexts += [link.url for link in self._pagination_links.extract_links(response)]
        source_url = self.sources.of(self.listing_of(response)).url
        for href in nexts:
            out.append(Request(response.urljoin(href), callback=self.parse_section, errback=self.source_failed,
                               headers=self.LISTING_HEADERS,
                               meta={"source": "section", "source_url": source_url, "depth_pages": pages + 1}))
        return out

    def _requests(self, urls: Iterable[str], response: Response, source: str) -> list[Request]:
        """Article requests for the article URLs among ``urls`` (counted as the source's article links)."""
        source_url = self.sources.of(self.listing_of(response)).url
        out, articles = [], 0
        for url in urls:
            absolute = response.urljoin(url)
            articles += self.is_article_url(absolute)
            request = self.article_request(absolute, source)
            if request is not None:
                request.meta["source_url"] = source_url
                out.append(request)
        source = self.sources.of(self.listing_of(response))
        source.articles += articles
        if self.listing_of(response).meta.get("source") == "section":
            source.entries += articles
        return out

    # --- articles ------------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterable[ArticlePage]:
        """One ``ArticlePage`` per HTML article response; anything else is counted and skipped."""
        ctype = response.headers.get("Content-Type", b"text/html").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or not ("html" in ctype or "xml" in ctype):
            self.crawler.stats.inc_value("page/not_html")
            self.logger.warning(
                "Skipping %s: not an HTML page (%s)",
                response.url,
                ctype,
            )
            return
        try:
            html, note = decode_body(response)
        except UndecodableBody as exc:  # stored, it would be garbage
            self.crawler.stats.inc_value("page/charset_mismatch")
            self.logger.warning("Skipping %s", exc)
            self.crawler.signals.send_catch_log(
                page_rejected, url=response.url, site=self.name, reason="UndecodableBody", message=str(exc),
                evidence={"content_type": ctype, "size": len(response.body)},
                warc_file=response.meta.get("warc_file", ""), warc_offset=response.meta.get("warc_offset"),
            )
            return
        if note:  # the label was wrong or missing and the bytes said which charset (logged at DEBUG)
            self.crawler.stats.inc_value("page/charset_detected")
        yield ArticlePage(
            url=response.request.meta.get("redirect_urls", [response.url])[0],
            final_url=response.url,
            site=self.name,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
            html=html,
            charset_note=note,
            warc_file=response.meta.get("warc_file", ""),  # set when the page was archived (crawler.warcarchive)
            warc_offset=response.meta.get("warc_offset"),
        )
