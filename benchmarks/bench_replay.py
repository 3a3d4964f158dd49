"""Replay throughput: ``scrapy replay`` pages/s against ``cores × extraction-alone``.

The pages of the static bench site (``benchmarks.bench_site``, the pages ``bench_throughput``
crawls) are written into a gzipped WARC by the project's own writer (``crawler.warcarchive``);
then (b) extraction alone — ``ArticleExtractor.extract`` in a loop in this one process — and
(r) ``scrapy replay`` of that WARC (profile ``prod``: extraction workers, dedup in Redis,
storage in SQLite) are measured. Replay pages/s count items finished between the first served
page and the last item (start-up — worker spawn, Redis, schema — left out), as for crawls.

Prints replay ÷ (cores × extraction-alone): the share of the machine's extraction capacity a
replay achieves (target ≥ 0.8, as for crawls), the crawler process's CPU ms per page, CPU
seconds and peak RSS of the replay's process tree.

Usage: python -m benchmarks.bench_replay [--multiply 8] [--weight real|demo] [--workers N] [--concurrency N]
"""

from __future__ import annotations

import argparse
import json
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

from scrapy import signals

from benchmarks.bench_site import build_site
from benchmarks.bench_throughput import cores, extraction_alone, tree_rss_kb
from crawler.warcarchive import WarcFiles
from pipelines.extract.pool import default_workers
from settings import base

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://bench.example"


class ItemWindow:
    """Extension of the measured replay: the window from the first served page to the last item
    (``bench/first_response`` → ``bench/last_item``, monotonic s) and the crawler's CPU in it."""

    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        crawler.signals.connect(self.response, signal=signals.response_received)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ItemWindow:
        return cls(crawler)

    def response(self, *args: Any, **kwargs: Any) -> None:
        if self.stats.get_value("bench/first_response") is None:
            self.stats.set_value("bench/first_response", time.monotonic())
            self.stats.set_value("bench/first_cpu", time.process_time())

    def item(self, *args: Any, **kwargs: Any) -> None:
        self.stats.set_value("bench/last_item", time.monotonic())
        self.stats.set_value("bench/last_cpu", time.process_time())
        self.stats.inc_value("bench/items_done")


def write_warc(pages: list[tuple[str, str]], folder: Path) -> Path:
    """The bench pages as one WARC (response + request records), written by ``WarcFiles``."""
    files = WarcFiles(folder, "bench_site", 0, 0, base.WARC_GZIP_LEVEL)
    headers = [("Content-Type", "text/html; charset=utf-8")]
    for path, html in pages:
        body = html.encode("utf-8")
        files.write(BASE + path, 200, "OK", [*headers, ("Content-Length", str(len(body)))], body, "GET",
                    [("User-Agent", "bench")], b"")
    files.close()
    return folder


def replay(warc_dir: Path, work: Path, workers: int, concurrency: int = 0) -> dict[str, float]:
    """One ``scrapy replay`` of ``warc_dir``; its pages/s, CPU and peak RSS."""
    from scrapy.settings import Settings

    stats_file = work / "stats-replay.json"
    project = Settings()
    project.setmodule("settings.prod")
    extensions = {**project.getdict("EXTENSIONS"), "benchmarks.bench_replay.ItemWindow": 0}
    settings = {
        "LOG_LEVEL": "INFO", "STATS_FILE": str(stats_file), "EXTRACT_WORKERS": workers,
        "DEDUP_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}", "EXTENSIONS": extensions,
        "DATABASE_URL": f"sqlite:///{work / 'replay.sqlite3'}",
        **({"REPLAY_CONCURRENT_REQUESTS": concurrency} if concurrency else {}),
    }
    cmd = [sys.executable, "-m", "scrapy", "replay", str(warc_dir), "--no-progress", "--logfile",
           str(work / "replay.log")]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={json.dumps(value) if isinstance(value, dict | list) else value}"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_PROJECT": "prod", "NEWSDEDUP_DATA_DIR": str(work / "data")}
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
        raise RuntimeError(f"bench replay failed ({proc.returncode}): {err[-2000:]}")
    stats = json.loads(stats_file.read_text())
    window = float(stats["bench/last_item"]) - float(stats["bench/first_response"])
    done = int(stats.get("bench/items_done", 0))
    return {
        "pages": done, "seconds": window, "pages_per_s": done / window if window > 0 else 0.0,
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "peak_rss_mb": peak[0] / 1024,
        "main_cpu_ms": (float(stats["bench/last_cpu"]) - float(stats["bench/first_cpu"])) / done * 1000 if done else 0,
        "stored": int(stats.get("storage/articles", 0)), "duplicates": int(stats.get("storage/duplicates", 0)),
        "records": int(stats.get("replay/records", 0)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--multiply", type=int, default=8, help="DemoNetwork(multiply=K): distinct copies")
    parser.add_argument("--weight", choices=("real", "demo"), default="real",
                        help="real: demo pages dressed to real-page weight (default); demo: as served")
    parser.add_argument("--workers", type=int, default=None, help="EXTRACT_WORKERS (default: one per core)")
    parser.add_argument("--concurrency", type=int, default=0,
                        help="REPLAY_CONCURRENT_REQUESTS (default: the setting's)")
    args = parser.parse_args(argv)
    workers = default_workers() if args.workers is None else args.workers
    n_cores = cores()
    work = Path(tempfile.mkdtemp(prefix="bench-replay-"))
    try:
        pages = build_site(work / "site", args.multiply, args.weight)
        warc_dir = write_warc(pages, work / "warc")
        size = sum(p.stat().st_size for p in warc_dir.iterdir())
        print(f"Replay: {len(pages)} bench-site pages ({args.weight} weight) in a {size / 1e6:.1f} MB WARC; "
              f"{n_cores} cores; extraction workers: {workers}")
        # the machine's speed drifts (a shared VM): extraction alone before and after, averaged
        before = extraction_alone(pages, BASE)
        run = replay(warc_dir, work, workers, args.concurrency)
        after = extraction_alone(pages, BASE)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    alone = (before["pages_per_s"] + after["pages_per_s"]) / 2
    print(f"{'':30}{'pages':>7}{'pages/s':>10}{'crawler CPU ms/page':>21}{'CPU s (all)':>13}{'peak RSS MB':>13}")
    print(f"{'(r) scrapy replay':30}{run['pages']:>7}{run['pages_per_s']:>10.1f}{run['main_cpu_ms']:>21.1f}"
          f"{run['cpu_s']:>13.1f}{run['peak_rss_mb']:>13.0f}")
    print(f"{'(b) extraction alone, 1 proc':30}{before['pages']:>7}{alone:>10.1f}{1000 / alone:>21.1f}"
          f"   (before {before['pages_per_s']:.1f}, after {after['pages_per_s']:.1f} pages/s)")
    print(f"replay ÷ ({n_cores} cores × extraction-alone) = {run['pages_per_s'] / (n_cores * alone):.2f}  "
          f"(target ≥ 0.80; replay ÷ extraction-alone = {run['pages_per_s'] / alone:.2f}×)")
    print(f"replay: {run['records']} records, {run['stored']} stored, {run['duplicates']} duplicates recorded")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
