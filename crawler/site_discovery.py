"""Discovery of a site's sources and article URL rules from its home page (``scrapy addsite``).

``DiscoverySpider`` fetches, through Scrapy's downloader (robots.txt obeyed, the project's
User-Agent), the home page, ``robots.txt``, common feed and sitemap paths, the feeds the home
page announces (RSS, Atom, JSON Feed: ``trafilatura.feeds.determine_feed`` reads the
``<link rel=alternate>`` tags; ``crawler.feeds`` reads the feeds, with their dates), the
sitemaps (and the children of sitemap indexes, a few; a Google News sitemap's entries dated by
the later of ``lastmod`` and ``news:publication_date``) and the home page's navigation links;
it records what each answered in ``Observations`` and yields no item.
``decide`` turns the observations into a ``SiteDecision``: the working feeds, sitemaps and
section pages, ``article_patterns`` generalising the sampled article paths (and matching no
listing page), ``deny_patterns`` for gallery/video/live/tag/author paths seen on the site,
and one reason per choice. It never raises on a bad page: a source that fails is left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from trafilatura.feeds import FeedParameters, determine_feed

from crawler.feeds import NotAFeed, feed_entries, latest_date, news_dates, parse_entry_date

FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml",  # tried when announced none
              "/feed.json", "/feed/json")
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml")
MAX_SECTIONS_TRIED = 20  # navigation links of the home page fetched as candidate sections
MAX_CHILD_SITEMAPS = 5  # children of a sitemap index followed
MIN_SECTION_ARTICLES = 3  # article links a page lists to count as a section
DENY_WORDS = ("gallery", "galleries", "photos", "video", "videos", "live", "tag", "tags", "author", "authors")
_SLUG = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+){2,}")  # three or more words joined by hyphens


@dataclass
class Observations:
    """What the discovery crawl saw: sources that answered, and the links of each page."""

    base_url: str
    feeds: dict[str, list[str]] = field(default_factory=dict)  # feed URL -> entry links
    sitemaps: dict[str, list[str]] = field(default_factory=dict)  # sitemap (or index) URL -> page links
    pages: dict[str, list[str]] = field(default_factory=dict)  # HTML page URL (home, candidates) -> its links
    failed: dict[str, str] = field(default_factory=dict)  # URL -> why it is not a source
    newest: dict[str, datetime] = field(default_factory=dict)  # feed/sitemap URL -> its newest entry's date


@dataclass
class SiteDecision:
    """What ``addsite`` writes: sources, URL rules, and why."""

    feeds: list[str]
    sitemaps: list[str]
    sections: list[str]
    section_pagination: list[str]
    article_patterns: list[str]
    deny_patterns: list[str]
    samples: list[str]  # the article URLs the patterns were inferred from
    reasons: list[str]
    max_entry_age_days: float | None = None  # set (0: no limit) when the sources' entries are older than the window


def looks_like_article(path: str) -> bool:
    """A path whose last segment is a slug of three or more words (or a long number with a word):
    how an article link is told from navigation before any pattern is known."""
    last = [s for s in path.split("/") if s][-1:] or [""]
    stem = re.sub(r"\.(html?|php|aspx?)$", "", last[0])
    return bool(_SLUG.fullmatch(stem)) or bool(re.fullmatch(r"\d{4,}-[A-Za-z][\w-]*|[\w-]*[A-Za-z]-\d{4,}", stem))


def _segment_rule(values: list[str], strict: bool = False) -> str:
    """The regex of one path position across samples: the literal when all agree, else a class
    (a free slug is ``[^/]+``; ``strict``: one holding a hyphen, which ``index.html`` is not)."""
    if len(set(values)) == 1 and not any(ch.isdigit() for ch in values[0]) and not _SLUG.fullmatch(values[0]):
        return re.escape(values[0])
    if all(v.isdigit() for v in values):
        lengths = {len(v) for v in values}
        return rf"\d{{{len(values[0])}}}" if lengths in ({2}, {4}) else r"\d+"
    suffixes = {m.group(0) if (m := re.search(r"\.[a-z]{2,5}$", v)) else "" for v in values}
    suffix = re.escape(suffixes.pop()) if len(suffixes) == 1 else ""
    if all(re.fullmatch(r"\d+-[\w.-]+", v) for v in values):
        return r"\d+-[\w-]+" + suffix
    if all(re.fullmatch(r"[\w-]+-\d+(\.[a-z]{2,5})?", v) for v in values):
        return r"[\w-]+-\d+" + suffix
    slug = r"[^/]*-[^/]*" if strict else r"[^/]+"
    return slug + suffix


def _shape(path: str) -> tuple[Any, ...]:
    segments = [s for s in path.split("/") if s]
    return (len(segments), path.endswith("/"),
            tuple(s if not any(c.isdigit() for c in s) and not _SLUG.fullmatch(s) and i < len(segments) - 1
                  else "*" for i, s in enumerate(segments)))


def infer_patterns(samples: list[str], listings: list[str]) -> list[str]:
    """Regexes (searched in a URL, as ``NewsSpider.article_patterns``) generalising the sample
    URLs' paths, one per path shape holding at least a tenth of the samples (and two), each
    checked to match all its samples and none of ``listings``; most samples first."""
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for url in samples:
        path = urlsplit(url).path
        if path.strip("/"):
            groups[_shape(path)].append(path)
    patterns: list[str] = []
    for _shape_key, paths in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        if len(paths) < max(2, len(samples) // 10):
            continue
        columns = list(zip(*([s for s in p.split("/") if s] for p in paths), strict=True))
        for strict in (False, True):  # the strict slug only when the free one matches a listing page
            pattern = "/" + "/".join(_segment_rule(list(col), strict) for col in columns) + (
                "/" if paths[0].endswith("/") else "") + "$"
            regex = re.compile(pattern)
            if all(regex.search(p) for p in paths) and not any(regex.search(u) for u in listings):
                patterns.append(pattern)
                break
    return patterns


def _same_site(url: str, base_url: str) -> bool:
    return urlsplit(url).netloc == urlsplit(base_url).netloc


def _path(url: str, base_url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if _same_site(url, base_url) else url


def decide(obs: Observations, window_days: float = 0, now: datetime | None = None) -> SiteDecision:
    """The spider's declaration from what the discovery crawl saw (see the module docstring).
    ``window_days`` is the crawl's ``ENTRY_MAX_AGE_DAYS``: when every dated entry of the chosen
    feeds and sitemaps is older, the declaration sets ``max_entry_age_days = 0`` (no limit),
    or its first crawl would fetch nothing from them."""
    base, reasons = obs.base_url, []
    feed_links = sorted({u for links in obs.feeds.values() for u in links if _same_site(u, base)})
    sitemap_links = sorted({u for links in obs.sitemaps.values() for u in links if _same_site(u, base)})
    home = urljoin(base + "/", "/")
    page_links = {u for page, links in obs.pages.items() for u in links
                  if _same_site(u, base) and looks_like_article(urlsplit(u).path)}
    samples = sorted(set(feed_links) | set(sitemap_links) | page_links)
    # listing pages: the home page, the sources, and any page listing several article-like links
    listings = [home, *obs.feeds, *obs.sitemaps, *(
        page for page, links in obs.pages.items()
        if len({u for u in links if u != page and looks_like_article(urlsplit(u).path)}) >= MIN_SECTION_ARTICLES)]
    patterns = infer_patterns(samples, listings)
    matcher = [re.compile(p) for p in patterns]
    articles = [u for u in samples if any(r.search(u) for r in matcher)]
    reasons.append(f"{len(samples)} article-like URLs sampled ({len(feed_links)} from feeds, {len(sitemap_links)} from "
                   f"sitemaps, {len(page_links)} from pages); {len(articles)} match the inferred patterns")
    for pattern, regex in zip(patterns, matcher, strict=True):
        reasons.append(f"article pattern {pattern}: generalises {sum(1 for u in samples if regex.search(u))} sampled "
                       f"paths, matches none of {len(listings)} listing pages")
    feeds = [_path(u, base) for u, links in obs.feeds.items() if any(any(r.search(x) for r in matcher) for x in links)]
    for url in feeds:
        reasons.append(f"feed {url}: {len(obs.feeds[urljoin(base, url)])} entries")
    # a sitemap index is declared, not its children (the spider follows them)
    children = {u for links in obs.sitemaps.values() for u in links if u in obs.sitemaps}
    sitemaps = [_path(u, base) for u, links in obs.sitemaps.items() if u not in children and
                (any(any(r.search(x) for r in matcher) for x in links) or any(x in obs.sitemaps for x in links))]
    for url in sitemaps:
        reasons.append(f"sitemap {url}: {len(obs.sitemaps[urljoin(base, url)])} entries")
    sections, pagination = [], []
    for page, links in obs.pages.items():
        if page == home or not matcher or re.search(r"\d", urlsplit(page).path):
            continue  # dated archives and numbered pages are no stable entry point
        listed = {u for u in links if any(r.search(u) for r in matcher)}
        if len(listed) >= MIN_SECTION_ARTICLES:
            sections.append(_path(page, base))
            reasons.append(f"section {_path(page, base)}: lists {len(listed)} article links")
            pagination.extend(_pagination_rules(page, links))
    seen_paths = {urlsplit(u).path for links in obs.pages.values() for u in links if _same_site(u, base)}
    deny = sorted({rf"/{w}/" for w in DENY_WORDS for p in seen_paths if f"/{w}/" in p
                   and not any(f"/{w}/" in urlsplit(u).path for u in articles)})  # never one denying a sample
    if deny:
        reasons.append("deny " + ", ".join(deny) + ": such paths are linked from the site's pages")
    decision = SiteDecision(feeds, sitemaps, sections, sorted(set(pagination)), patterns, deny, articles, reasons)
    dated = [obs.newest[u] for u in (*(urljoin(base, f) for f in feeds), *obs.sitemaps) if u in obs.newest]
    now = now or datetime.now(UTC)
    if window_days and dated and max(dated) < now - timedelta(days=window_days):
        decision.max_entry_age_days = 0
        reasons.append(f"max_entry_age_days = 0: the newest feed/sitemap entry ({max(dated):%Y-%m-%d}) is older "
                       f"than the {window_days:g}-day ENTRY_MAX_AGE_DAYS window")
    return decision


def _pagination_rules(page: str, links: list[str]) -> list[str]:
    """Regexes of a section's own further pages: its path with a numeric query parameter changed."""
    parts = urlsplit(page)
    rules = []
    for url in links:
        other = urlsplit(url)
        found = re.fullmatch(r"(\w+)=\d+", other.query or "")
        if other.path == parts.path and other.netloc == parts.netloc and found and url != page:
            rules.append(re.escape(parts.path) + r"\?" + found.group(1) + r"=\d+$")
    return rules


class DiscoverySpider(Spider):
    """Fetches a site's candidate sources into ``self.observations`` (yields no item)."""

    name = "addsite_discovery"
    custom_settings = {"HTTPERROR_ALLOW_ALL": True}

    def __init__(self, base_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        self.observations = Observations(self.base_url)
        self._feeds_tried: set[str] = set()

    async def start(self) -> Any:
        yield Request(self.base_url + "/", callback=self.parse_home, errback=self.failed)
        yield Request(self.base_url + "/robots.txt", callback=self.parse_robots, errback=self.failed)
        for path in SITEMAP_PATHS:
            yield self._sitemap(self.base_url + path)

    def failed(self, failure: Any) -> None:
        url = getattr(getattr(failure, "request", None), "url", "?")
        self.observations.failed[url] = failure.getErrorMessage() or type(failure.value).__name__

    def _ok(self, response: Response) -> bool:
        if response.status != 200:
            self.observations.failed[response.url] = f"HTTP {response.status}"
            return False
        return True

    def _sitemap(self, url: str) -> Request:
        return Request(url, callback=self.parse_sitemap, errback=self.failed)

    def _feed(self, url: str) -> Request | None:
        if url in self._feeds_tried:
            return None
        self._feeds_tried.add(url)
        return Request(url, callback=self.parse_feed, errback=self.failed)

    def parse_home(self, response: Response) -> Any:
        if not self._ok(response) or not isinstance(response, TextResponse):
            return
        self.observations.pages[response.url] = links = self._links(response)
        parts = urlsplit(self.base_url)
        announced = determine_feed(response.text, FeedParameters(self.base_url, parts.hostname or "", response.url))
        for url in announced or [self.base_url + p for p in FEED_PATHS]:
            if (request := self._feed(url)) is not None:
                yield request
        candidates = [u for u in dict.fromkeys(links) if _same_site(u, self.base_url)
                      and not looks_like_article(urlsplit(u).path) and u not in self._feeds_tried
                      and urlsplit(u).path.strip("/")]
        for url in candidates[:MAX_SECTIONS_TRIED]:
            yield Request(url, callback=self.parse_page, errback=self.failed)

    def parse_page(self, response: Response) -> None:
        if self._ok(response) and isinstance(response, TextResponse):
            self.observations.pages[response.url] = self._links(response)

    def parse_robots(self, response: Response) -> Any:
        if self._ok(response):
            for url in sitemap_urls_from_robots(response.body,
                                                base_url=response.url):
                yield self._sitemap(url)

    def parse_feed(self, response: Response) -> None:
        if not self._ok(response):
            return
        try:
            entries = feed_entries(response.body)
        except NotAFeed as exc:
            self.observations.failed[response.url] = f"not a feed ({exc})"
            return
        self.observations.feeds[response.url] = [urljoin(response.url, link) for link, _date in entries]
        self._note_dates(response.url, [date for _link, date in entries])

    def parse_sitemap(self, response: Response) -> Any:
        if not self._ok(response) or response.url in self.observations.sitemaps:
            return
        try:
            sitemap = Sitemap(response.body)
            links = [entry["loc"] for entry in sitemap if entry.get("loc")]
        except Exception as exc:  # lxml rejects the body: not a sitemap, recorded
            self.observations.failed[response.url] = f"not a sitemap ({type(exc).__name__})"
            return
        self.observations.sitemaps[response.url] = links
        published = news_dates(response.body)  # Google News sitemaps: the later of the two dates
        self._note_dates(response.url, [latest_date(e.get("lastmod"), published.get(e.get("loc", "")))
                                        for e in Sitemap(response.body)])
        if sitemap.type == "sitemapindex":
            for url in links[:MAX_CHILD_SITEMAPS]:
                yield self._sitemap(url)

    def _note_dates(self, url: str, values: list[str | None]) -> None:
        dates = []
        for value in filter(None, values):
            try:
                dates.append(parse_entry_date(value.strip()))
            except (TypeError, ValueError, IndexError):
                continue  # an unreadable date is no date
        if dates:
            self.observations.newest[url] = max(dates)

    @staticmethod
    def _links(response: TextResponse) -> list[str]:
        hrefs = response.xpath("//a/@href").getall()
        return [response.urljoin(h.strip()).split("#")[0] for h in hrefs if not h.strip().startswith(("#", "mailto:"))]
