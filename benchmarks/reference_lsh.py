"""Same-run reference for the dedup bench: datasketch's own MinHashLSH with Redis storage,
used the way its documentation shows (query, then insert when nothing is found), on the
same texts. Word 5-gram shingles, 128 permutations, threshold 0.5 (the corpus reference).

Only for comparison: it is not atomic across processes and unpickles Redis data, which is
why the project keeps its own index (see pipelines/dedup/index.py).
"""

from __future__ import annotations

import re
import time
import uuid
from urllib.parse import urlsplit

import redis
from datasketch import MinHash, MinHashLSH

from benchmarks.bench_dedup_counting import counting_requests


def reference_cost(url: str, texts: list[tuple[str, str]]) -> dict[str, float]:
    """Mean microseconds per article (shingle + MinHash + query + insert), requests per
    article, and Redis bytes per inserted article, measured on the server at ``url``."""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    client = redis.Redis(host=parts.hostname, port=parts.port or 6379, db=db)
    before_mem = client.info("memory")["used_memory"]
    basename = f"ref{uuid.uuid4().hex[:6]}"
    lsh = MinHashLSH(
        threshold=0.5, num_perm=128,
        storage_config={"type": "redis", "basename": basename.encode(),
                        "redis": {"host": parts.hostname, "port": parts.port or 6379, "db": db}},
    )
    inserted = 0
    with counting_requests() as counter:
        start = time.perf_counter()
        for i, (_site, text) in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            grams = {" ".join(words[j : j + 5]).encode() for j in range(max(1, len(words) - 4))}
            m = MinHash(num_perm=128, seed=1)
            m.update_batch(list(grams))
            if not lsh.query(m):
                lsh.insert(f"d{i}", m)
                inserted += 1
        elapsed = time.perf_counter() - start
    requests = counter.requests
    used = client.info("memory")["used_memory"] - before_mem
    for key in client.scan_iter(f"{basename}*", count=5000):
        client.unlink(key)
    return {
        "us": elapsed / len(texts) * 1e6,
        "requests": requests / len(texts),
        "bytes": used / max(1, inserted),
    }
