"""The settings a distributed crawl needs, and the Redis client of its frontier."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.utils.misc import load_object

from crawler.connection import shared_redis

if TYPE_CHECKING:
    import redis


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


def frontier_redis(settings: Any) -> redis.Redis:
    """The client every frontier component of this process uses: the process's shared client
    (``crawler.connection.shared_redis``) of ``REDIS_URL``, which must be set."""
    require_redis_url(settings)
    return shared_redis(settings)


def check_distributed(settings: Any) -> None:
    """Raise ``DistributedConfigError`` unless ``settings`` run a shared frontier: a scrapy-redis
    scheduler, this package's spider loader and ``REDIS_URL``."""
    from scrapy_redis.scheduler import Scheduler

    from crawler.distributed.spiders import DistributedSpiderLoader

    if not issubclass(load_object(settings.get("SCHEDULER")), Scheduler) or not issubclass(
        load_object(settings.get("SPIDER_LOADER_CLASS")), DistributedSpiderLoader
    ):
        raise DistributedConfigError("not the distributed profile: run with SCRAPY_PROJECT=distributed")
    require_redis_url(settings)
