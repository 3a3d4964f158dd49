"""The one Redis factory (cf. scrapy-redis ``connection.py``).

``REDIS_CLUSTER_NODES`` set (``host:port,…``) or ``REDIS_URL`` of scheme ``redis+cluster://``: a
redis-py ``RedisCluster`` client (cluster mode: the dedup index keeps its keys under one hash tag
per index, ``pipelines.dedup.index``). ``REDIS_URL`` set otherwise: a client for that server.
Unset: the embedded, real ``redis-server`` of the folder of ``REDIS_EMBEDDED_PATH`` (under
``DATA_DIR``, so successive cron runs share the dedup index), started on demand and shared by
every process using that folder (``crawler/embedded_redis.py``). Every call waits at most
``REDIS_SOCKET_TIMEOUT`` seconds, to connect as well as for a reply.

``shared_redis`` hands out one client per process and Redis location: the scrapy-redis components
of a distributed worker (queue, dupefilter, start entries, worker registry) and the seen-store
share it (a redis-py client is a thread-safe connection pool, reset in a forked child).

Every Redis key of the project starts with ``redis_key_prefix(settings)`` (``REDIS_KEY_PREFIX``;
``DEDUP_KEY_PREFIX`` is its deprecated alias); ``redis_key`` joins the parts of one key.

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

_shared: dict[tuple[Any, ...], redis.Redis] = {}
_alias_warned = False


def get_redis(settings: BaseSettings) -> redis.Redis:
    """Return a Redis client configured from Scrapy ``settings``.

    Embedded mode starts the server when no process runs it yet (waiting at most
    ``REDIS_EMBEDDED_START_TIMEOUT`` seconds for it to load its data) and raises a
    ``redis.ConnectionError`` when it cannot.
    """
    import redis

    url = settings.get("REDIS_URL")
    timeout = settings.getfloat("REDIS_SOCKET_TIMEOUT")
    nodes = cluster_nodes(settings)
    if nodes:
        from urllib.parse import urlsplit

        from redis.cluster import ClusterNode, RedisCluster

        password = urlsplit(url).password if url and url.startswith("redis+cluster://") else None
        return RedisCluster(startup_nodes=[ClusterNode(h, p) for h, p in nodes], password=password,
                            socket_timeout=timeout, socket_connect_timeout=timeout)
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


def cluster_nodes(settings: BaseSettings) -> list[tuple[str, int]]:
    """The seed nodes of a Redis Cluster the settings name (``REDIS_CLUSTER_NODES``, else a
    ``redis+cluster://host:port[,host:port…]`` ``REDIS_URL``); [] when they name one server."""
    raw = settings.get("REDIS_CLUSTER_NODES") or ""
    url = settings.get("REDIS_URL") or ""
    if not raw and url.startswith("redis+cluster://"):
        raw = url[len("redis+cluster://"):].split("/", 1)[0].rsplit("@", 1)[-1]
    nodes = []
    for part in raw.split(","):
        host, _, port = part.strip().rpartition(":")
        if part.strip():
            if not host or not port.isdigit():
                raise ValueError(f"a Redis Cluster node is host:port, got {part.strip()!r}")
            nodes.append((host, int(port)))
    return nodes


def is_cluster(client: object) -> bool:
    """Whether ``client`` talks to a Redis Cluster (redis-py's ``RedisCluster``)."""
    from redis.cluster import RedisCluster

    return isinstance(client, RedisCluster)


def shared_redis(settings: BaseSettings) -> redis.Redis:
    """The process's one client for the Redis ``settings`` name (``get_redis``'s client, made on the
    first call for that location and those timeouts, then returned again)."""
    key = (settings.get("REDIS_URL"), settings.get("REDIS_CLUSTER_NODES"), settings.getfloat("REDIS_SOCKET_TIMEOUT"),
           None if settings.get("REDIS_URL") else settings.get("REDIS_EMBEDDED_PATH"))
    client = _shared.get(key)
    if client is None:
        client = _shared[key] = get_redis(settings)
    return client


def redis_key_prefix(settings: BaseSettings) -> str:
    """The namespace of every Redis key of the project: ``REDIS_KEY_PREFIX``.

    ``DEDUP_KEY_PREFIX`` is its deprecated alias: when set (not None) at a priority at least as
    high as ``REDIS_KEY_PREFIX``'s, its value is used. Set in a settings module (a project's
    profile), one warning per process says so; given on the command line (``-s``, scripts and
    tests written for the old name) it is used without one, the command's output unchanged.
    """
    from scrapy.settings import SETTINGS_PRIORITIES

    global _alias_warned
    alias = settings.get("DEDUP_KEY_PREFIX")
    alias_priority = settings.getpriority("DEDUP_KEY_PREFIX") or 0
    if alias is None or (settings.getpriority("REDIS_KEY_PREFIX") or 0) > alias_priority:
        return str(settings.get("REDIS_KEY_PREFIX"))
    if not _alias_warned and alias_priority <= SETTINGS_PRIORITIES["project"]:
        _alias_warned = True
        logger.warning("DEDUP_KEY_PREFIX is deprecated: set REDIS_KEY_PREFIX=%s instead (used as the "
                       "prefix of every Redis key)", alias)
    return str(alias)


def redis_key(prefix: str, *parts: str) -> str:
    """One key of the namespace ``prefix``: ``<prefix>:<part>:<part>…``."""
    return ":".join((prefix, *parts))


def describe(client: redis.Redis) -> str:
    """Human-readable location of ``client`` for logs and reports."""
    if is_cluster(client):
        return "redis cluster " + ",".join(f"{n.host}:{n.port}" for n in client.get_primaries())
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
    if settings.get("REDIS_CLUSTER_NODES"):
        return f"Redis Cluster {settings.get('REDIS_CLUSTER_NODES')}"
    if url:
        import re

        return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)
    return f"embedded Redis at {settings.get('REDIS_EMBEDDED_PATH')}"
