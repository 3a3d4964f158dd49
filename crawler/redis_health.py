"""What a crawl does when Redis stops answering (down, hung, or restarted without its data).

Every Redis call is bounded by ``REDIS_SOCKET_TIMEOUT``. The first failure trips the
process-wide ``RedisOutage`` of that server, so the other components (seen-store, dedup
stage) stop calling it instead of each waiting out its own timeout on the reactor thread.

``DEDUP_ON_REDIS_DOWN``:
- ``"stop"`` (default): the crawl stops (finish reason ``redis_unavailable``); article pages
  are no longer fetched; an article that reaches the dedup stage is dropped without being
  stored or marked seen (``RedisUnavailable``), so the next run fetches it again.
- ``"store-unchecked"``: articles are stored flagged ``unchecked``; the next run that reaches
  Redis checks them in arrival order and moves the duplicates (``crawler.index_sync``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)


def __getattr__(name: str) -> Any:
    """``REDIS_DOWN_ERRORS``: the errors that mean "Redis did not answer": connection refused or
    lost, a timeout (a hung server or network), a server still loading its data; on a Redis
    Cluster also a slot without a master (a master failed and no replica took over yet).
    ``IndexGenerationChanged`` (the index lost its data mid-run) is handled the same way by the
    dedup stage. Built on first use, so that importing this module (for ``FINISH_REASON``) does
    not import redis-py."""
    if name == "REDIS_DOWN_ERRORS":
        import redis
        from redis.exceptions import ClusterDownError, SlotNotCoveredError, TryAgainError

        return (redis.ConnectionError, redis.TimeoutError, ClusterDownError, TryAgainError, SlotNotCoveredError)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


STOP, STORE_UNCHECKED = "stop", "store-unchecked"
FINISH_REASON = "redis_unavailable"
RETRY_SECONDS = 30.0  # in store-unchecked mode, how long components wait before trying Redis again


class RedisUnavailable(DropItem):
    """Redis did not answer, so the article could not be checked: not stored, not marked seen
    (the next run fetches it again)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


class RedisOutage:
    """Process-wide state of one Redis server: up, or down since when and why."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.error = ""

    @property
    def down(self) -> bool:
        """True while the server counts as down (for ``RETRY_SECONDS`` after the last failure)."""
        if self.since is not None and time.monotonic() - self.since >= RETRY_SECONDS:
            self.since = None  # time to try again
        return self.since is not None

    def trip(self, exc: BaseException) -> bool:
        """Record a failure; True when it is the first of this outage (log it once)."""
        first = self.since is None and not self.error
        self.since, self.error = time.monotonic(), f"{exc.__class__.__name__}: {exc}"
        return first

    def clear(self) -> None:
        self.since, self.error = None, ""


_outages: dict[str, RedisOutage] = {}


def outage_for(settings: Any) -> RedisOutage:
    """The outage record of the Redis these settings name (one per server per process)."""
    key = settings.get("REDIS_URL") or f"embedded:{settings.get('REDIS_EMBEDDED_PATH')}"
    return _outages.setdefault(key, RedisOutage())


def down_policy(settings: Any) -> str:
    """``DEDUP_ON_REDIS_DOWN``, validated."""
    value = settings.get("DEDUP_ON_REDIS_DOWN")
    if value not in (STOP, STORE_UNCHECKED):
        raise ValueError(f"DEDUP_ON_REDIS_DOWN must be 'stop' or 'store-unchecked', got {value!r}")
    return value


def stop_crawl(crawler: Any, exc: BaseException) -> None:
    """Stop ``crawler``'s spider because Redis did not answer (once; logged as one line)."""
    crawler.stats.set_value("redis/unavailable", f"{exc.__class__.__name__}: {exc}"[:300])
    try:
        engine = crawler.engine
    except RuntimeError:  # not crawling yet: the command's preflight reports it
        return
    if engine is None or getattr(crawler, "_redis_stop_sent", False):
        return
    crawler._redis_stop_sent = True
    logger.error("Redis unavailable (%s: %s): stopping the crawl; nothing is stored unchecked, "
                 "the next run fetches what was missed", exc.__class__.__name__, exc)
    deferred_from_coro(engine.close_spider_async(reason=FINISH_REASON))
