"""A crawler killed with SIGKILL mid-run loses nothing: the next run stores every missing
article exactly once (URLs are marked seen only after their article is stored or dropped)."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.urls import normalize_url
from tests.crawl import ROOT, scrapy, scrapy_cmd, scrapy_env


def count(db_url: str) -> int:
    try:
        with create_engine(db_url).connect() as conn:
            return conn.execute(text("select count(*) from articles")).scalar() or 0
    except Exception:  # the table does not exist yet
        return 0


def worker_pids(parent: int) -> set[int]:
    """Pids of the processes whose parent is ``parent`` (the crawler's extraction workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("workers", [0, 2], ids=["in-process", "worker-pool"])
def test_sigkill_mid_crawl_then_rerun_stores_each_story_once(tmp_path, demo_site, workers: int) -> None:
    net, settings = demo_site
    db_url = settings["DATABASE_URL"]
    slow = {**settings, "DOWNLOAD_DELAY": 0.15, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "EXTRACT_WORKERS": workers,
            "STORAGE_BATCH_SIZE": 5, "STORAGE_BATCH_SECONDS": 1.0}  # batches: some articles are uncommitted
    victim = subprocess.Popen(scrapy_cmd(["demo"], slow), cwd=ROOT, env=scrapy_env(tmp_path / "data"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count(db_url) < 8 and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.05)
    assert victim.poll() is None, "the crawl ended before it could be killed"
    workers_before = worker_pids(victim.pid)
    assert len(workers_before) >= workers  # (the embedded Redis is a child too)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    deadline = time.monotonic() + 10  # orphaned extraction workers notice and exit
    while any(alive(p) for p in workers_before) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers_before if alive(p)], "extraction workers outlived the killed crawler"
    killed_at = count(db_url)
    proc = scrapy(["demo"], tmp_path, {**settings, "EXTRACT_WORKERS": workers})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    truth = net.ground_truth()
    with create_engine(db_url).connect() as conn:
        rows = conn.execute(text("select url, canonical_url from articles")).all()
        dropped = {normalize_url(r[0]) for r in conn.execute(text("select url from duplicates"))}
    stored = [normalize_url(r[0]) for r in rows]
    canonicals = {normalize_url(r[1]) for r in rows}
    assert 8 <= killed_at < len(stored)
    assert len(stored) == len(set(stored))  # nothing twice
    groups = defaultdict(set)
    for page in truth:
        if page["story"]:
            groups[page["story"]].add(normalize_url(page["url"]))
    for page in truth:
        if page["expect"] == "store":
            assert normalize_url(page["url"]) in stored, f"missing after the rerun: {page['url']}"
    for story, urls in groups.items():
        if any(p["story"] == story and p["role"] in ("original", "reprint") for p in truth):
            kept = urls & set(stored)
            assert len(kept) == 1, f"story {story} stored {len(kept)} times"
            for url in urls - kept:  # every other page of the story is a recorded drop (or seen via canonical)
                assert url in dropped or url in canonicals, f"story {story}: {url} neither stored nor dropped"
