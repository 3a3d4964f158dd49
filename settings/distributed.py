"""Distributed profile: N workers, on one or many machines, share one crawl on scrapy-redis.

``SCRAPY_PROJECT=distributed``. Production politeness (``settings.prod``) plus a frontier in
Redis: the scrapy-redis scheduler queue and request dupefilter, start URLs fed from Redis by
``scrapy seed``. Every worker needs the same ``REDIS_URL`` (a server, not the embedded one),
the same ``DATABASE_URL`` (PostgreSQL for several machines) and the same ``REDIS_KEY_PREFIX`` and
``DEDUP_*`` settings.
How it works and how to run it: ``docs/distributed.md``; the code: ``crawler/distributed/``.
This profile switches the distributed components on; their settings (queue, serializer,
``SCHEDULER_PERSIST``, ``DISTRIBUTED_*``, ``MAX_IDLE_TIME_BEFORE_CLOSE``) are in ``settings.base``.

Politeness settings (``CONCURRENT_REQUESTS_PER_DOMAIN``, ``DOWNLOAD_DELAY``, AutoThrottle) apply
per worker: N workers put up to N times that load on a site.
"""

from settings.prod import *  # noqa: F403

# --- scrapy-redis: shared scheduler queue and dupefilter --------------------------------------------
SCHEDULER = "crawler.distributed.scheduler.DistributedScheduler"  # scrapy-redis Scheduler + worker registry
DUPEFILTER_CLASS = "crawler.distributed.scheduler.DistributedDupeFilter"  # scrapy-redis RFPDupeFilter, per spider

# --- start URLs from Redis (scrapy seed pushes, workers pop) ------------------------------------------
SPIDER_LOADER_CLASS = "crawler.distributed.spiders.DistributedSpiderLoader"  # NewsSpiders read sources from Redis

# --- per-run machinery that does not fit a share of a round ----------------------------------------------
CRAWLALL_JOBDIR = False  # the frontier lives in Redis, not in a JOBDIR
# The Spidermon checks judge one crawl (new articles, error rate, dedup rate against recent runs);
# a worker crawls a share of a round, often a tiny one, so they would fail on healthy rounds.
SPIDERMON_ENABLED = False
