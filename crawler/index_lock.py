"""The lock that makes one process at a time check, rebuild or reconcile a dedup index.

A process that dies while holding it (``kill -9``, a power cut with the embedded Redis saving
its append-only file) must not block the next run: the lock is a redis-py ``Lock`` with a short
expiry (``LOCK_SECONDS``) that a heartbeat thread renews every third of it while its holder
lives, so a dead holder's lock is gone within ``LOCK_SECONDS`` and a long rebuild keeps it.
Its token names the holder (``host:pid:nonce``) so that a waiting process can say who it waits
for. If the holder stops for longer than the expiry (a stopped process), another process may
take the lock; the stopped holder then learns it lost the lock when it renews (logged).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from redis.exceptions import LockError

logger = logging.getLogger(__name__)

LOCK_SECONDS = 15.0  # how long a dead holder can keep others waiting
WAIT_LOG_SECONDS = 10.0  # a waiting process says so this often


def _holder(client: redis.Redis, key: str) -> str:
    value = client.get(key)
    if value is None:
        return "nobody"
    text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    host, _, rest = text.partition(":")
    pid = rest.partition(":")[0]
    return f"pid {pid} on {host}" if pid else text


def _renew(lock: redis.lock.Lock, stop: threading.Event) -> None:
    while not stop.wait(LOCK_SECONDS / 3):
        try:
            lock.reacquire()
        except LockError:
            logger.warning("The dedup index lock %s was lost (its holder stopped for over %.0f s)", lock.name,
                           LOCK_SECONDS)
            return
        except redis.RedisError:
            return  # the main thread meets the same fault on its next call and reports it


@contextmanager
def index_lock(client: redis.Redis, key_prefix: str) -> Iterator[None]:
    """Hold ``<key_prefix>:rebuild-lock`` for the body; wait while a live process holds it.
    Raises redis-py's connection errors when Redis does not answer."""
    key = f"{key_prefix}:rebuild-lock"
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
    lock = client.lock(key, timeout=LOCK_SECONDS, thread_local=False, raise_on_release_error=False)
    while not lock.acquire(blocking=True, blocking_timeout=WAIT_LOG_SECONDS, sleep=0.2, token=token):
        logger.info("Waiting for the dedup index lock %s, held by %s", key, _holder(client, key))
    stop = threading.Event()
    renewer = threading.Thread(target=_renew, args=(lock, stop), name="index-lock-renew", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        try:
            lock.release()
        except (LockError, redis.RedisError):
            pass  # expired or unreachable: it lapses by itself within LOCK_SECONDS


__all__ = ["LOCK_SECONDS", "index_lock"]
