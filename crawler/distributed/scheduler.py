"""scrapy-redis's scheduler and request dupefilter on one spider's frontier keys."""

from __future__ import annotations

import logging
from importlib import import_module

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.callbacks import WireSerializer
from crawler.distributed.engine_adapter import check_engine_api, waiting_downloads
from crawler.distributed.frontier import BUSY, IDLE, FrontierKeys
from crawler.distributed.presence import WorkerPresence, presence_for
from crawler.distributed.profile import DistributedConfigError, frontier_redis

logger = logging.getLogger(__name__)


class DistributedDupeFilter(RFPDupeFilter):
    """scrapy-redis's request dupefilter on this spider's ``dupefilter`` key.

    Never cleared by a worker (scrapy-redis clears it in ``close``): one worker ending must
    not make the others fetch again; a new round clears it (``Frontier.start_round``).
    """

    @classmethod
    def from_spider(cls, spider: Spider) -> DistributedDupeFilter:
        settings = spider.crawler.settings
        keys = FrontierKeys.from_settings(settings, spider.name)
        return cls(frontier_redis(settings), key=keys.dupefilter, debug=settings.getbool("DUPEFILTER_DEBUG"))

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints: they belong to the round, not to this worker."""


class DistributedScheduler(Scheduler):
    """scrapy-redis's scheduler (shared priority queue + dupefilter) on this spider's keys, plus
    this worker's presence in the registry (busy before any pop, idle when its engine is).

    Requests are queued with ``SCHEDULER_SERIALIZER`` (JSON, never pickle), their callbacks as
    ``crawler.distributed.callbacks.Callback`` values. Refuses settings that would delete shared
    state (``SCHEDULER_PERSIST`` off or ``SCHEDULER_FLUSH_ON_START`` on); ``close`` never flushes.
    """

    crawler: Crawler
    presence: WorkerPresence

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedScheduler:
        settings = crawler.settings
        if not settings.getbool("SCHEDULER_PERSIST") or settings.getbool("SCHEDULER_FLUSH_ON_START"):
            raise DistributedConfigError(
                "SCHEDULER_PERSIST must be True and SCHEDULER_FLUSH_ON_START False: other workers share "
                "this queue and dupefilter (start a new round with `scrapy seed`)"
            )
        keys = FrontierKeys.from_settings(settings, crawler.spidercls.name)
        serializer = settings.get("SCHEDULER_SERIALIZER")
        instance = cls(
            server=frontier_redis(settings),
            persist=True,
            flush_on_start=False,
            queue_key=keys.requests.replace("%", "%%"),  # scrapy-redis formats it with %(spider)s
            queue_cls=settings.get("SCHEDULER_QUEUE_CLASS"),
            dupefilter_cls=settings.get("DUPEFILTER_CLASS"),
            idle_before_close=0,  # never block the reactor on a pop
            serializer=WireSerializer(import_module(serializer) if isinstance(serializer, str) else serializer),
        )
        instance.stats = crawler.stats
        instance.crawler = crawler
        instance.presence = presence_for(crawler)
        crawler.signals.connect(instance._engine_idle, signal=signals.spider_idle)
        return instance

    def open(self, spider: Spider) -> None:
        # as scrapy-redis, minus its flush_on_start and its deprecated spider.log()
        check_engine_api(self.crawler.engine)  # fail at start, not when the frontier runs dry
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider, serializer=self.serializer,
                                                 key=self.queue_key % {"spider": spider.name})
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        self.presence.register()
        if self.stats:
            self.stats.set_value("distributed/worker_id", self.presence.worker_id)
        logger.info("Shared frontier of %s: queue %s (%d requests waiting), dupefilter %s",
                    spider.name, self.queue.key, len(self.queue), getattr(self.df, "key", self.df))

    def close(self, reason: str) -> None:
        """Leave the queue and the dupefilter to the other workers; leave the registry."""
        try:
            left = len(self.queue)
            self.presence.unregister()
        except redis.RedisError as exc:
            logger.warning("Could not leave the worker registry cleanly (%s); the entry expires on its own", exc)
            return
        logger.info("Worker %s closed (%s); %d requests left in the shared queue", self.presence.worker_id,
                    reason, left)

    def enqueue_request(self, request: Request) -> bool:
        # as scrapy-redis, without the `spider=` argument to stats (deprecated since Scrapy 2.13)
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        """The next request of the shared queue, or None: when the queue is empty, and while this
        worker's downloader already holds a request it may not start yet (the site's politeness):
        a request taken early waits here while another worker could fetch it, and a worker that
        took a whole site's pages at once would end the round alone (the engine asks again when
        a download of this spider finishes)."""
        if waiting_downloads(self.crawler.engine):
            return None
        if not self.presence.busy:
            if not len(self.queue):
                return None  # nothing to take: stay idle
            self.presence.set_state(BUSY)  # before the pop: a seeder never sees work nobody holds
        request = self.queue.pop(0)
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _engine_idle(self) -> None:
        self.presence.set_state(IDLE)
