"""The one Redis factory (cf. scrapy-redis ``connection.py``).

``REDIS_URL`` set: a client for that server. Unset: the embedded, real ``redis-server`` of the
folder of ``REDIS_EMBEDDED_PATH`` (under ``DATA_DIR``, so successive cron runs share the dedup
index), started on demand and shared by every process using that folder
(``crawler/embedded_redis.py``). Every call waits at most ``REDIS_SOCKET_TIMEOUT`` seconds, to
connect as well as for a reply.

redis-py is imported by the first ``get_redis`` call, not with this module (fast start-up of
commands that never use Redis).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import redis
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def get_redis(settings: BaseSettings) -> redis.Redis:
    """Return a Redis client configured from Scrapy ``settings``.

    Embedded mode starts the server when no process runs it yet (waiting at most
    ``REDIS_EMBEDDED_START_TIMEOUT`` seconds for it to load its data) and raises a
    ``redis.ConnectionError`` when it cannot.
    """
    import redis

    url = settings.get("REDIS_URL")
    timeout = settings.getfloat("REDIS_SOCKET_TIMEOUT")
    if url:
        return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    from crawler.embedded_redis import EmbeddedConnection, ensure_server

    db_path = settings.get("REDIS_EMBEDDED_PATH")
    start_timeout = settings.getfloat("REDIS_EMBEDDED_START_TIMEOUT")
    sock = ensure_server(db_path, start_timeout)
    logger.info("Using embedded Redis persisted at %s", db_path)
    pool = redis.ConnectionPool(connection_class=EmbeddedConnection, path=str(sock), embedded_db=str(db_path),
                                start_timeout=start_timeout, socket_timeout=timeout, socket_connect_timeout=timeout)
    return redis.Redis(connection_pool=pool)


def describe(client: redis.Redis) -> str:
    """Human-readable location of ``client`` for logs and reports."""
    kw = client.connection_pool.connection_kwargs
    if kw.get("embedded_db"):
        return f"embedded redis ({kw['embedded_db']} + append-only file beside it, socket {kw.get('path')})"
    if kw.get("path"):
        return f"redis unix://{kw['path']}?db={kw.get('db', 0)}"
    return f"redis://{kw.get('host', '?')}:{kw.get('port', '')}/{kw.get('db', 0)}"


def describe_settings(settings: Any) -> str:
    """Where ``settings`` point Redis, for one-line errors (no connection is made; a password in
    the URL is masked)."""
    url = settings.get("REDIS_URL")
    if url:
        import re

        return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)
    return f"embedded Redis at {settings.get('REDIS_EMBEDDED_PATH')}"
