"""The check that settings run the distributed profile (``crawler.preflight``'s ``distributed``)."""

from __future__ import annotations

from typing import Any

from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler

from crawler.distributed.profile import DistributedConfigError, require_redis_url
from crawler.distributed.spiders import DistributedSpiderLoader


def check_distributed(settings: Any) -> None:
    """Raise ``DistributedConfigError`` unless ``settings`` run a shared frontier: a scrapy-redis
    scheduler, this package's spider loader and ``REDIS_URL``."""
    if not issubclass(load_object(settings.get("SCHEDULER")), Scheduler) or not issubclass(
        load_object(settings.get("SPIDER_LOADER_CLASS")), DistributedSpiderLoader
    ):
        raise DistributedConfigError("not the distributed profile: run with SCRAPY_PROJECT=distributed")
    require_redis_url(settings)
