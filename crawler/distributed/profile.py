"""What a distributed crawl needs from its settings (``REDIS_URL``), and its frontier's Redis client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

