"""Throughput: does a crawl use every core? Three measurements over the same pages, one run.

(a) bare crawl — the project's spider over the static bench site, no item pipelines;
(b) extraction alone — ``ArticleExtractor.extract`` in a loop in this one process, no crawl;
(c) full pipeline — the same crawl with extraction (worker pool), dedup (Redis) and storage
    (SQLite, group commit).

Prints pages/s of each, full ÷ (cores × extraction-alone) — the share of the machine's
extraction capacity the crawl achieves (the target is ≥ 0.8 on 2 cores) — full ÷ bare, CPU
seconds and peak RSS of each crawl's process tree (crawler + extraction workers + embedded
Redis when REDIS_URL is unset). Crawl pages/s count items finished between the first article
response and the last item, so process start-up is left out.

Usage: python -m benchmarks.bench_throughput [--multiply 8] [--weight real|demo] [--workers N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from scrapy.settings import Settings

from benchmarks.bench_site import build_site, serve
from crawler.items import ArticlePage
from pipelines.drops import ExtractionDrop
from pipelines.extract import ArticleExtractor
from pipelines.extract.pool import default_workers

ROOT = Path(__file__).resolve().parent.parent
SPIDER = ROOT / "benchmarks" / "throughput_spider.py"
PROFILE = "settings.prod"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (kB), from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):  # the process ended meanwhile
            continue
    return total


def extraction_alone(pages: list[tuple[str, str]], base: str) -> dict[str, float]:
    """Pages/s of the project's extraction stage in this one process over ``pages``."""
    count, elapsed = _timed_extraction(pages, base)
    return {"pages": count, "seconds": elapsed, "pages_per_s": count / elapsed}


def _timed_extraction(pages: list[tuple[str, str]], base: str, ready: Any = None) -> tuple[int, float]:
    """(pages, seconds) of extracting ``pages`` after a warm-up on the first five (imports,
    caches) and, when given, after ``ready.wait()`` (a barrier: processes start together)."""
    settings = Settings()
    settings.setmodule(PROFILE)
    extractor = ArticleExtractor.from_settings(settings)
    items = [ArticlePage(url=base + path, final_url=base + path, site="bench_site",
                         fetched_at="2026-11-26T00:00:00+00:00", html=html) for path, html in pages]
    for item in items[:5]:
        _extract(extractor, item)
    if ready is not None:
        ready.wait()
    started = time.perf_counter()
    for item in items:
        _extract(extractor, item)
    return len(items), time.perf_counter() - started


def _extract_share(pages: list[tuple[str, str]], base: str, start: Any, results: Any) -> None:
    """One process of ``extraction_side_by_side``."""
    results.put(_timed_extraction(pages, base, start))


def extraction_side_by_side(pages: list[tuple[str, str]], base: str, processes: int) -> dict[str, float]:
    """Pages/s of ``processes`` extraction processes started together, each over its share of
    ``pages`` (every ``processes``-th page): the machine's extraction capacity when every core is
    busy, which on a shared or virtual machine is less than ``processes`` × one process alone
    (caches, memory bandwidth and the host's other guests are shared). The sum of the processes'
    own rates is reported, so a process that ends first does not lower the figure."""
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(processes), context.Queue()
    procs = [context.Process(target=_extract_share, args=(pages[i::processes], base, start, results))
             for i in range(processes)]
    for proc in procs:
        proc.start()
    shares = [results.get(timeout=3600) for _ in procs]
    for proc in procs:
        proc.join()
    return {"processes": processes, "pages": sum(n for n, _ in shares),
            "pages_per_s": sum(n / seconds for n, seconds in shares)}


def _extract(extractor: ArticleExtractor, item: ArticlePage) -> None:
    try:
        extractor.extract(item)
    except ExtractionDrop:
        pass


def crawl(base: str, work: Path, label: str, settings: dict[str, Any]) -> dict[str, float]:
    """One ``scrapy runspider`` of the bench spider; its pages/s, CPU seconds and peak RSS."""
    stats_file = work / f"stats-{label}.json"
    common = {
        "LOG_LEVEL": "INFO", "LOG_FILE": str(work / f"{label}.log"), "STATS_FILE": str(stats_file),
        "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": False, "HTTPCACHE_ENABLED": False,
        "DEDUP_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
        "DATABASE_URL": f"sqlite:///{work / f'{label}.sqlite3'}",
    }
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(SPIDER), "-a", f"base_url={base}"]
    for key, value in {**common, **settings}.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict | list) else value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_PROJECT": "prod", "NEWSDEDUP_DATA_DIR": str(work / label)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0 or not stats_file.exists():
        raise RuntimeError(f"bench crawl {label} failed ({proc.returncode}): {err[-2000:]}")
    stats = json.loads(stats_file.read_text())
    window = float(stats["bench/last_item"]) - float(stats["bench/first_article_response"])
    done = int(stats.get("bench/items_done", 0))
    main_cpu = float(stats["bench/last_item_cpu"]) - float(stats["bench/first_article_cpu"])
    return {
        "pages": done, "seconds": window, "pages_per_s": done / window if window > 0 else 0.0,
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "peak_rss_mb": peak[0] / 1024, "main_cpu_ms": main_cpu / done * 1000 if done else 0.0,
        "stored": int(stats.get("storage/articles", 0)),
        "dropped_duplicates": int(stats.get("storage/duplicates", 0)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--multiply", type=int, default=8, help="DemoNetwork(multiply=K): distinct copies")
    parser.add_argument("--weight", choices=("real", "demo"), default="real",
                        help="real: demo pages dressed to real-page weight (default); demo: as served")
    parser.add_argument("--workers", type=int, default=None, help="EXTRACT_WORKERS (default: one per core)")
    args = parser.parse_args(argv)
    workers = default_workers() if args.workers is None else args.workers
    n_cores = cores()
    work = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    server = None
    try:
        pages = build_site(work / "site", args.multiply, args.weight)
        server, base = serve(work / "site")
        sizes = sorted(len(html.encode()) for _, html in pages)
        print(f"Static site: {len(pages)} pages ({args.weight} weight, median {sizes[len(sizes) // 2] / 1000:.0f} KB)"
              f" on {base}, served by a separate process; {n_cores} cores; extraction workers: {workers}")
        # The machine's speed drifts (a shared VM): extraction alone is measured before and after
        # the crawls and averaged, and both are printed so the drift is visible.
        before = extraction_alone(pages, base)
        bare = crawl(base, work, "bare", {"ITEM_PIPELINES": {}})
        full = crawl(base, work, "full", {"EXTRACT_WORKERS": workers})
        after = extraction_alone(pages, base)
    finally:
        if server is not None:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    alone = (before["pages_per_s"] + after["pages_per_s"]) / 2
    print(f"{'':30}{'pages':>7}{'pages/s':>10}{'crawler CPU ms/page':>21}{'CPU s (all)':>13}{'peak RSS MB':>13}")
    for label, run in (("(a) bare crawl", bare), ("(c) full pipeline", full)):
        print(f"{label:30}{run['pages']:>7}{run['pages_per_s']:>10.1f}{run['main_cpu_ms']:>21.1f}{run['cpu_s']:>13.1f}"
              f"{run['peak_rss_mb']:>13.0f}")
    print(f"{'(b) extraction alone, 1 proc':30}{before['pages']:>7}{alone:>10.1f}{1000 / alone:>21.1f}"
          f"   (before {before['pages_per_s']:.1f}, after {after['pages_per_s']:.1f} pages/s)")
    capacity = full["pages_per_s"] / (n_cores * alone)
    print(f"full ÷ ({n_cores} cores × extraction-alone) = {capacity:.2f}  (target ≥ 0.80; "
          f"full ÷ extraction-alone = {full['pages_per_s'] / alone:.2f}×)")
    print(f"full ÷ bare = {full['pages_per_s'] / bare['pages_per_s']:.2f}")
    print(f"full pipeline: {full['stored']} stored, {full['dropped_duplicates']} duplicates recorded; "
          f"peak RSS {full['peak_rss_mb']:.0f} MB (crawler + {workers} workers + embedded Redis if any)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
