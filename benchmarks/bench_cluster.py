"""Dedup checks on one Redis node versus a 3-master Redis Cluster, on this machine.

4 checker processes each check ``--per`` synthetic articles (a quarter near-duplicates of an
earlier one) against one index; printed per setup: checks/s of the 4 together, EVALSHA calls per
check on the index's server (round trips), p50/p99 latency of a check, and index bytes per
article (``used_memory`` growth of the index's server over the articles checked). The servers
are throwaway ``redis-server`` processes on free loopback ports, stopped by pid.

    python -m benchmarks.bench_cluster [--per 1500]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import time
from pathlib import Path

from pipelines.dedup.engine import DedupConfig, Deduper
from tests.redis_cluster import LocalCluster
from tests.redisproc import RedisProcess

CHECKERS = 4
VOCAB = [f"{a}{b}" for a in ("ka", "lo", "mu", "ne", "po", "ri") for b in range(500)]


def texts(worker: int, per: int) -> list[str]:
    rng = random.Random(worker)
    out: list[str] = []
    for i in range(per):
        if out and i % 4 == 3:  # a near-duplicate of an earlier article of this worker
            words = out[rng.randrange(len(out))].split()
            words[rng.randrange(len(words))] = "changed"
            out.append(" ".join(words))
        else:
            out.append(" ".join(rng.sample(VOCAB, 300)))
    return out


def checker(where: tuple[str, int], prefix: str, worker: int, per: int, start: float, out) -> None:
    import redis
    from redis.cluster import RedisCluster

    kind, port = where
    client = RedisCluster(host="127.0.0.1", port=port) if kind == "cluster" else redis.Redis(port=port)
    deduper = Deduper(client, DedupConfig(key_prefix=prefix, index_capacity=CHECKERS * per))
    docs = texts(worker, per)
    while time.time() < start:
        time.sleep(0.001)
    latencies = []
    for i, body in enumerate(docs):
        t = time.perf_counter()
        deduper.check(f"{worker:04x}{i:012x}", body, f"site{worker}.example")
        latencies.append(time.perf_counter() - t)
    out.put(latencies)


def run(where: tuple[str, int], server, per: int) -> dict[str, float]:
    prefix = "bench"
    Deduper(server, DedupConfig(key_prefix=prefix, index_capacity=CHECKERS * per))  # creates the index
    node = server if where[0] == "node" else None
    before_mem = node.info("memory")["used_memory"] if node else 0
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start = time.time() + 6
    procs = [ctx.Process(target=checker, args=(where, prefix, w, per, start, out)) for w in range(CHECKERS)]
    for p in procs:
        p.start()
    latencies = [x for _ in procs for x in out.get(timeout=900)]
    elapsed = time.time() - start
    for p in procs:
        p.join(30)
    return {"latencies": latencies, "elapsed": elapsed, "before_mem": before_mem}


def report(name: str, result: dict, calls: int, memory: int) -> None:
    lat = sorted(result["latencies"])
    n = len(lat)
    print(f"{name:<18} {n / result['elapsed']:>9.0f} {calls / n:>12.2f} {statistics.median(lat) * 1e3:>8.2f} "
          f"{lat[int(n * 0.99)] * 1e3:>8.2f} {memory / n:>12.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per", type=int, default=1500, help="articles per checker process")
    per = parser.parse_args().per
    print(f"{CHECKERS} concurrent checkers, {CHECKERS * per} articles")
    print(f"{'setup':<18} {'checks/s':>9} {'EVALSHA/check':>12} {'p50 ms':>8} {'p99 ms':>8} {'bytes/article':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        with RedisProcess(Path(tmp) / "node", persist=False) as proc:
            client = proc.client()
            result = run(("node", proc.port), client, per)
            calls = client.info("commandstats")["cmdstat_evalsha"]["calls"]
            report("1 node", result, calls, client.info("memory")["used_memory"] - result["before_mem"])
        with LocalCluster(Path(tmp) / "cluster", masters=3) as cluster:
            client = cluster.client()
            master = cluster.node(cluster.master_of("{bench}"))
            before = master.info("memory")["used_memory"]
            result = run(("cluster", cluster.ports[0]), client, per)
            calls = master.info("commandstats")["cmdstat_evalsha"]["calls"]
            report("3-master cluster", result, calls, master.info("memory")["used_memory"] - before)


if __name__ == "__main__":
    main()
