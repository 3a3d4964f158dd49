"""Scale-out on scrapy-redis: N worker processes, on any number of machines, share one crawl
frontier in Redis (enabled by the ``distributed`` profile, ``SCRAPY_PROJECT=distributed``).

What is shared, per spider, under ``<prefix>:crawl:<spider>:`` (``prefix`` =
``DISTRIBUTED_KEY_PREFIX``, or ``crawler.connection.redis_key_prefix`` when empty)::

    start_urls     list    JSON source entries (feeds, sitemaps, sections) pushed by `scrapy seed`
    requests       zset    scrapy-redis priority queue of requests as JSON (the frontier)
    dupefilter     set     scrapy-redis request fingerprints of the current round
    workers        set     ids of the workers crawling this spider
    worker:<id>    string  "busy" | "idle", expires DISTRIBUTED_WORKER_TTL seconds after the last heartbeat

The seen-store (``crawler.incremental``) and the dedup index are shared already: same
``REDIS_URL`` and ``REDIS_KEY_PREFIX`` on every worker. Storage is shared through
``DATABASE_URL`` (PostgreSQL; its unique constraints keep racing workers from storing twice).
Every component of a worker talks to Redis through the process's one client
(``crawler.connection.shared_redis``: the project's timeouts).

Modules: ``frontier`` (keys, state, the start of a round), ``presence`` (the worker registry),
``scheduler`` (scrapy-redis scheduler and dupefilter on those keys), ``spiders`` (sources read
from Redis, the spider loader), ``callbacks`` (callbacks as stored in Redis),
``engine_adapter`` (the one use of Scrapy's private engine API), ``profile`` (``REDIS_URL``
and the frontier's client), ``checks`` (the preflight check of the profile).

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

scrapy-redis 0.9.1 (the newest release) predates Scrapy 2.13. Worked around here: Scrapy 2.19
calls ``async def start()``, never ``start_requests()``, so the spider mixin reads its first batch
of source entries in ``start()``; stats are updated without the deprecated ``spider=`` argument;
the idle clock is per worker (``RedisMixin`` starts it at import time, so a worker idle after a
long crawl closed at once); source entries carry callback, meta and headers (``RedisMixin``
makes a ``FormRequest`` from them); the dupefilter is never cleared by a closing worker.

The names below are importable from this package (settings written for the single-module
layout name them so); importing the package itself imports neither scrapy-redis nor redis-py.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_HOMES = {
    "DistributedScheduler": "scheduler", "DistributedDupeFilter": "scheduler",
    "DistributedSpiderLoader": "spiders", "DistributedSpiderMixin": "spiders",
    "Frontier": "frontier", "FrontierKeys": "frontier", "FrontierState": "frontier", "RoundResult": "frontier",
    "WorkerPresence": "presence", "presence_for": "presence",
    "entry_from_request": "callbacks", "Callback": "callbacks",
    "DistributedConfigError": "profile", "check_distributed": "checks", "require_redis_url": "profile",
    "frontier_redis": "profile",
}


def __getattr__(name: str) -> Any:
    """``crawler.distributed.<Name>``: the name from the module that holds it (imported on first use)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


__all__ = sorted(_HOMES)
