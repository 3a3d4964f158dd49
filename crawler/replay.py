"""Replay: the pages of WARC files through the crawl's own stages (extraction -> dedup ->
storage, stats, run record, report), without the network.

``ReplaySpider`` reads each file (``crawler.warcread``) and yields one request per page, its
record in ``meta["replay"]``; ``ReplayMiddleware``, the first downloader middleware, answers
that request with the record's response, so the page goes through the downloader middlewares'
responses (size limit, health), the spider and the item pipelines exactly as a fetched page.
Every record is counted once by outcome: ``replay/pages`` (served), ``replay/skipped/<reason>``
(``crawler.warcread``: revisit, not_html, status, truncated, too_large, unreadable, other,
plus ``bad_url``, ``before_since`` and ``not_article``); ``replay/records`` is their total.

A page's site (``SiteResolver``): its host (``www.`` dropped), or with ``site_from="spider"``
the project spider whose ``allowed_domains`` match the host (several: the one whose article
patterns match the URL; then a page no such spider would crawl as an article is skipped as
``not_article``); a host no spider covers keeps the host as its site. A redirect (3xx record)
followed by the record of its target gives one page under the first URL, as the crawl stores it.
The page carries the WARC file and offset of its record (``warc_file``, ``warc_offset``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes

from crawler.encoding import UndecodableBody, decode_body
from crawler.items import ArticlePage
from crawler.signals import page_rejected
from crawler.warcread import Skipped, WarcPage, read_file, warc_name

logger = logging.getLogger(__name__)


def host_site(url: str) -> str:
    """The site name of ``url`` by host: its host name, lower case, without ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


class SiteResolver:
    """Site names of page URLs: by host, or by the spider covering the host (see the module)."""

    def __init__(self, mode: str, spiders: Iterable[type] = ()) -> None:
        self.mode = mode
        self.spiders = [cls for cls in spiders if getattr(cls, "allowed_domains", None)]

    def _covering(self, host: str) -> list[type]:
        return [cls for cls in self.spiders
                if any(host == d.lower() or host.endswith("." + d.lower()) for d in cls.allowed_domains)]

    def site(self, url: str) -> str | None:
        """The site of ``url``; None when a spider covers its host but none would crawl it as an article."""
        if self.mode != "spider":
            return host_site(url)
        host = (urlsplit(url).hostname or "").lower()
        covering = self._covering(host)
        if not covering:
            return host_site(url)
        articles = [cls for cls in covering
                    if not hasattr(cls, "article_pattern_match") or cls.article_pattern_match(url)]
        if not articles:
            return None
        return str(sorted(articles, key=lambda cls: cls.name)[0].name)


class ReplaySpider(Spider):
    """Yields one request per page of ``files``; ``parse_page`` turns the served response into an ``ArticlePage``."""

    name = "replay"

    def __init__(self, files: list[Path], resolver: SiteResolver, since: datetime | None = None,
                 max_bytes: int = 0, progress: bool = False, warc_dir: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.files, self.resolver, self.since, self.warc_dir = files, resolver, since, warc_dir
        self.max_bytes, self.progress = max_bytes, progress

    def _count(self, key: str) -> None:
        self.crawler.stats.inc_value("replay/records")
        self.crawler.stats.inc_value(key)

    def _skip(self, reason: str, url: str = "", detail: str = "") -> None:
        self._count(f"replay/skipped/{reason}")
        if reason in ("truncated", "unreadable", "too_large", "bad_url"):
            logger.warning("Replay skipped a record (%s): %s %s", reason, url or "-", detail)

    async def start(self) -> AsyncIterator[Any]:
        bar = _progress_bar(sum(f.stat().st_size for f in self.files if f.is_file()), self.progress)
        try:
            for path in self.files:
                for request in self._requests(path):
                    yield request
                if bar is not None:
                    bar.update(path.stat().st_size if path.is_file() else 0)
        finally:
            if bar is not None:
                bar.close()

    def _requests(self, path: Path) -> Iterable[Request]:
        redirects: dict[str, str] = {}  # target URL -> the first URL of its redirect chain
        self.crawler.stats.inc_value("replay/files")
        for outcome in read_file(path, warc_name(self.warc_dir, path), self.max_bytes):
            if isinstance(outcome, Skipped):
                if outcome.redirect:
                    target = urljoin(outcome.url, outcome.redirect)
                    redirects[target] = redirects.pop(outcome.url, outcome.url)
                self._skip(outcome.reason, outcome.url, f"{outcome.detail} ({path}, offset {outcome.offset})")
                continue
            request = self._request(outcome, redirects.pop(outcome.url, outcome.url))
            if request is not None:
                yield request

    def _request(self, page: WarcPage, first_url: str) -> Request | None:
        if self.since is not None and page.date and datetime.fromisoformat(page.date) < self.since:
            self._skip("before_since")
            return None
        site = self.resolver.site(first_url)
        if site is None:
            self._skip("not_article")
            return None
        try:
            request = Request(page.url, callback=self.parse_page, dont_filter=True,
                              meta={"replay": page, "site": site, "first_url": first_url, "article": True,
                                    "dont_cache": True, "warc_file": page.file, "warc_offset": page.offset})
        except ValueError as exc:
            self._skip("bad_url", page.url, str(exc))
            return None
        self._count("replay/pages")
        return request

    def parse_page(self, response: Response) -> Iterable[ArticlePage]:
        """The ``ArticlePage`` of a served page, as ``NewsSpider.parse_article`` makes it."""
        meta = response.meta
        page: WarcPage = meta["replay"]
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("page/not_html")
            return
        try:
            html, note = decode_body(response)
        except UndecodableBody as exc:
            self.crawler.stats.inc_value("page/charset_mismatch")
            logger.warning("Skipping %s", exc)
            self.crawler.signals.send_catch_log(
                page_rejected, url=meta["first_url"], site=meta["site"], reason="UndecodableBody", message=str(exc),
                evidence={"size": len(response.body)}, warc_file=page.file, warc_offset=page.offset,
            )
            return
        if note:
            self.crawler.stats.inc_value("page/charset_detected")
        yield ArticlePage(url=meta["first_url"], final_url=response.url, site=meta["site"],
                          fetched_at=page.date or datetime.now(UTC).isoformat(timespec="seconds"), html=html,
                          charset_note=note, warc_file=meta["warc_file"], warc_offset=meta["warc_offset"])


class ReplayMiddleware:
    """First downloader middleware of a replay: answers a request holding ``meta["replay"]`` with
    the record's response (never the network); other requests (there are none) pass on."""

    def process_request(self, request: Request, spider: Any = None) -> Response | None:
        page = request.meta.get("replay")
        if page is None:
            return None
        headers = Headers()
        for name, value in page.headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=page.url, body=page.body)
        return cls(url=page.url, status=200, headers=headers, body=page.body, request=request, flags=["replay"])


def _progress_bar(total: int, show: bool) -> Any:
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, desc="replay", file=sys.stderr)
