"""A throwaway copy of a dedup index, for checks that must leave the index as it was.

``scrapy dedup FILE --dry-run`` checks each record with the engine's own code path
(``Deduper.check``: the same Lua check-and-insert a crawl runs) against a copy of the index:
every key of the index (``RedisIndex.INDEX_KEYS``: parameters, counter, records, lookup and
band hashes, distinct pairs, learned site footers; a grouped index's band groups too) is copied
server-side (Redis ``COPY``, Redis 6.2 or later; on a Redis Cluster, where the copy's keys hash
to another slot, ``DUMP`` and ``RESTORE`` through the client) under a new prefix, the records
are checked and inserted there (so a record is also checked against the earlier records of the
same file, as a real run would), and the copy is deleted. The source index is only read (``SCAN``, ``COPY`` reads).

A copy costs as much Redis memory as the index while it lives. Each copied key expires after
``SCRATCH_TTL_SECONDS`` at most, so a process killed before it deletes its copy leaves nothing
behind for longer than that; keys the checks create (or compact, giving them the index's own
expiry) are deleted by ``drop`` and otherwise live as long as an index entry does.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from crawler.connection import is_cluster
from pipelines.dedup.groups import group_key_pattern
from pipelines.dedup.index import RedisIndex, index_prefix, unlink_keys

SCRATCH_TTL_SECONDS = 24 * 3600  # longest life of a copied key (a killed dry run's leftovers)
BATCH = 1000  # keys per pipelined round trip


def scratch_prefix(source: str) -> str:
    """A new prefix for a copy of the index at ``source`` (never the prefix of a crawl's index)."""
    return f"{source}-scratch-{uuid.uuid4().hex[:12]}"


def _index_keys(client: Any, prefix: str) -> Iterator[bytes]:
    """The keys of the index at key prefix ``prefix`` (not its seen-store or crawl frontier)."""
    start = len(prefix) + 1
    kinds = {kind.encode() for kind in RedisIndex.INDEX_KEYS}
    for key in client.scan_iter(f"{prefix}:*", count=10_000):
        if key[start:].split(b":", 1)[0] in kinds:
            yield key


def _keys_and_copies(client: Any, source: str, target: str) -> Iterator[tuple[bytes, bytes]]:
    """(key, name of its copy) for every key of the index at ``source`` copied to ``target``: its
    own keys and its band groups' hashes (``{<source>:g<i>}:b:…`` on a cluster)."""
    src, dst = index_prefix(source, client), index_prefix(target, client)
    for key in _index_keys(client, src):
        yield key, dst.encode() + key[len(src):]
    tag = b"{" if is_cluster(client) else b""
    for key in client.scan_iter(group_key_pattern(source, client), count=10_000):
        yield key, tag + target.encode() + key[len(tag) + len(source):]


def copy_index(client: Any, source: str, target: str, ttl_seconds: int = SCRATCH_TTL_SECONDS) -> int:
    """Copy every key of the index at ``source`` to ``target`` (each expiring within
    ``ttl_seconds``); returns the number of keys copied. ``target`` must hold no key yet."""
    if is_cluster(client):
        return _copy_through_client(client, list(_keys_and_copies(client, source, target)), ttl_seconds)
    copied = 0
    pipe = client.pipeline(transaction=False)
    pending = 0
    for key, new in _keys_and_copies(client, source, target):
        pipe.copy(key, new)
        pipe.expire(new, ttl_seconds)
        pending += 1
        if pending >= BATCH:
            copied += sum(1 for ok in pipe.execute()[::2] if ok)
            pending = 0
    if pending:
        copied += sum(1 for ok in pipe.execute()[::2] if ok)
    return copied


def _copy_through_client(client: Any, pairs: list[tuple[bytes, bytes]], ttl_seconds: int) -> int:
    """``copy_index`` on a Redis Cluster: ``COPY`` may not cross slots, so each key is read with
    ``DUMP`` (Redis's own serialisation, restored by Redis, never unpickled here) and written with
    ``RESTORE``, keeping its expiry when it is sooner than ``ttl_seconds``."""
    copied = 0
    for i in range(0, len(pairs), BATCH):
        batch = pairs[i:i + BATCH]
        pipe = client.pipeline(transaction=False)
        for key, _ in batch:
            pipe.dump(key).pttl(key)
        replies = pipe.execute()
        pipe = client.pipeline(transaction=False)
        for (_, new), data, pttl in zip(batch, replies[::2], replies[1::2], strict=True):
            if data is not None:
                ttl_ms = ttl_seconds * 1000 if pttl is None or pttl < 0 else min(pttl, ttl_seconds * 1000)
                pipe.restore(new, ttl_ms, data)
                copied += 1
        pipe.execute()
    return copied


def drop_index(client: Any, prefix: str) -> int:
    """Delete every key under ``prefix:`` (``{prefix}:`` on a Redis Cluster, where the index's
    keys carry its hash tag) and its band groups' hashes; returns how many were deleted."""
    patterns = (f"{index_prefix(prefix, client)}:*", group_key_pattern(prefix, client))
    return unlink_keys(client, (key for pattern in patterns for key in client.scan_iter(pattern, count=10_000)))


@contextmanager
def scratch_copy(client: Any, source: str) -> Iterator[tuple[str, int]]:
    """``(prefix of a fresh copy of the index at source, keys copied)``; the copy is deleted on
    exit, whatever happened inside."""
    target = scratch_prefix(source)
    try:
        yield target, copy_index(client, source, target)
    finally:
        drop_index(client, target)
