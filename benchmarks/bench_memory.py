"""Redis bytes per indexed article, by kind of key: where the memory goes.

Synthetic articles (``index_scale.fill``: the real Lua script, random signatures) are inserted
into an embedded redis-server, once with the band shards sized for the index
(``DEDUP_INDEX_CAPACITY`` = the number of articles: the steady state of a full window) and once
with the default capacity (a small crawl on default settings: most band hashes hold one or two
fields, and every Redis key costs ~50-100 B of its own). For each: ``used_memory`` growth per
article and the ``MEMORY USAGE`` of each kind of key (``d`` records, ``b`` band hashes, ``k`` URL
and text hashes, ...) per article. ``breakdown`` is also used by ``bench_workers`` on a real crawl
(seen-store, site footers and common lines included).

Usage: python -m benchmarks.bench_memory [--sizes 2000,20000]
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections import Counter

import numpy as np
import redis

from benchmarks.index_scale import _delete_prefix, fill
from crawler.embedded_redis import scratch_server
from pipelines.dedup.engine import DedupConfig
from pipelines.dedup.index import RedisIndex
from settings import base as defaults

KINDS = {"d": "records", "b": "band hashes", "k": "URL/text hashes", "seen": "seen-store",
         "site": "site footers", "cl": "common lines", "crawl": "frontier"}


def breakdown(client: redis.Redis, prefix: str) -> tuple[Counter, Counter]:
    """(bytes, keys) per kind of key under ``prefix`` (MEMORY USAGE of every key, exact)."""
    size: Counter = Counter()
    count: Counter = Counter()
    start = len(prefix) + 1
    for key in client.scan_iter(f"{prefix}:*", count=5000):
        kind = key[start:].split(b":", 1)[0].decode()
        if kind[:1] == "g" and kind[1:].isdigit():  # <prefix>:g<i>:b:…: a band group's hash
            kind = "b"
        size[kind] += client.memory_usage(key, samples=0) or 0
        count[kind] += 1
    return size, count


def describe(size: Counter, count: Counter, articles: int, used: float | None = None) -> str:
    """Bytes per article of each kind; with ``used`` (used_memory growth per article), also what
    no key's MEMORY USAGE holds: the keyspace and expiry tables and the allocator."""
    parts = [f"{KINDS.get(kind, kind)} {size[kind] / articles:.0f} B ({count[kind]} keys)"
             for kind, _ in size.most_common() if size[kind] / articles >= 1]
    if used is not None:
        parts.append(f"keyspace tables and allocator {used - sum(size.values()) / articles:.0f} B")
    return ", ".join(parts)


def run(client: redis.Redis, n: int, capacity: int) -> tuple[float, Counter, Counter]:
    config = DedupConfig(key_prefix=f"mem{uuid.uuid4().hex[:6]}", index_capacity=capacity)
    index = RedisIndex(client, config.key_prefix, config.index_params(), 30 * 86400, config.shards, config.key_shards)
    before = client.info("memory")["used_memory"]
    fill(client, index, config, n, np.random.default_rng(11))
    used = client.info("memory")["used_memory"] - before
    size, count = breakdown(client, config.key_prefix)
    _delete_prefix(client, config.key_prefix)
    return used / n, size, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,20000", help="articles indexed, comma separated")
    args = parser.parse_args(argv)
    client = scratch_server()
    default = defaults.DEDUP_INDEX_CAPACITY
    print(f"Redis bytes per indexed article (embedded redis-server {client.info('server')['redis_version']}, "
          "synthetic articles through the real script)")
    for n in (int(s) for s in args.sizes.split(",") if s):
        for capacity, label in ((n, "capacity = articles (full window)"), (default, f"capacity {default:,} (default)")):
            per, size, count = run(client, n, capacity)
            print(f"{n:>8,} articles, {label:<34}: used_memory {per:6.0f} B/article; "
                  f"{describe(size, count, n, per)}")
    print("The band hashes dominate a small index on the default capacity: each of its ~48 bands per article "
          "lands in its own small hash, a Redis key with its own overhead; filled to capacity, hashes hold "
          "~64 fields and the overhead is shared. Size Redis with the full-window figure.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
