"""Spiders of the distributed profile: a ``NewsSpider`` reads its sources from Redis."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.spiderloader import SpiderLoader
from scrapy.spiders import Spider
from scrapy_redis.spiders import RedisMixin
from scrapy_redis.utils import bytes_to_str

from crawler.distributed.callbacks import entry_method
from crawler.distributed.engine_adapter import wake_engine
from crawler.distributed.frontier import BUSY, Frontier, FrontierKeys
from crawler.distributed.presence import presence_for
from crawler.distributed.profile import frontier_redis
from crawler.spiders.base import NewsSpider


class DistributedSpiderMixin(RedisMixin):
    """scrapy-redis's ``RedisMixin`` for a ``NewsSpider``: its sources come from the Redis list
    ``<prefix>:crawl:<spider>:start_urls`` (filled by ``scrapy seed``), not from its declaration.

    Applied by ``DistributedSpiderLoader`` (``SPIDER_LOADER_CLASS`` of the distributed profile).
    ``source_requests()`` still gives the declared sources (what ``scrapy seed`` pushes).
    """

    # the mixin's attributes, declared so NewsSpider's option check accepts them
    MIXIN_OPTIONS = frozenset({"redis_key", "redis_batch_size", "redis_encoding", "server",
                               "spider_idle_start_time", "max_idle_time", "idle_poll", "MIXIN_OPTIONS"})
    redis_encoding = "utf-8"  # source entries are JSON written by `scrapy seed`
    idle_poll: float  # DISTRIBUTED_IDLE_POLL, set by setup_frontier
    _idle_since: float | None = None
    _poke_pending: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        spider.setup_frontier(crawler)
        return spider

    def setup_frontier(self, crawler: Crawler) -> None:
        """What scrapy-redis's ``setup_redis`` does, on the process's shared Redis client: the
        start-entry list of this spider, batch size ``CONCURRENT_REQUESTS``, the idle handler."""
        settings = crawler.settings
        self.server = frontier_redis(settings)
        self.redis_key = FrontierKeys.from_settings(settings, self.name).start_urls
        self.redis_batch_size = settings.getint("CONCURRENT_REQUESTS")
        self.max_idle_time = settings.getint("MAX_IDLE_TIME_BEFORE_CLOSE")
        self.idle_poll = settings.getfloat("DISTRIBUTED_IDLE_POLL")
        self.fetch_data = self.pop_list_queue
        self.count_size = self.server.llen
        self.logger.info("Reading source entries from redis key %r (batch size %s)", self.redis_key,
                         self.redis_batch_size)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    async def source_requests(self) -> AsyncIterator[Request]:
        """The spider's declared sources (``NewsSpider.start``), as ``scrapy seed`` pushes them."""
        async for request in super().start():  # type: ignore[misc]
            if isinstance(request, Request):
                yield request

    async def start(self) -> AsyncIterator[Any]:
        """Scrapy 2.19 entry point (``start_requests`` is not called): the first batch of source
        entries from Redis; later ones are taken when the worker is idle (``spider_idle``)."""
        presence = presence_for(self.crawler)
        if self.count_size(self.redis_key):
            presence.set_state(BUSY)
            for request in self.next_requests():
                yield request

    def make_request_from_data(self, data: bytes | str) -> Request | list[Request]:
        """A request from a source entry (``crawler.distributed.callbacks.entry_from_request``);
        [] (logged, counted) when invalid."""
        text = bytes_to_str(data, self.redis_encoding)
        try:
            entry = json.loads(text)
            meta = dict(entry.get("meta") or {})
            return Request(
                entry["url"], callback=getattr(self, entry_method(entry)), meta=meta,
                headers=entry.get("headers") or None,
                errback=None if meta.get("article") else self.source_failed,  # the source's state (crawler.sources)
                priority=int(entry.get("priority", 0)),
                dont_filter=bool(entry.get("dont_filter", not meta.get("article"))),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self.crawler.stats.inc_value("distributed/bad_source_entries")
            self.logger.warning("Ignoring source entry %r from %s (push them with `scrapy seed`): %s",
                                text[:200], self.redis_key, exc)
            return []

    def spider_idle(self) -> None:
        """Take more source entries, or wait while the frontier may still grow; close once it
        stayed empty, with no other worker busy, for ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds."""
        presence = presence_for(self.crawler)
        if self.count_size(self.redis_key) > 0:
            presence.set_state(BUSY)
            self._idle_since = None
            self.schedule_next_requests()
            raise DontCloseSpider
        state = Frontier(self.server, presence.keys).state()
        now = time.monotonic()
        if not state.round_over(exclude=presence.worker_id):
            self._idle_since = None  # others may still queue work
        else:
            if self._idle_since is None:
                self._idle_since = now
                self.logger.info("Frontier empty and no other worker busy; closing in %ss unless work arrives",
                                 self.max_idle_time or "∞")
            if self.max_idle_time and now - self._idle_since >= self.max_idle_time:
                self.logger.info("Frontier empty for %.0fs: closing this worker", now - self._idle_since)
                return
        self._poke_later()
        raise DontCloseSpider

    def _poke_later(self) -> None:
        """Look at the shared queue again in ``DISTRIBUTED_IDLE_POLL`` seconds (Scrapy's own idle
        heartbeat is every 5 s)."""
        if self._poke_pending:
            return
        from twisted.internet import reactor

        self._poke_pending = True
        reactor.callLater(self.idle_poll, self._poke)

    def _poke(self) -> None:
        self._poke_pending = False
        wake_engine(self.crawler.engine)


class DistributedSpiderLoader(SpiderLoader):
    """Spider loader of the distributed profile: every ``NewsSpider`` comes with
    ``DistributedSpiderMixin`` (same name, group and settings); other spiders are unchanged."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self._wrapped: dict[str, type[Spider]] = {}

    def load(self, spider_name: str) -> type[Spider]:
        cls = super().load(spider_name)
        if not issubclass(cls, NewsSpider) or issubclass(cls, DistributedSpiderMixin):
            return cls
        if spider_name not in self._wrapped:  # one class per name: Scrapy compares spider classes
            extra = frozenset(cls.EXTRA_OPTIONS) | DistributedSpiderMixin.MIXIN_OPTIONS
            self._wrapped[spider_name] = type(
                f"Distributed{cls.__name__}", (DistributedSpiderMixin, cls),
                {"__module__": cls.__module__, "EXTRA_OPTIONS": extra,
                 "__doc__": f"{cls.__doc__ or cls.__name__} (sources from Redis)"},
            )
        return self._wrapped[spider_name]

    def load_declared(self, spider_name: str) -> type[Spider]:
        """The spider class as declared (without the mixin)."""
        return super().load(spider_name)
