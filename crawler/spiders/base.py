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
patterns, an invalid ``body_selector`` or boilerplate regex, a bad date window or an
unknown option (a typo such as ``feedz``) raise ``SpiderConfigError`` naming the site.

Sitemaps (plain, news sitemaps, sitemap indexes, ``robots.txt``) are parsed by Scrapy's
own ``SitemapSpider`` machinery; feeds (RSS 2.0 / Atom) with Scrapy selectors; section
pages with a ``LinkExtractor`` plus ``rel=next`` pagination. Every article response
becomes an ``ArticlePage`` item; a page that is not HTML is counted and logged, never raised.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider

from crawler.encoding import UndecodableBody, decode_body
from crawler.items import ArticlePage
from crawler.signals import page_rejected
from crawler.urls import normalize_url


class SpiderConfigError(ValueError):
    """A site spider's declaration is wrong (raised when the spider starts)."""


def parse_entry_date(value: str) -> datetime:
    """A feed or sitemap date (RFC 822 or ISO 8601) as an aware datetime (UTC if no zone)."""
    when = parsedate_to_datetime(value) if value[:1].isalpha() else datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def selector_problems(selector: str) -> list[str]:
    """Why ``selector`` (CSS, or XPath when it starts with "/" or "(") cannot be used; empty if it can."""
    from parsel import Selector

    kind = "XPath" if selector.lstrip().startswith(("/", "(")) else "CSS"
    try:
        doc = Selector(text="<html><body></body></html>")
        doc.xpath(selector) if kind == "XPath" else doc.css(selector)
    except Exception as exc:  # cssselect and lxml raise several kinds
        return [f"invalid {kind} body_selector {selector!r} ({exc.__class__.__name__}: {exc})"]
    return []


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
    _urlset_locs: int = 0  # URLs of the urlset being parsed (tells "no articles" from "broken")

    # attributes a site class may set besides NewsSpider's own (anything else is a typo)
    EXTRA_OPTIONS = frozenset({"name", "allowed_domains", "custom_settings", "start_urls"})

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        if base_url:
            self.base_url = base_url.rstrip("/")
        type(self).check_config()
        super().__init__(*args, **kwargs)
        self._article_res = [re.compile(p) for p in self.article_patterns]
        self._deny_res = [re.compile(p) for p in self.deny_patterns]
        self._article_links = LinkExtractor(allow=self.article_patterns, deny=self.deny_patterns)
        self._pagination_links = (
            LinkExtractor(allow=self.section_pagination) if self.section_pagination else None
        )

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
        if not (cls.feeds or cls.sitemaps or cls.sections):
            problems.append("no sources: set feeds, sitemaps or sections")
        for option in ("feeds", "sitemaps", "sections", "article_patterns", "deny_patterns", "section_pagination",
                       "boilerplate_lines", "languages"):
            if isinstance(getattr(cls, option), str):
                problems.append(f"{option} must be a list of strings, not one string")
        if not cls.article_patterns:
            problems.append("no article_patterns: give at least one regex of article URLs")
        for option in ("article_patterns", "deny_patterns", "section_pagination", "boilerplate_lines"):
            values = getattr(cls, option)
            for pattern in [] if isinstance(values, str) else values:
                try:
                    re.compile(pattern)
                except (re.error, TypeError) as exc:
                    problems.append(f"invalid regex in {option}: {pattern!r} ({exc})")
        if cls.body_selector:
            problems += selector_problems(cls.body_selector)
        age = cls.max_entry_age_days
        if age is not None and (isinstance(age, bool) or not isinstance(age, int | float) or age < 0):
            problems.append(f"max_entry_age_days must be a number of days >= 0 or None, not {age!r}")
        return problems

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

    async def start(self) -> AsyncIterator[Any]:
        for url in self.sitemaps:
            yield Request(self.absolute(url), callback=self._parse_sitemap, meta={"source": "sitemap"},
                          headers=self.LISTING_HEADERS)
        for url in self.feeds:
            yield Request(self.absolute(url), callback=self.parse_feed, meta={"source": "feed"},
                          headers=self.LISTING_HEADERS)
        for url in self.sections:
            yield Request(
                self.absolute(url), callback=self.parse_section, meta={"source": "section", "depth_pages": 1},
                headers=self.LISTING_HEADERS,
            )

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

    def _parse_from_sitemap(self, response: Response) -> Any:
        # SitemapSpider calls this for every URL of a urlset; keep only article URLs.
        return self.parse_article(response)

    def _get_urls_and_callbacks_from_urlset(self, it: Iterable[dict[str, Any]]) -> Iterable[tuple[str, Any]]:
        for loc, _callback in super()._get_urls_and_callbacks_from_urlset(it):
            self._urlset_locs += 1
            if self.is_article_url(loc):
                self.crawler.stats.inc_value("discovery/sitemap/article_urls")
                yield normalize_url(loc), self.parse_article

    def _parse_sitemap(self, response: Response) -> Iterable[Request]:
        self._urlset_locs = 0
        try:
            requests = list(super()._parse_sitemap(response))
        except Exception as exc:  # scrapy's Sitemap raises on some garbage (e.g. StopIteration)
            return self._bad_source(response, "sitemap", f"unparsable ({exc.__class__.__name__})")
        requests = [
            r.replace(meta={**r.meta, "source": "sitemap", **self.ARTICLE_META})
            if r.callback == self.parse_article else r.replace(headers=self.LISTING_HEADERS)
            for r in requests
        ]
        if not requests and self._urlset_locs:
            self.crawler.stats.inc_value("discovery/sitemap/no_article_urls")
            self.logger.info("Sitemap %s lists %d URLs, none an article", response.url, self._urlset_locs)
        elif not requests and not response.url.endswith("robots.txt"):
            return self._bad_source(response, "sitemap", "invalid or no entries")
        return requests

    def parse_feed(self, response: Response) -> Iterable[Request]:
        """Article requests from an RSS 2.0 or Atom feed; a broken feed is counted and logged."""
        if not isinstance(response, TextResponse):
            return self._bad_source(response, "feed", "not a text response")
        try:
            selector = response.selector
            selector.remove_namespaces()
            entries = [
                (
                    (e.xpath("link/text()").get() or e.xpath("link[not(@rel) or @rel='alternate']/@href").get() or "")
                    .strip(),
                    e.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get(),
                )
                for e in selector.xpath("//item | //entry")
            ]
        except Exception as exc:  # lxml raises many kinds on broken XML
            return self._bad_source(response, "feed", f"unparsable ({exc.__class__.__name__})")
        urls = [url for url, date in entries if url and not self._too_old(date, "feed")]
        requests = list(self._requests(urls, response, "feed"))
        if not requests:
            return self._bad_source(response, "feed", f"no article entries ({len(urls)} links)")
        return requests

    def _too_old(self, date: str | None, source: str) -> bool:
        """True (and counted) when a feed/sitemap entry's date is older than the age limit."""
        limit = self.max_entry_age_days
        if limit is None:
            limit = self.crawler.settings.getfloat("ENTRY_MAX_AGE_DAYS")
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

    def sitemap_filter(self, entries: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        """Skip urlset entries whose ``lastmod`` is older than the age limit (Scrapy's hook)."""
        for entry in entries:
            if not self._too_old(entry.get("lastmod"), "sitemap"):
                yield entry

    def parse_section(self, response: Response) -> Iterable[Request]:
        """Article requests from a listing page, then the next listing page (rel=next)."""
        if not isinstance(response, TextResponse):
            yield from self._bad_source(response, "section", "not a text response")
            return
        urls = [link.url for link in self._article_links.extract_links(response)]
        yield from self._requests(urls, response, "section")
        pages = response.meta.get("depth_pages", 1)
        if pages >= self.max_section_pages:
            return
        nexts = response.css("a[rel~=next]::attr(href), link[rel~=next]::attr(href)").getall()
        if self._pagination_links is not None:
            nexts += [link.url for link in self._pagination_links.extract_links(response)]
        for href in nexts:
            yield Request(
                response.urljoin(href),
                callback=self.parse_section,
                meta={"source": "section", "depth_pages": pages + 1},
                headers=self.LISTING_HEADERS,
            )

    def _requests(self, urls: Iterable[str], response: Response, source: str) -> Iterable[Request]:
        for url in urls:
            request = self.article_request(response.urljoin(url), source)
            if request is not None:
                yield request

    def _bad_source(self, response: Response, kind: str, why: str) -> list[Request]:
        self.crawler.stats.inc_value(f"discovery/{kind}/broken")
        self.logger.warning("Broken %s %s: %s", kind, response.url, why)
        return []

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
        )
