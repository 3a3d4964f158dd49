"""Rebuild rate: how fast the Redis dedup index is rebuilt from the database.

Fills a throwaway database with N synthetic articles and duplicates (texts checked through the
real dedup engine, rows written by the real store, so every row carries its index entry), then
times ``crawler.index_sync.rebuild`` into a fresh key prefix — from SQLite and from PostgreSQL
(``TEST_POSTGRES_URL``, default the local server) side by side in one run. Prints rows/s.

Usage: python -m benchmarks.bench_rebuild [--rows 20000]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

import redis
from scrapy.settings import Settings
from sqlalchemy import create_engine, text

from crawler.connection import get_redis
from crawler.index_sync import rebuild
from crawler.items import Article
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.storage.store import open_store, prepare
from pipelines.storage.writes import RecordDuplicate, StoreArticle, Write

PG = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def synthetic(n: int, seed: int = 1) -> list[tuple[str, str, str]]:
    """(id, site, text): every fifth text a trimmed copy of an earlier one."""
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(20000)]
    out = []
    for i in range(n):
        if i % 5 == 4:
            text_ = "\n\n".join(out[i - 3][2].split("\n\n")[:10])
        else:
            text_ = "\n\n".join(" ".join(rng.choice(words) for _ in range(40)) for _ in range(14))
        out.append((f"{i:016x}", f"site{i % 7}", text_))
    return out


def fill(database_url: str, client: redis.Redis, config: DedupConfig, docs: list[tuple[str, str, str]]) -> int:
    prepare(database_url)
    store = open_store(database_url)
    deduper = Deduper(client, config)
    writes: list[Write] = []
    for doc_id, site, body in docs:
        url = f"http://{site}.example/{doc_id}"
        article = Article(id=doc_id, url=url, final_url=url, canonical_url=url, site=site, fetched_at="2026-12-05",
                          title=doc_id, text=body)
        decision = deduper.check(doc_id, body, site, (url,))
        if decision.is_duplicate:
            writes.append(RecordDuplicate(article, decision))
        else:
            article.dedup = {"method": decision.method, "seq": decision.seq, "entry": decision.entry}
            writes.append(StoreArticle(article))
        if len(writes) >= 500:
            store.write_batch(writes)
            writes = []
    if writes:
        store.write_batch(writes)
    deduper.close()
    store.engine.dispose()
    return len(docs)


def measure(label: str, database_url: str, client: redis.Redis, docs: list[tuple[str, str, str]],
            capacity: int | None = None) -> None:
    """Fill ``database_url`` with ``docs`` and time a rebuild; ``capacity``: the index's
    ``DEDUP_INDEX_CAPACITY`` (default: as many as the rows, a window-sized index)."""
    fill_prefix, prefix = f"bench-fill-{uuid.uuid4().hex[:6]}", f"bench-rb-{uuid.uuid4().hex[:6]}"
    capacity = capacity or len(docs)
    try:
        fill(database_url, client, DedupConfig(key_prefix=fill_prefix, index_capacity=capacity), docs)
        settings = Settings({"SEEN_TTL_DAYS": 30.0})
        config = DedupConfig(key_prefix=prefix, index_capacity=capacity)
        store = open_store(database_url)
        started = time.perf_counter()
        rows = rebuild(store, client, config, settings)
        elapsed = time.perf_counter() - started
        store.engine.dispose()
        print(f"index rebuild from {label:<10}: {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s "
              f"(index capacity {capacity:,}; target >= 5,000)")
    finally:
        for p in (fill_prefix, prefix):
            keys = list(client.scan_iter(f"{p}:*", count=5000))
            for i in range(0, len(keys), 5000):
                client.delete(*keys[i : i + 5000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    client = get_redis(Settings({
        "REDIS_URL": os.environ.get("REDIS_URL"), "REDIS_EMBEDDED_PATH": str(tmp / "redis" / "index.rdb"),
        "REDIS_SOCKET_TIMEOUT": 30.0, "REDIS_EMBEDDED_START_TIMEOUT": 60.0}))
    docs = synthetic(args.rows)
    measure("SQLite", f"sqlite:///{tmp / 'bench.sqlite3'}", client, docs)
    # An index sized for far more than the database holds touches nearly one hash per band
    # field: a fixed cost of writing up to every hash once (262,144 + 16,384 at the default 200,000).
    default = DedupConfig(key_prefix="x").index_capacity
    measure("SQLite", f"sqlite:///{tmp / 'bench-default.sqlite3'}", client, docs, default)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))  # noqa: S608 (generated name)
    except Exception as exc:  # noqa: BLE001 (no server: say so and go on)
        print(f"index rebuild from PostgreSQL: not measured ({exc.__class__.__name__}: {PG} unreachable)")
        return
    try:
        measure("PostgreSQL", f"{PG}?options=-csearch_path%3D{schema}", client, docs)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))  # noqa: S608
        admin.dispose()


if __name__ == "__main__":
    main()
