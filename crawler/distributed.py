"""Scale-out on scrapy-redis: N worker processes, on any number of machines, share one crawl
frontier in Redis (enabled by the ``distributed`` profile, ``SCRAPY_PROJECT=distributed``).

What is shared, per spider, under ``<prefix>:crawl:<spider>:`` (``prefix`` =
``DISTRIBUTED_KEY_PREFIX``, or ``DEDUP_KEY_PREFIX`` when empty)::

    start_urls     list    JSON source entries (feeds, sitemaps, sections) pushed by `scrapy seed`
    requests       zset    scrapy-redis priority queue of requests as JSON (the frontier)
    dupefilter     set     scrapy-redis request fingerprints of the current round
    workers        set     ids of the workers crawling this spider
    worker:<id>    string  "busy" | "idle", expires DISTRIBUTED_WORKER_TTL seconds after the last heartbeat

The seen-store (``crawler.incremental``) and the dedup index are shared already: same
``REDIS_URL`` and ``DEDUP_KEY_PREFIX`` on every worker. Storage is shared through
``DATABASE_URL`` (PostgreSQL; its unique constraints keep racing workers from storing twice).

Contracts:

- A request is in at most one place: the shared queue, or the memory of the one worker that
  popped it (pops are atomic). Article requests go through the shared dupefilter, so within a
  round an article URL is queued — and fetched — at most once by all workers together.
- Source entries (``scrapy seed``) are ``dont_filter``: listing pages are revalidated every round.
- A worker is "busy" from just before it pops anything (start entry or request) until its engine
  is idle again, so "start_urls and requests empty and no live worker busy" means the round is
  over. ``Frontier.start_round`` (``scrapy seed``) clears the dupefilter only then: articles lost
  with a dead worker (popped, never finished) are queued again by the next round, while the
  seen-store skips the ones already stored or dropped.
- Nothing shared is ever deleted when a worker closes or starts (``SCHEDULER_PERSIST`` must be
  on, ``SCHEDULER_FLUSH_ON_START`` off).
- A worker closes once the frontier stayed empty, with no other live worker busy, for
  ``MAX_IDLE_TIME_BEFORE_CLOSE`` seconds (0 = never: a long-running worker waiting for seeds).

scrapy-redis 0.9.1 predates Scrapy 2.13. Worked around here: Scrapy 2.19 calls ``async def
start()``, never ``start_requests()``, so the spider mixin reads its first batch of source
entries in ``start()``; stats are updated without the deprecated ``spider=`` argument; the idle
clock is per worker (``RedisMixin`` starts it at import time, so a worker idle after a long
crawl closed at once); source entries carry callback, meta and headers (``RedisMixin`` makes a
``FormRequest`` from them); the dupefilter is never cleared by a closing worker.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

import redis
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.spiderloader import SpiderLoader
from scrapy.spiders import Spider
from scrapy.utils.misc import load_object
from scrapy_redis import connection as redis_connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from scrapy_redis.spiders import RedisMixin
from scrapy_redis.utils import bytes_to_str
from twisted.internet.task import LoopingCall

from crawler.spiders.base import NewsSpider

logger = logging.getLogger(__name__)

BUSY, IDLE = "busy", "idle"
# callbacks a source entry may name (what NewsSpider.start and its discovery produce)
ENTRY_CALLBACKS = frozenset({"_parse_sitemap", "parse_feed", "parse_section", "parse_article"})


class DistributedConfigError(ValueError):
    """The settings cannot run a distributed crawl (no Redis server, state that would be deleted…)."""


def require_redis_url(settings: Any) -> str:
    """``REDIS_URL``; raises ``DistributedConfigError`` when unset (the embedded Redis is per machine)."""
    url = settings.get("REDIS_URL")
    if not url:
        raise DistributedConfigError(
            "the distributed profile needs REDIS_URL, a Redis server every worker reaches "
            "(e.g. REDIS_URL=redis://10.0.0.5:6379/0); the embedded Redis is private to one machine"
        )
    return str(url)


def check_distributed(settings: Any) -> None:
    """Raise ``DistributedConfigError`` unless ``settings`` run a shared frontier: a scrapy-redis
    scheduler, this module's spider loader and ``REDIS_URL``."""
    if not issubclass(load_object(settings.get("SCHEDULER")), Scheduler) or not issubclass(
        load_object(settings.get("SPIDER_LOADER_CLASS")), DistributedSpiderLoader
    ):
        raise DistributedConfigError("not the distributed profile: run with SCRAPY_PROJECT=distributed")
    require_redis_url(settings)


def news_spider_names(loader: Any, names: list[str], group: str | None) -> list[str]:
    """``names`` (default: every ``NewsSpider``) of ``group`` (None: any); unknown names raise ``KeyError``."""
    known = sorted(loader.list())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(f"unknown spiders: {', '.join(unknown)} (known: {', '.join(known)})")
    names = names or [n for n in known if issubclass(loader.load(n), NewsSpider)]
    return [n for n in names if group in (None, getattr(loader.load(n), "group", None))]


def key_prefix(settings: Any) -> str:
    """Prefix of the frontier keys: ``DISTRIBUTED_KEY_PREFIX``, else ``DEDUP_KEY_PREFIX``."""
    return settings.get("DISTRIBUTED_KEY_PREFIX") or settings.get("DEDUP_KEY_PREFIX") or "newsdedup"


def redis_from_settings(settings: Any) -> redis.Redis:
    """A client for ``REDIS_URL`` through scrapy-redis's own factory (``REDIS_PARAMS`` apply)."""
    require_redis_url(settings)
    return redis_connection.get_redis_from_settings(settings)


@dataclass(frozen=True)
class FrontierKeys:
    """The Redis keys of one spider's shared frontier."""

    prefix: str
    spider: str

    def _key(self, name: str) -> str:
        return f"{self.prefix}:crawl:{self.spider}:{name}"

    @property
    def start_urls(self) -> str:
        return self._key("start_urls")

    @property
    def requests(self) -> str:
        return self._key("requests")

    @property
    def dupefilter(self) -> str:
        return self._key("dupefilter")

    @property
    def workers(self) -> str:
        return self._key("workers")

    def worker(self, worker_id: str) -> str:
        return self._key(f"worker:{worker_id}")

    @classmethod
    def from_settings(cls, settings: Any, spider: str) -> FrontierKeys:
        return cls(key_prefix(settings), spider)


@dataclass
class FrontierState:
    """A snapshot of one spider's frontier: queued work and live workers (id -> busy|idle)."""

    start_urls: int
    requests: int
    fingerprints: int
    workers: dict[str, str] = field(default_factory=dict)

    @property
    def busy(self) -> list[str]:
        return sorted(w for w, state in self.workers.items() if state == BUSY)

    def round_over(self, exclude: str = "") -> bool:
        """Nothing queued and no live worker (other than ``exclude``) holds work."""
        return not self.start_urls and not self.requests and not [w for w in self.busy if w != exclude]

    def describe(self) -> str:
        return (f"{self.start_urls} source entries and {self.requests} requests queued, "
                f"{len(self.workers)} live workers ({len(self.busy)} busy), "
                f"{self.fingerprints} request fingerprints this round")


@dataclass
class RoundResult:
    """What ``Frontier.start_round`` did: ``started`` a new round, or ``pushed`` into a running one."""

    started: bool
    pushed: int
    cleared: int
    state: FrontierState


class Frontier:
    """One spider's shared frontier in Redis: its state, and the start of a crawl round."""

    def __init__(self, client: redis.Redis, keys: FrontierKeys) -> None:
        self.client, self.keys = client, keys

    @classmethod
    def from_settings(cls, settings: Any, spider: str) -> Frontier:
        return cls(redis_from_settings(settings), FrontierKeys.from_settings(settings, spider))

    def live_workers(self) -> dict[str, str]:
        """{worker id: busy|idle} of the workers whose heartbeat has not expired; dead ones are forgotten."""
        ids = sorted(bytes_to_str(w) for w in self.client.smembers(self.keys.workers))
        if not ids:
            return {}
        states = self.client.mget([self.keys.worker(w) for w in ids])
        dead = [w for w, s in zip(ids, states, strict=True) if s is None]
        if dead:
            self.client.srem(self.keys.workers, *dead)
            logger.warning("Workers of %s stopped heart-beating (dead or cut off), forgotten: %s",
                           self.keys.spider, ", ".join(dead))
        return {w: bytes_to_str(s) for w, s in zip(ids, states, strict=True) if s is not None}

    def state(self) -> FrontierState:
        """Queued source entries and requests, fingerprints of this round, live workers."""
        pipe = self.client.pipeline(transaction=False)
        pipe.llen(self.keys.start_urls).zcard(self.keys.requests).scard(self.keys.dupefilter)
        start_urls, requests, fingerprints = pipe.execute()
        return FrontierState(int(start_urls), int(requests), int(fingerprints), self.live_workers())

    def start_round(self, entries: list[dict[str, Any]], force: bool = False) -> RoundResult:
        """Queue ``entries`` (source entries, see ``entry_from_request``) for the workers.

        When the previous round is over (``FrontierState.round_over``) this starts a new round:
        the dupefilter is cleared and the entries pushed in one transaction, so article URLs
        not yet in the seen-store are fetched again (those a dead worker took with it). When a
        round is running nothing is pushed (``started`` and ``pushed`` 0), unless ``force``: then
        the entries join the running round and the dupefilter is kept. Atomic against other
        seeders and workers queueing (WATCH on the queue keys).
        """
        payload = [json.dumps(e, sort_keys=True) for e in entries]
        while True:
            with self.client.pipeline() as pipe:
                try:
                    pipe.watch(self.keys.start_urls, self.keys.requests)
                    state = self.state()
                    new_round = state.round_over()
                    if not new_round and not force:
                        pipe.unwatch()
                        return RoundResult(False, 0, 0, state)
                    pipe.multi()
                    if new_round:
                        pipe.delete(self.keys.dupefilter)
                    if payload:
                        pipe.rpush(self.keys.start_urls, *payload)
                    pipe.execute()
                except redis.WatchError:
                    continue  # another seeder or a worker queued in between: look again
            return RoundResult(new_round, len(payload), state.fingerprints if new_round else 0, state)


class WorkerPresence:
    """This worker's entry in a spider's worker registry: its state (busy|idle) with a TTL,
    refreshed by a heartbeat; a killed worker's entry expires and it stops counting."""

    def __init__(self, client: redis.Redis, keys: FrontierKeys, ttl: float) -> None:
        self.client, self.keys = client, keys
        self.ttl = max(1, int(round(ttl)))
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.state = IDLE
        self._heartbeat: LoopingCall | None = None

    @property
    def busy(self) -> bool:
        return self.state == BUSY

    def _write(self) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.set(self.keys.worker(self.worker_id), self.state, ex=self.ttl)
        pipe.sadd(self.keys.workers, self.worker_id)
        pipe.execute()

    def register(self) -> None:
        """Announce this worker (idle) and start the heartbeat (every TTL/3 seconds)."""
        self._write()
        self._heartbeat = LoopingCall(self.beat)
        self._heartbeat.start(self.ttl / 3, now=False)
        logger.info("Worker %s joined the frontier of %s (heartbeat every %.1fs, TTL %ss)",
                    self.worker_id, self.keys.spider, self.ttl / 3, self.ttl)

    def beat(self) -> None:
        try:
            self._write()
        except redis.RedisError as exc:  # a missed beat is not fatal; a long outage makes us look dead
            logger.warning("Worker heartbeat to Redis failed: %s", exc)

    def set_state(self, state: str) -> None:
        """Record ``state`` (written to Redis only when it changes)."""
        if state != self.state:
            self.state = state
            self._write()

    def unregister(self) -> None:
        """Stop the heartbeat and remove this worker from the registry."""
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        pipe = self.client.pipeline(transaction=False)
        pipe.delete(self.keys.worker(self.worker_id))
        pipe.srem(self.keys.workers, self.worker_id)
        pipe.execute()


_presences: weakref.WeakKeyDictionary[Crawler, WorkerPresence] = weakref.WeakKeyDictionary()


def presence_for(crawler: Crawler) -> WorkerPresence:
    """The one ``WorkerPresence`` of ``crawler`` (shared by its scheduler and its spider)."""
    presence = _presences.get(crawler)
    if presence is None:
        settings = crawler.settings
        keys = FrontierKeys.from_settings(settings, crawler.spidercls.name)
        presence = WorkerPresence(redis_from_settings(settings), keys, settings.getfloat("DISTRIBUTED_WORKER_TTL", 30))
        _presences[crawler] = presence
    return presence


# --- scheduler and dupefilter (scrapy-redis, adapted) -------------------------------------------------

class DistributedDupeFilter(RFPDupeFilter):
    """scrapy-redis's request dupefilter on this spider's ``dupefilter`` key.

    Never cleared by a worker (scrapy-redis clears it in ``close``): one worker ending must
    not make the others fetch again; a new round clears it (``Frontier.start_round``).
    """

    @classmethod
    def from_spider(cls, spider: Spider) -> DistributedDupeFilter:
        settings = spider.crawler.settings
        keys = FrontierKeys.from_settings(settings, spider.name)
        return cls(redis_from_settings(settings), key=keys.dupefilter, debug=settings.getbool("DUPEFILTER_DEBUG"))

    def close(self, reason: str = "") -> None:
        """Keep the fingerprints: they belong to the round, not to this worker."""


class DistributedScheduler(Scheduler):
    """scrapy-redis's scheduler (shared priority queue + dupefilter) on this spider's keys, plus
    this worker's presence in the registry (busy before any pop, idle when its engine is).

    Refuses settings that would delete shared state (``SCHEDULER_PERSIST`` off or
    ``SCHEDULER_FLUSH_ON_START`` on); ``close`` never flushes.
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
        serializer = settings.get("SCHEDULER_SERIALIZER") or "crawler.redis_json"  # never scrapy-redis' pickle
        instance = cls(
            server=redis_from_settings(settings),
            persist=True,
            flush_on_start=False,
            queue_key=keys.requests.replace("%", "%%"),  # scrapy-redis formats it with %(spider)s
            queue_cls=settings.get("SCHEDULER_QUEUE_CLASS") or "scrapy_redis.queue.PriorityQueue",
            dupefilter_cls=settings.get("DUPEFILTER_CLASS"),
            idle_before_close=0,  # never block the reactor on a pop
            serializer=import_module(serializer) if isinstance(serializer, str) else serializer,
        )
        instance.stats = crawler.stats
        instance.crawler = crawler
        instance.presence = presence_for(crawler)
        crawler.signals.connect(instance._engine_idle, signal=signals.spider_idle)
        return instance

    def open(self, spider: Spider) -> None:
        # as scrapy-redis, minus its flush_on_start and its deprecated spider.log()
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


# --- spiders: start URLs from Redis --------------------------------------------------------------------

def entry_from_request(request: Request) -> dict[str, Any]:
    """A JSON-able source entry for ``request`` (a spider's start request): URL, callback name,
    meta, headers, priority; ``dont_filter`` so every round revalidates the source."""
    callback = getattr(request.callback, "__name__", None) or "parse"
    if callback not in ENTRY_CALLBACKS:
        raise ValueError(f"start request {request.url} has callback {callback!r}, not one of {sorted(ENTRY_CALLBACKS)}")
    headers = {k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in request.headers.items()}
    entry = {"url": request.url, "callback": callback, "meta": dict(request.meta), "headers": headers,
             "priority": request.priority, "dont_filter": True}
    json.dumps(entry)  # fail here, in `scrapy seed`, if the meta is not JSON
    return entry


class DistributedSpiderMixin(RedisMixin):
    """scrapy-redis's ``RedisMixin`` for a ``NewsSpider``: its sources come from the Redis list
    ``<prefix>:crawl:<spider>:start_urls`` (filled by ``scrapy seed``), not from its declaration.

    Applied by ``DistributedSpiderLoader`` (``SPIDER_LOADER_CLASS`` of the distributed profile).
    ``source_requests()`` still gives the declared sources (what ``scrapy seed`` pushes).
    """

    # the mixin's attributes, declared so NewsSpider's option check accepts them
    MIXIN_OPTIONS = frozenset({"redis_key", "redis_batch_size", "redis_encoding", "server",
                               "spider_idle_start_time", "max_idle_time", "MIXIN_OPTIONS"})
    _idle_since: float | None = None
    _poke_pending: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        spider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[misc]
        spider.redis_key = FrontierKeys.from_settings(crawler.settings, spider.name).start_urls.replace("%", "%%")
        spider.setup_redis(crawler)  # scrapy-redis: client, batch size, MAX_IDLE_TIME_BEFORE_CLOSE, idle signal
        prepare_storage(crawler.settings)
        return spider

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
        """A request from a source entry (``entry_from_request``); [] (logged, counted) when invalid."""
        text = bytes_to_str(data, self.redis_encoding)
        try:
            entry = json.loads(text)
            callback = entry.get("callback", "parse")
            if callback not in ENTRY_CALLBACKS:
                raise ValueError(f"callback {callback!r} not allowed")
            meta = dict(entry.get("meta") or {})
            return Request(
                entry["url"], callback=getattr(self, callback), meta=meta, headers=entry.get("headers") or None,
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
        """Look at the shared queue again soon (Scrapy's own idle heartbeat is every 5 s)."""
        if self._poke_pending:
            return
        from twisted.internet import reactor

        self._poke_pending = True
        reactor.callLater(self.crawler.settings.getfloat("DISTRIBUTED_IDLE_POLL", 1.0), self._poke)

    def _poke(self) -> None:
        self._poke_pending = False
        slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy has no public "look again" call
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()


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


# --- storage --------------------------------------------------------------------------------------------

_prepared: set[str] = set()


def prepare_storage(settings: Any) -> None:
    """Create or upgrade the tables of ``DATABASE_URL`` (``open_store``: migrations under a
    cross-process lock, once per process)."""
    from pipelines.storage.store import open_store

    database_url = settings.get("DATABASE_URL")
    if not database_url or database_url in _prepared:
        return
    if database_url.startswith("sqlite"):
        logger.warning("Storage is an SQLite file (%s): only workers on this machine share it; "
                       "set DATABASE_URL to a PostgreSQL server for several machines", database_url)
    open_store(database_url).engine.dispose()
    _prepared.add(database_url)
