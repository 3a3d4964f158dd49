"""Cost of the dedup stage: per-layer time per article, Redis round trips per article,
Redis bytes per indexed article and check latency at growing index sizes.

Usage: python -m benchmarks.bench_dedup [--sizes 10000,100000,1000000]
Texts: the demo network's articles (always) and the dev corpus' documents (when present).
Redis: REDIS_URL when set, else an embedded server in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import timeit
import uuid
from pathlib import Path

import numpy as np
import redis

from benchmarks.bench_dedup_counting import counting_requests
from benchmarks.index_scale import fill, measure
from benchmarks.reference_lsh import reference_cost
from crawler.embedded_redis import scratch_server
from demo.network import DemoNetwork
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.fingerprint import joined_bytes, shingle_hashes
from pipelines.dedup.normalize import body_lines, normalize_chars

FILL = 10_000  # synthetic articles in the index before the timed texts arrive
DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dedup" / "dev_clusters.jsonl"


def make_client() -> tuple[redis.Redis, str]:
    url = os.environ.get("REDIS_URL")
    if url:
        client = redis.Redis.from_url(url)
        where = f"Redis server {url}"
    else:
        client = scratch_server()
        where = f"embedded redis-server {client.info('server')['redis_version']}"
    return client, where


def machine_speed(client: redis.Redis) -> str:
    """Two figures to read absolute times against: a pure-Python loop and a Redis round trip."""
    loop = min(timeit.repeat("sum(range(10**6))", number=1, repeat=5)) * 1e3
    start = time.perf_counter()
    for _ in range(200):
        client.ping()
    ping = (time.perf_counter() - start) / 200 * 1e6
    return f"sum(range(10**6)) {loop:.1f} ms, Redis PING round trip {ping:.0f} us"


def demo_texts() -> list[tuple[str, str]]:
    with DemoNetwork(multiply=4) as net:
        return [(p["site"], p["text"]) for p in net.ground_truth() if p.get("text")]


def dev_texts() -> list[tuple[str, str]]:
    if not DEV.is_file():
        return []
    with DEV.open(encoding="utf-8") as fh:
        return [(d["site"], d["text"]) for d in map(json.loads, fh)]


def _filled_deduper(client: redis.Redis) -> Deduper:
    """A deduper whose index already holds ``FILL`` synthetic articles: the steady state of a
    crawl, where the first write of each small hash in a window (its compaction) is long past."""
    config = DedupConfig(key_prefix=f"bench-{uuid.uuid4().hex[:6]}", index_capacity=FILL)
    deduper = Deduper(client, config)
    fill(client, deduper.index, config, FILL, np.random.default_rng(3), first=1 << 40)
    time.sleep(1)  # let Redis finish the incremental rehash that bulk inserts leave behind
    return deduper


def layer_costs(client: redis.Redis, texts: list[tuple[str, str]]) -> dict[str, float]:
    """Mean microseconds per article of each layer, and requests per article."""
    deduper = _filled_deduper(client)
    sites = {site for site, _ in texts}
    for site in sites:  # per-site boilerplate tables load once per site per process: not per article
        deduper.sites.strip(site, ["warm-up"])
    spent = dict.fromkeys(("normalise", "boilerplate", "site", "shingles", "minhash+bands", "redis", "stage"), 0.0)
    latencies = []
    counting = counting_requests()
    counter = counting.__enter__()
    for i, (site, text) in enumerate(texts):
        t0 = time.perf_counter()
        normalized = normalize_chars(text)
        t1 = time.perf_counter()
        lines = body_lines(normalized)
        t2 = time.perf_counter()
        body = deduper.sites.strip(site, lines)
        deduper.sites.learn(site, lines)
        t3 = time.perf_counter()
        shingle_hashes(joined_bytes(body), deduper.config.shingle_size, deduper.config.shingle_sample)
        t4 = time.perf_counter()
        fp = deduper.fingerprinter.fingerprint(body, normalized)
        t5 = time.perf_counter()
        deduper.index.check_and_insert(
            f"{i:016x}", site, [f"http://{site}/{i}"], fp, rules=deduper._rules, max_candidates=64
        )
        t6 = time.perf_counter()
        for name, a, b in (("normalise", t0, t1), ("boilerplate", t1, t2), ("site", t2, t3), ("shingles", t3, t4),
                           ("minhash+bands", t4, t5), ("redis", t5, t6)):
            spent[name] += b - a
        spent["minhash+bands"] -= t4 - t3  # fingerprint() shingles again: count that once
        latencies.append(t6 - t0 - (t4 - t3))
    counting.__exit__(None, None, None)
    requests, scripts = counter.requests, counter.scripts
    n = len(texts)
    out = {k: v / n * 1e6 for k, v in spent.items() if k != "stage"}
    out["stage"] = sum(latencies) / n * 1e6
    out["stage_p50"] = statistics.median(latencies) * 1e6
    out["requests"] = requests / n
    out["scripts"] = scripts / n
    # the real entry point, end to end, on fresh indexes: Deduper.check(), three rounds (this
    # VM's speed drifts by tens of percent within minutes: the rounds show how much)
    rounds = []
    for _ in range(3):
        fresh = _filled_deduper(client)
        for site in sites:
            fresh.sites.strip(site, ["warm-up"])
        with counting_requests() as counter:
            start = time.perf_counter()
            for i, (site, text) in enumerate(texts):
                fresh.check(f"{i:016x}", text, site, (f"http://{site}/{i}",))
            rounds.append((time.perf_counter() - start) / n * 1e6)
    out["check"] = statistics.median(rounds)
    out["check_rounds"] = rounds
    out["check_requests"] = counter.requests / n
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "10000,100000,1000000"))
    args = parser.parse_args(argv)
    client, where = make_client()
    print(f"Dedup stage benchmark ({where}; {DedupConfig().index_params()})")
    print(f"Machine speed now: {machine_speed(client)} (absolute times scale with it)\n")
    dev = dev_texts()
    sets = [
        ("demo articles", demo_texts()),
        ("dev 500-700 w", [(site, t) for site, t in dev if 500 <= len(t.split()) <= 700]),
        ("dev corpus", dev),
    ]
    layers = ("normalise", "boilerplate", "site", "shingles", "minhash+bands", "redis")
    header = f"{'texts':<16}{'n':>6}{'words':>7}" + "".join(f"{k:>15}" for k in layers) + f"{'stage':>9}{'p50':>8}"
    print(f"Per-layer cost, microseconds per article (redis = the one check-and-insert round trip), each set\n"
          f"checked against an index that already holds {FILL:,} synthetic articles")
    print(header)
    for name, texts in sets:
        if not texts:
            print(f"{name:<16}  (not available)")
            continue
        costs = layer_costs(client, texts)
        words = statistics.mean(len(t.split()) for _, t in texts)
        print(f"{name:<16}{len(texts):>6}{words:>7.0f}" + "".join(f"{costs[k]:>15.0f}" for k in layers)
              + f"{costs['stage']:>9.0f}{costs['stage_p50']:>8.0f}")
        print(f"{'':<16}  Redis requests per article: {costs['requests']:.2f} ({costs['scripts']:.2f} check-and-insert "
              f"script calls; the rest: learned site boilerplate written back every 100 articles); "
              f"Deduper.check() end to end {costs['check']:.0f} us (median of 3 rounds: "
              f"{', '.join(f'{r:.0f}' for r in costs['check_rounds'])}) with {costs['check_requests']:.2f} requests "
              f"(site boilerplate written back in batches)")
        url = os.environ.get("REDIS_URL")
        if url and url.startswith("redis://"):
            ref = reference_cost(url, texts)
            print(f"{'':<16}  same run, datasketch MinHashLSH with Redis storage: {ref['us']:.0f} us and "
                  f"{ref['requests']:.1f} requests per article, {ref['bytes']:.0f} B per indexed article "
                  f"-> ours takes {costs['check'] / ref['us']:.2f}x its time")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print("\nIndex size: Redis bytes per indexed article and check-and-insert latency (synthetic signatures)")
    print(f"{'articles':>10}{'bytes/article':>15}{'p50 ms':>9}{'p99 ms':>9}")
    # on a dedicated embedded server, so that used_memory counts nothing but the index
    scale_client = scratch_server()
    print(f"(embedded redis-server {scale_client.info('server')['redis_version']}, "
          f"DEDUP_INDEX_CAPACITY set to each size)")
    rows = measure(scale_client, sizes, prefix=f"scale{uuid.uuid4().hex[:4]}")
    for row in rows:
        print(f"{row['size']:>10}{row['bytes_per_article']:>15.0f}{row['p50_ms']:>9.3f}{row['p99_ms']:>9.3f}")
    if not os.environ.get("REDIS_URL"):
        print("(set REDIS_URL=redis://… to also time datasketch's Redis-backed MinHashLSH in the same run)")
    if len(rows) > 1:
        ratio = rows[-1]["p50_ms"] / rows[0]["p50_ms"]
        print(f"p50 at {rows[-1]['size']:,} / p50 at {rows[0]['size']:,}: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
