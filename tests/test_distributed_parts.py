"""The parts of the distributed crawl, in one process: one Redis client per process for every
frontier component, one key namespace, callbacks stored as ``Callback`` values (earlier
releases' method names still read), and the one use of Scrapy's private engine API.

Real Redis (``REDIS_URL`` or db 15 of 127.0.0.1:6379) and real Scrapy objects; the whole crawl
is ``tests/test_distributed.py``.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import scrapy
from scrapy import Request
from scrapy.settings import Settings
from scrapy.utils.request import request_from_dict

from crawler import connection, redis_json
from crawler.connection import redis_key_prefix, shared_redis
from crawler.distributed.callbacks import Callback, WireSerializer, entry_from_request, entry_method
from crawler.distributed.engine_adapter import EngineAPIChanged, check_engine_api, waiting_downloads, wake_engine

_env_redis = os.environ.get("REDIS_URL", "")
REDIS = _env_redis if _env_redis.startswith("redis://") else "redis://127.0.0.1:6379/15"


def distributed_settings(**cmdline: Any) -> Settings:
    """The ``distributed`` profile, ``cmdline`` settings over it (as ``-s`` would set them)."""
    settings = Settings()
    settings.setmodule("settings.distributed", priority="project")
    for key, value in cmdline.items():
        settings.set(key, value, priority="cmdline")
    return settings


@pytest.fixture
def prefix() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis server not reachable at {REDIS}: {exc}")
    name = f"t-parts-{uuid.uuid4().hex[:8]}"
    yield name
    keys = list(client.scan_iter(f"{name}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


# --- one key namespace --------------------------------------------------------------------------------

def test_redis_key_prefix_and_its_deprecated_alias(caplog: pytest.LogCaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "_alias_warned", False)
    assert redis_key_prefix(distributed_settings()) == "newsdedup"  # settings/base.py
    assert redis_key_prefix(distributed_settings(REDIS_KEY_PREFIX="new")) == "new"
    profile = distributed_settings()
    profile.set("DEDUP_KEY_PREFIX", "old", priority="project")  # a project's profile still naming the alias
    with caplog.at_level(logging.WARNING, logger="crawler.connection"):
        assert redis_key_prefix(distributed_settings(DEDUP_KEY_PREFIX="cli")) == "cli"  # -s: used, no warning
        assert redis_key_prefix(profile) == "old"
        assert redis_key_prefix(profile) == "old"
    warnings = [r.getMessage() for r in caplog.records if "DEDUP_KEY_PREFIX is deprecated" in r.getMessage()]
    assert len(warnings) == 1 and "REDIS_KEY_PREFIX=old" in warnings[0]  # once per process
    profile.set("REDIS_KEY_PREFIX", "new", priority="cmdline")
    assert redis_key_prefix(profile) == "new"  # REDIS_KEY_PREFIX given on the command line wins


def test_every_reader_of_the_prefix_uses_the_namespace() -> None:
    from crawler.distributed.frontier import FrontierKeys
    from pipelines.dedup.engine import DedupConfig

    for settings, expected in ((distributed_settings(REDIS_KEY_PREFIX="ns"), "ns"),
                               (distributed_settings(DEDUP_KEY_PREFIX="legacy"), "legacy")):
        assert DedupConfig.from_settings(settings).key_prefix == expected
        assert FrontierKeys.from_settings(settings, "site").requests == f"{expected}:crawl:site:requests"
    own = distributed_settings(REDIS_KEY_PREFIX="ns", DISTRIBUTED_KEY_PREFIX="frontier")
    assert FrontierKeys.from_settings(own, "site").start_urls == "frontier:crawl:site:start_urls"


# --- one client per process ---------------------------------------------------------------------------

def test_frontier_components_and_seen_store_share_one_client(prefix: str) -> None:
    from scrapy.utils.misc import load_object
    from scrapy.utils.test import get_crawler

    from crawler.distributed.scheduler import DistributedScheduler
    from crawler.distributed.spiders import DistributedSpiderLoader
    from crawler.incremental import SeenStore

    settings = distributed_settings(REDIS_URL=REDIS, REDIS_KEY_PREFIX=prefix)
    spidercls = DistributedSpiderLoader.from_settings(settings.frozencopy()).load("harbor_gazette")
    crawler = get_crawler(spidercls, settings.copy_to_dict())
    spider = spidercls.from_crawler(crawler, base_url="http://127.0.0.1:9")
    crawler.spider = spider
    scheduler = DistributedScheduler.from_crawler(crawler)
    df = load_object(scheduler.dupefilter_cls).from_spider(spider)  # as the scheduler opens it
    clients = {id(c) for c in (spider.server, scheduler.server, scheduler.presence.client, df.server,
                               SeenStore.from_settings(crawler.settings).client)}
    assert len(clients) == 1 and spider.server is shared_redis(crawler.settings)
    timeout = crawler.settings.getfloat("REDIS_SOCKET_TIMEOUT")
    assert spider.server.connection_pool.connection_kwargs["socket_timeout"] == timeout  # the project's policy
    assert spider.redis_key == f"{prefix}:crawl:harbor_gazette:start_urls"
    other = distributed_settings(REDIS_URL=REDIS, REDIS_SOCKET_TIMEOUT=timeout + 1)
    assert shared_redis(other) is not spider.server  # another timeout policy: another client


# --- the worker registry ----------------------------------------------------------------------------

def test_one_heartbeat_refreshes_every_spider_of_a_process(prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from twisted.internet.task import Clock

    from crawler.distributed import presence as module
    from crawler.distributed.frontier import FrontierKeys

    clock = Clock()
    beats = module._Heartbeats(clock)
    monkeypatch.setattr(module, "_heartbeats", beats)
    client = redis.Redis.from_url(REDIS)
    presences = [module.WorkerPresence(client, FrontierKeys(prefix, f"site{i}"), 30) for i in range(3)]
    for presence in presences:
        presence.register()
    other = module.WorkerPresence(client, FrontierKeys(prefix, "site9"), 9)  # another TTL: its own heartbeat
    other.register()
    assert len(beats._loops) == 2
    keys = [p.keys.worker(p.worker_id) for p in presences]
    for key in keys:
        client.expire(key, 2)  # as if the last beat were long ago
    clock.advance(10)  # TTL/3 of the 30 s entries
    assert all(25 <= client.ttl(key) <= 30 for key in keys)
    presences[0].unregister()
    assert client.get(keys[0]) is None and client.sismember(presences[0].keys.workers, presences[0].worker_id) == 0
    for key in keys[1:]:
        client.expire(key, 2)
    clock.advance(10)
    assert all(25 <= client.ttl(key) <= 30 for key in keys[1:]) and client.get(keys[0]) is None
    for presence in [*presences[1:], other]:
        presence.unregister()
    assert beats._loops == {} and not clock.getDelayedCalls()  # the last to leave stops the heartbeat


# --- callbacks in the wire format ---------------------------------------------------------------------

class _Spider(scrapy.Spider):
    name = "wire"

    def parse_feed(self, response: Any) -> None: ...

    def parse_article(self, response: Any) -> None: ...

    def _parse_sitemap(self, response: Any) -> None: ...

    def source_failed(self, failure: Any) -> None: ...

    def parse_other(self, response: Any) -> None: ...


def test_source_entries_store_callback_values_and_read_method_names() -> None:
    spider = _Spider()
    entry = entry_from_request(Request("http://s/sitemap.xml", callback=spider._parse_sitemap))
    assert entry["callback"] == "sitemap"
    assert entry_method(entry) == "_parse_sitemap"
    assert entry_method({"callback": "_parse_sitemap"}) == "_parse_sitemap"  # queued by an earlier release
    assert entry_method({"callback": "parse_feed"}) == "parse_feed"
    for bad in ("source_failed", "__init__", "nope", ""):
        with pytest.raises(ValueError):
            entry_method({"callback": bad})
    with pytest.raises(ValueError, match="parse_other"):
        entry_from_request(Request("http://s/x", callback=spider.parse_other))


def test_queued_requests_store_callback_values_and_read_method_names() -> None:
    spider = _Spider()
    serializer = WireSerializer(redis_json)
    request = Request("http://s/a", callback=spider._parse_sitemap, errback=spider.source_failed, meta={"k": 1})
    stored = serializer.dumps(request.to_dict(spider=spider))
    raw = json.loads(stored)
    assert (raw["callback"], raw["errback"]) == (Callback.SITEMAP, Callback.SOURCE_FAILED)
    back = request_from_dict(serializer.loads(stored), spider=spider)
    assert back.callback == spider._parse_sitemap and back.errback == spider.source_failed
    legacy = redis_json.dumps(Request("http://s/b", callback=spider._parse_sitemap).to_dict(spider=spider))
    assert json.loads(legacy)["callback"] == "_parse_sitemap"  # what an earlier release queued
    assert request_from_dict(serializer.loads(legacy), spider=spider).callback == spider._parse_sitemap
    other = serializer.dumps(Request("http://s/c", callback=spider.parse_other).to_dict(spider=spider))
    assert request_from_dict(serializer.loads(other), spider=spider).callback == spider.parse_other


# --- Scrapy's private engine API, behind one adapter -------------------------------------------------

def test_engine_adapter_matches_the_installed_scrapy() -> None:
    """Fails, naming the Scrapy version, when Scrapy changes the private engine API the
    distributed workers use to look at the shared queue again (crawler/distributed/engine_adapter.py)."""
    from scrapy.core import engine as scrapy_engine
    from scrapy.utils.reactor import CallLaterOnce
    from scrapy.utils.test import get_crawler

    class CountedCall(CallLaterOnce):
        scheduled = 0

        def schedule(self, delay: float = 0) -> None:
            self.scheduled += 1
            super().schedule(delay)

    engine = scrapy_engine.ExecutionEngine(get_crawler(scrapy.Spider), lambda _: None)
    check_engine_api(engine)  # raises EngineAPIChanged on another engine
    slot_cls = getattr(scrapy_engine, "_Slot", None)
    assert slot_cls is not None, f"Scrapy {scrapy.__version__}: scrapy.core.engine._Slot is gone (engine_adapter.py)"
    nextcall = CountedCall(lambda: None)
    engine._slot = slot_cls(close_if_idle=True, nextcall=nextcall, scheduler=None)
    check_engine_api(engine)
    wake_engine(engine)
    assert nextcall.scheduled == 1, "wake_engine did not ask the engine to look at its scheduler"
    nextcall.cancel()
    engine._slot.closing = object()  # a closing spider is left alone
    wake_engine(engine)
    assert nextcall.scheduled == 1


def test_waiting_downloads_counts_requests_not_yet_started() -> None:
    """The scheduler takes nothing from the shared queue while its downloader holds a request it
    has not started: counted from Scrapy's downloader (``active`` minus each slot's ``transferring``)."""
    from scrapy import Request
    from scrapy.core import engine as scrapy_engine
    from scrapy.utils.test import get_crawler

    engine = scrapy_engine.ExecutionEngine(get_crawler(scrapy.Spider), lambda _: None)
    downloader = engine.downloader
    assert waiting_downloads(engine) == 0
    first, second = Request("http://127.0.0.2/a"), Request("http://127.0.0.2/b")
    _, slot = downloader._get_slot(first)  # the site's download slot, as Downloader.fetch makes it
    downloader.active.update((first, second))  # what Downloader.fetch does first
    assert waiting_downloads(engine) == 2
    slot.transferring.add(first)  # the site's slot started one; the other waits for the delay
    assert waiting_downloads(engine) == 1
    slot.transferring.discard(first)
    downloader.active.clear()
    assert waiting_downloads(engine) == 0


def test_engine_adapter_fails_loudly_on_another_engine() -> None:
    class NoSlotEngine:
        pass

    with pytest.raises(EngineAPIChanged, match=f"Scrapy {scrapy.__version__}"):
        wake_engine(NoSlotEngine())
