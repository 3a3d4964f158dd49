"""Dedup checks on one Redis node versus a 3-master Redis Cluster, on this machine.

4 checker processes each check ``--per`` synthetic articles (a quarter near-duplicates of an
earlier one) against one index; three setups: one node; a 3-master cluster with the whole index
in one slot (``DEDUP_BAND_GROUPS=1``); a 3-master cluster with the band hashes in 16 groups (the
cluster default). Printed per setup: checks/s of the 4 together, script calls per check (over all
masters) and sequential round trips per check, p50/p99 latency of a check, index bytes per
article (``used_memory`` growth, all masters) and the share of bytes and of Redis CPU on the
busiest master (what one node must hold and serve). The servers are throwaway ``redis-server``
processes on free loopback ports, stopped by pid. On one 2-core machine the 4 checkers and the 3
masters share the cores, so checks/s says little about a cluster of machines; the busiest
master's share of memory and CPU says how far the index spreads.

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


def checker(where: tuple[str, int], prefix: str, worker: int, per: int, start: float, out, groups: int = 0) -> None:
    import redis
    from redis.cluster import RedisCluster

    kind, port = where
    client = RedisCluster(host="127.0.0.1", port=port) if kind == "cluster" else redis.Redis(port=port)
    deduper = Deduper(client, DedupConfig(key_prefix=prefix, index_capacity=CHECKERS * per, band_groups=groups))
    docs = texts(worker, per)
    while time.time() < start:
        time.sleep(0.001)
    latencies = []
    for i, body in enumerate(docs):
        t = time.perf_counter()
        deduper.check(f"{worker:04x}{i:012x}", body, f"site{worker}.example")
        latencies.append(time.perf_counter() - t)
    out.put((latencies, deduper.index.round_trips))


def run(where: tuple[str, int], server, per: int, groups: int = 0) -> dict[str, float]:
    prefix = "bench"
    # creates the index
    Deduper(server, DedupConfig(key_prefix=prefix, index_capacity=CHECKERS * per, band_groups=groups))
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start = time.time() + 6
    procs = [ctx.Process(target=checker, args=(where, prefix, w, per, start, out, groups)) for w in range(CHECKERS)]
    for p in procs:
        p.start()
    replies = [out.get(timeout=900) for _ in procs]
    elapsed = time.time() - start
    for p in procs:
        p.join(30)
    latencies = [x for lat, _ in replies for x in lat]
    return {"latencies": latencies, "elapsed": elapsed, "trips": sum(t for _, t in replies) / len(latencies)}


def usage(nodes: list) -> list[tuple[int, float, int]]:
    """(script calls, CPU seconds, used_memory) of each node so far."""
    out = []
    for node in nodes:
        stats = node.info("commandstats")
        calls = sum(stats.get(f"cmdstat_{c}", {}).get("calls", 0) for c in ("evalsha", "eval"))
        cpu = node.info("cpu")
        out.append((calls, cpu["used_cpu_sys"] + cpu["used_cpu_user"], node.info("memory")["used_memory"]))
    return out


def report(name: str, result: dict, before: list, after: list) -> None:
    lat = sorted(result["latencies"])
    n = len(lat)
    calls = sum(a[0] - b[0] for a, b in zip(after, before, strict=True))
    cpu = [a[1] - b[1] for a, b in zip(after, before, strict=True)]
    memory = [a[2] - b[2] for a, b in zip(after, before, strict=True)]
    print(f"{name:<24} {n / result['elapsed']:>8.0f} {calls / n:>11.2f} {result['trips']:>6.2f} "
          f"{statistics.median(lat) * 1e3:>7.2f} {lat[int(n * 0.99)] * 1e3:>7.2f} {sum(memory) / n:>9.0f} "
          f"{max(memory) / max(1, sum(memory)):>10.0%} "
          f"{max(cpu) / max(1e-9, sum(cpu)):>8.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per", type=int, default=1500, help="articles per checker process")
    per = parser.parse_args().per
    print(f"{CHECKERS} concurrent checkers, {CHECKERS * per} articles")
    print(f"{'setup':<24} {'checks/s':>8} {'calls/check':>11} {'trips':>6} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'B/article':>9} {'top mem':>10} {'top cpu':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        with RedisProcess(Path(tmp) / "node", persist=False) as proc:
            client = proc.client()
            before = usage([client])
            result = run(("node", proc.port), client, per)
            report("1 node", result, before, usage([client]))
        for name, groups in (("3-master, one slot", 1), ("3-master, 16 band groups", 0)):
            with LocalCluster(Path(tmp) / f"cluster{groups}", masters=3) as cluster:
                masters = [cluster.node(port) for port in cluster.ports]  # no replicas: every node a master
                before = usage(masters)
                result = run(("cluster", cluster.ports[0]), cluster.client(), per, groups)
                report(name, result, before, usage(masters))


if __name__ == "__main__":
    main()
