"""Cost of keeping the best copy of each story: the dedup stage per article with DEDUP_KEEP =
"best" and "first" side by side in one run, with Redis' own count of script calls.

Usage: python -m benchmarks.bench_keep [--rounds 3]

Each round checks the same articles through ``Deduper.check`` (what the dedup stage calls: one
check-and-insert script call per article) on a fresh index already holding ``FILL`` synthetic
articles, once per policy; the policies alternate which goes first, so the drift of a shared
machine falls on both. Ranks (site names, credited sources) are computed before the clock runs:
the extraction stage computes them in a crawl. Redis' ``INFO commandstats`` before and after each
pass gives the script calls (EVALSHA/EVAL) and every other command, and the server time spent in
the script, apart from the client's time (the commands a script runs count there too).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from dataclasses import dataclass

import numpy as np
import redis

from benchmarks.bench_dedup import DEV, dev_texts, machine_speed, make_client
from benchmarks.bench_dedup_counting import counting_requests
from benchmarks.index_scale import fill
from pipelines.credits import credited_names
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.rank import article_rank

FILL = 10_000
POLICIES = ("first", "best")


@dataclass
class Pass:
    """One policy's pass over the articles."""

    us: float  # wall time per article, client side (the stage's cost)
    requests: int  # requests the client sent (commands and pipelines)
    script_calls: int  # EVALSHA + EVAL the server counted
    inner_calls: int  # every other command the server counted: those the scripts ran
    script_us: float  # server time in the script per call
    swaps: int  # replacements (a better copy took the kept one's place)
    merges: int  # kept articles merged late
    duplicates: int


def _commands(client: redis.Redis) -> dict[str, dict]:
    return client.info("commandstats")


def _delta(before: dict, after: dict) -> tuple[int, int, float]:
    """(script calls, other calls, server usec in scripts) between two INFO commandstats."""
    scripts = others = 0
    usec = 0.0
    for name, now in after.items():
        calls = now["calls"] - before.get(name, {}).get("calls", 0)
        if name in ("cmdstat_evalsha", "cmdstat_eval"):
            scripts += calls
            usec += now["usec"] - before.get(name, {}).get("usec", 0)
        elif name not in ("cmdstat_info",):
            others += calls
    return scripts, others, usec


def one_pass(client: redis.Redis, articles: list[tuple[str, str, bytes]], keep: str) -> Pass:
    config = DedupConfig(key_prefix=f"keep-{uuid.uuid4().hex[:6]}", index_capacity=FILL, keep=keep)
    deduper = Deduper(client, config)
    fill(client, deduper.index, config, FILL, np.random.default_rng(3), first=1 << 40)
    for site in {site for site, _, _ in articles}:  # per-site boilerplate tables load once per site
        deduper.sites.strip(site, ["warm-up"])
    deduper.check("f" * 16, "warm-up text for the script cache", "warm-up")  # loads the script (NOSCRIPT)
    time.sleep(0.5)  # let Redis finish the incremental rehash the bulk fill leaves behind
    swaps = merges = duplicates = 0
    before = _commands(client)
    with counting_requests() as counter:
        start = time.perf_counter()
        for i, (site, text, rank) in enumerate(articles):
            decision = deduper.check(f"{i:016x}", text, site, (f"http://{site.replace(' ', '-')}/{i}",), rank=rank)
            swaps += decision.replaces is not None
            merges += len(decision.merged)
            duplicates += decision.is_duplicate
        elapsed = time.perf_counter() - start
    after = _commands(client)
    scripts, others, usec = _delta(before, after)
    keys = list(client.scan_iter(f"{config.key_prefix}:*", count=1000))
    for at in range(0, len(keys), 1000):
        client.delete(*keys[at : at + 1000])
    n = len(articles)
    return Pass(elapsed / n * 1e6, counter.requests, scripts, others, usec / max(1, scripts), swaps, merges,
                duplicates)


def compare(client: redis.Redis, articles: list[tuple[str, str, bytes]], rounds: int) -> dict[str, list[Pass]]:
    out: dict[str, list[Pass]] = {keep: [] for keep in POLICIES}
    for r in range(rounds):
        for keep in POLICIES if r % 2 == 0 else POLICIES[::-1]:
            out[keep].append(one_pass(client, articles, keep))
    return out


def ranked(texts: list[tuple[str, str]]) -> list[tuple[str, str, bytes]]:
    """Each (site, text) with its rank as the crawler builds it: the site's names and the sources
    the text credits (no stated date in these texts)."""
    return [(site, text, article_rank("", site, site, credited_names(text, []))) for site, text in texts]


def report(name: str, n: int, result: dict[str, list[Pass]]) -> str:
    lines = [f"{name} ({n} articles, index pre-filled with {FILL:,} synthetic articles)"]
    median = {keep: statistics.median(p.us for p in passes) for keep, passes in result.items()}
    for keep, passes in result.items():
        p = passes[0]
        lines.append(
            f"  DEDUP_KEEP={keep:<6}{median[keep]:6.0f} us/article (rounds {', '.join(f'{x.us:.0f}' for x in passes)});"
            f" script calls/article {p.script_calls / n:.3f} (server count), client requests/article "
            f"{p.requests / n:.3f}; commands run inside the script {p.inner_calls / n:.1f}/article, script time in "
            f"Redis {statistics.median(x.script_us for x in passes):.0f} us/call; swaps {p.swaps}, late merges "
            f"{p.merges}, duplicates {p.duplicates}"
        )
    lines.append(f"  best / first: {median['best'] / median['first']:.3f}x per article")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    client, where = make_client()
    print(f"Keep policy cost ({where}; {DedupConfig().index_params()})")
    print(f"Machine speed now: {machine_speed(client)}\n")
    texts = dev_texts()
    if not texts:
        print(f"no dev corpus at {DEV}; skipping")
        return 0
    articles = ranked(texts)
    for name, stream in (("dev corpus, its own order", articles), ("dev corpus, reversed", articles[::-1])):
        print(report(name, len(stream), compare(client, stream, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
