"""Redis bytes per indexed article and check latency at growing index sizes (synthetic).

Synthetic signatures and band keys (random, like unrelated articles) are inserted through
the real Lua script in pipelined batches; at each size we read Redis' ``used_memory`` and
time single check-and-insert calls of fresh articles (one round trip each).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np
import redis

from pipelines.dedup.engine import DedupConfig
from pipelines.dedup.fingerprint import Fingerprint
from pipelines.dedup.index import RedisIndex


def _args(index: RedisIndex, config: DedupConfig, rng: np.random.Generator, doc: int) -> list[Any]:
    bands, _ = config.bands_rows
    bits = config.signature_bits
    sig = rng.integers(0, 2**bits, config.num_perm, dtype=np.uint16).astype(">u2" if bits == 16 else "u1")
    band_bytes = rng.integers(0, 2**32, bands, dtype=np.uint32).astype(">u4").tobytes()
    fp = Fingerprint(
        exact=rng.bytes(8).hex(), signature=sig.tobytes(), bits=bits,
        bands=tuple(band_bytes[i : i + 4] for i in range(0, len(band_bytes), 4)), n_shingles=3000, n_words=550,
    )
    return index.script_args(f"{doc:016x}", "site", [f"http://x/{rng.bytes(8).hex()}"], fp, config.rules(), 64)


def fill(
    client: redis.Redis, index: RedisIndex, config: DedupConfig, n: int, rng: np.random.Generator, first: int = 0
) -> None:
    """Insert ``n`` synthetic articles (ids from ``first``) through the real script, pipelined."""
    sha = client.script_load(index._script.script)
    pipe = client.pipeline(transaction=False)
    for doc in range(n):
        pipe.evalsha(sha, 0, *_args(index, config, rng, first + doc))
        if doc % 1000 == 999:
            pipe.execute()
    pipe.execute()


def measure(
    client: redis.Redis, sizes: list[int], probes: int = 1000, prefix: str = "bench", warmup: int = 300
) -> list[dict]:
    """Rows of {size, bytes_per_article, p50_ms, p99_ms} for each index size."""
    rows, inserted = [], 0
    rng = np.random.default_rng(7)
    for size in sizes:
        config = DedupConfig(key_prefix=f"{prefix}{size}", index_capacity=size)
        index = RedisIndex(client, config.key_prefix, config.index_params(), 30 * 86400,
                           config.shards, config.key_shards)
        sha = client.script_load(index._script.script)
        before = client.info("memory")["used_memory"]
        fill(client, index, config, size, rng, first=inserted)
        inserted += size
        used = client.info("memory")["used_memory"] - before
        time.sleep(2)  # let Redis finish the incremental rehash that bulk inserts leave behind
        for probe in range(warmup):
            client.evalsha(sha, 0, *_args(index, config, rng, 10**13 + inserted + probe))
        inserted += warmup
        latencies = []
        for probe in range(probes):
            args = _args(index, config, rng, 10**12 + inserted + probe)
            start = time.perf_counter()
            client.evalsha(sha, 0, *args)
            latencies.append((time.perf_counter() - start) * 1000)
        inserted += probes
        latencies.sort()
        rows.append({
            "size": size,
            "bytes_per_article": used / size,
            "p50_ms": statistics.median(latencies),
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        })
        _delete_prefix(client, config.key_prefix)
    return rows


def _delete_prefix(client: redis.Redis, prefix: str) -> None:
    batch = []
    for key in client.scan_iter(f"{prefix}:*", count=5000):
        batch.append(key)
        if len(batch) >= 5000:
            client.unlink(*batch)
            batch = []
    if batch:
        client.unlink(*batch)


if __name__ == "__main__":
    import sys

    from crawler.embedded_redis import scratch_server

    sizes = [int(s) for s in sys.argv[1:]] or [10_000]
    client = scratch_server()
    for row in measure(client, sizes):
        print(row)
