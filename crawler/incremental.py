"""Incremental crawling: article pages already stored or deliberately dropped are not
fetched again; listing pages (feeds, sitemaps, sections) are revalidated every run.

- ``SeenStore``: normalised URLs in Redis (``<REDIS_KEY_PREFIX>:seen:<url hash>``), expiring
  after ``SEEN_TTL_DAYS``.
- ``SeenFilterMiddleware`` (downloader): drops article requests whose URL is seen
  (``incremental/skipped_seen``). If Redis does not answer (``crawler.redis_health``):
  with ``DEDUP_ON_REDIS_DOWN = "stop"`` the crawl stops and article requests are dropped
  (``incremental/redis_unavailable``); with ``"store-unchecked"`` they go through.
- ``SeenRecorder`` (extension): marks a URL seen only once its article or dropped copy was
  committed to storage (``crawler.signals.article_recorded``) or it was already stored
  (``AlreadyStored``), so a crash before that point never loses an article.
- A page refused by extraction (``rejections`` row committed: ``crawler.signals.rejection_recorded``)
  is marked *rejected*: its key holds ``r:<declaration hash>`` (``pipelines.extract.declaration``)
  and expires after ``REJECTION_RETRY_HOURS``, and ``SeenFilterMiddleware`` treats it as not seen
  when the site's extraction declaration hash is another one. A rejected mark never replaces a
  stored or dropped-copy mark.

Listing pages carry ``Cache-Control: max-age=0``: Scrapy's own HTTP cache with the RFC 2616
policy (``HTTPCACHE_*`` settings) then revalidates them with If-None-Match /
If-Modified-Since, and an unchanged page costs a 304.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.connection import is_cluster, redis_key, redis_key_prefix, shared_redis
from crawler.items import Article, ArticlePage
from crawler.redis_health import REDIS_DOWN_ERRORS, STOP, RedisOutage, down_policy, outage_for, stop_crawl
from crawler.signals import article_recorded, rejection_recorded
from crawler.urls import normalize_url, url_key
from pipelines.drops import AlreadyStored
from pipelines.extract.declaration import declaration_hash

logger = logging.getLogger(__name__)


class SeenStore:
    """Set of normalised URLs with expiry, in Redis."""

    def __init__(self, client: redis.Redis, prefix: str, ttl_seconds: int) -> None:
        self.client, self.prefix, self.ttl = client, prefix, max(1, int(ttl_seconds))

    @classmethod
    def from_settings(cls, settings: Any) -> SeenStore:
        """The seen-store of ``settings``: the process's shared Redis client, the project's key prefix."""
        return cls(shared_redis(settings), redis_key_prefix(settings), settings.getfloat("SEEN_TTL_DAYS") * 86400)

    def _key(self, url: str) -> str:
        return redis_key(self.prefix, "seen", seen_keys_of((url,))[0])

    def seen(self, url: str) -> bool:
        return bool(self.client.exists(self._key(url)))

    def state(self, url: str) -> bytes | None:
        """The value of ``url``'s key: ``b"1"`` stored or dropped copy, ``b"r:<hash>"`` rejected, None unseen."""
        return self.client.get(self._key(url))

    def mark_rejected(self, declaration: str, ttl_seconds: float, *urls: str) -> None:
        """Mark ``urls`` rejected under extraction declaration ``declaration`` for ``ttl_seconds``;
        a key already marked stored / dropped copy keeps its mark and expiry."""
        keys = [redis_key(self.prefix, "seen", k) for k in set(seen_keys_of(urls))]
        if keys and is_cluster(self.client):  # one call per key: the keys lie in different slots
            pipe = self.client.pipeline(transaction=False)
            for key in keys:
                pipe.eval(_MARK_REJECTED, 1, key, f"{REJECTED}{declaration}", max(1, int(ttl_seconds)))
            pipe.execute()
        elif keys:
            self.client.eval(_MARK_REJECTED, len(keys), *keys, f"{REJECTED}{declaration}",
                             max(1, int(ttl_seconds)))

    def mark(self, *urls: str) -> None:
        self.mark_keys(*seen_keys_of(urls))

    def mark_keys(self, *keys: str) -> None:
        """Mark URLs given by their ``seen_keys_of`` keys (one pipelined round trip)."""
        if not keys:
            return
        pipe = self.client.pipeline(transaction=False)
        for key in set(keys):
            pipe.set(redis_key(self.prefix, "seen", key), 1, ex=self.ttl)
        pipe.execute()


REJECTED = "r:"  # prefix of a rejected URL's seen value; the rest is the declaration hash

# KEYS: seen keys; ARGV: the rejected value, its TTL. Only unseen or rejected keys are (re)written.
_MARK_REJECTED = """
for _, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if (not value) or string.sub(value, 1, 2) == 'r:' then
    redis.call('SET', key, ARGV[1], 'EX', tonumber(ARGV[2]))
  end
end
return 0
"""


def seen_keys_of(urls: Iterable[str], first_key: str | None = None) -> list[str]:
    """The seen-store keys of ``urls`` (empty ones skipped, each distinct URL normalised once).
    ``first_key``: the key of the first URL when the caller knows it (a stored article's id is
    ``crawler.urls.article_id`` of its URL, which is that URL's key)."""
    urls = list(urls)
    if first_key is None or not urls or not urls[0]:
        return [url_key(normalize_url(u)) for u in {u for u in urls if u}]
    return [first_key, *(url_key(normalize_url(u)) for u in {u for u in urls[1:] if u and u != urls[0]})]


class SeenFilterMiddleware:
    """Downloader middleware: skip article requests whose URL was stored or dropped before."""

    def __init__(self, store: SeenStore, stats: Any, policy: str, outage: RedisOutage, crawler: Any = None) -> None:
        self.store, self.stats = store, stats
        self.policy, self.outage, self.crawler = policy, outage, crawler
        self._down_logged = False
        self._declarations: dict[str, str] = {}

    def declaration(self, site: str) -> str:
        """``site``'s extraction declaration hash under the crawl's settings (cached)."""
        if site not in self._declarations:
            self._declarations[site] = declaration_hash(self.crawler.settings, site) if self.crawler else ""
        return self._declarations[site]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenFilterMiddleware:
        if not crawler.settings.getbool("SEEN_ENABLED"):
            raise NotConfigured
        settings = crawler.settings
        return cls(SeenStore.from_settings(settings), crawler.stats, down_policy(settings), outage_for(settings),
                   crawler)

    def _redis_down(self, request: Request, exc: BaseException | None) -> None:
        self.stats.inc_value("incremental/redis_unavailable")
        if self.policy == STOP:
            if exc is not None and self.crawler is not None:
                stop_crawl(self.crawler, exc)
            raise IgnoreRequest(f"Redis unavailable, not fetched: {request.url}")
        if not self._down_logged:
            logger.error("Redis unavailable: fetching article pages without the seen-store")
            self._down_logged = True

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not request.meta.get("article"):
            return None
        if self.outage.down:
            self._redis_down(request, None)
            return None
        try:
            state = self.store.state(request.url)
        except REDIS_DOWN_ERRORS as exc:
            self.outage.trip(exc)
            self._redis_down(request, exc)
            return None
        if state is not None and state.startswith(REJECTED.encode()):
            site = getattr(spider or getattr(self.crawler, "spider", None), "name", "") or ""
            if state[len(REJECTED):].decode() != self.declaration(site):
                self.stats.inc_value("incremental/refetch_declaration_changed")
                return None
            self.stats.inc_value("incremental/skipped_rejected")
        if state is not None:
            self.stats.inc_value("incremental/skipped_seen")
            raise IgnoreRequest(f"already stored or dropped: {request.url}")
        return None


def marked_urls(url: str, final_url: str, canonical_url: str, keep: str) -> list[str]:
    """The URLs a recorded article marks seen: its own and its final URL, and its canonical URL
    only with ``DEDUP_KEEP = "first"``. Keeping the best copy, the page at the canonical address
    (the original an AMP variant or a syndicated copy points to) must still be fetched: it may
    replace the stored copy."""
    return [url, final_url, canonical_url] if keep == "first" else [url, final_url]


class SeenRecorder:
    """Extension: mark URLs seen once their article is stored or deliberately dropped."""

    DELIBERATE = (AlreadyStored,)  # duplicates and rejections: marked when their record is committed

    def __init__(self, store: SeenStore, stats: Any, outage: RedisOutage, settings: Any, retry_hours: float,
                 keep: str) -> None:
        """``settings``: the crawl's (declaration hashes of rejected pages); ``retry_hours``: how long a
        rejected URL stays seen (``REJECTION_RETRY_HOURS``); ``keep``: ``DEDUP_KEEP`` (which URLs of
        a stored article are marked, see ``marked_urls``)."""
        self.store, self.stats = store, stats
        self.outage = outage
        self.settings, self.retry_hours, self.keep = settings, retry_hours, keep
        self._declarations: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenRecorder:
        if not crawler.settings.getbool("SEEN_ENABLED"):
            raise NotConfigured
        settings = crawler.settings
        ext = cls(SeenStore.from_settings(settings), crawler.stats, outage_for(settings), settings,
                  settings.getfloat("REJECTION_RETRY_HOURS"), settings.get("DEDUP_KEEP"))
        crawler.signals.connect(ext.article_recorded, signal=article_recorded)
        crawler.signals.connect(ext.rejection_recorded, signal=rejection_recorded)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        return ext

    def _mark(self, item: Any, rejected: bool = False) -> None:
        urls = [item.url, item.final_url]
        if isinstance(item, Article):
            urls = marked_urls(item.url, item.final_url, item.canonical_url, self.keep)
        if self.outage.down:  # not marked: the next run fetches the page again (and finds it stored)
            self.stats.inc_value("incremental/seen_store_unavailable")
            return
        try:
            if rejected:
                self.store.mark_rejected(self._declaration(item.site), self.retry_hours * 3600, *urls)
                self.stats.inc_value("incremental/marked_rejected")
                return
            self.store.mark(*urls)
            self.stats.inc_value("incremental/marked_seen")
        except REDIS_DOWN_ERRORS as exc:
            self.outage.trip(exc)
            self.stats.inc_value("incremental/seen_store_unavailable")

    def _declaration(self, site: str) -> str:
        if site not in self._declarations:
            self._declarations[site] = declaration_hash(self.settings, site)
        return self._declarations[site]

    def rejection_recorded(self, item: Any, reason: str = "") -> None:
        if isinstance(item, ArticlePage):
            self._mark(item, rejected=True)

    def article_recorded(self, item: Any) -> None:
        if isinstance(item, Article):
            self._mark(item)

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any = None) -> None:
        if isinstance(exception, self.DELIBERATE) and isinstance(item, Article | ArticlePage):
            self._mark(item)
