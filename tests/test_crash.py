"""A crawler killed with SIGKILL mid-run loses nothing: the next run stores every missing
article exactly once (URLs are marked seen only after their article is stored or dropped)."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import defaultdict

from sqlalchemy import create_engine, text

from crawler.urls import normalize_url
from tests.crawl import ROOT, scrapy, scrapy_cmd, scrapy_env


def count(db_url: str) -> int:
    try:
        with create_engine(db_url).connect() as conn:
            return conn.execute(text("select count(*) from articles")).scalar() or 0
    except Exception:  # the table does not exist yet
        return 0


def test_sigkill_mid_crawl_then_rerun_stores_each_story_once(tmp_path, demo_site) -> None:
    net, settings = demo_site
    db_url = settings["DATABASE_URL"]
    slow = {**settings, "DOWNLOAD_DELAY": 0.15, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
    victim = subprocess.Popen(scrapy_cmd(["demo"], slow), cwd=ROOT, env=scrapy_env(tmp_path / "data"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while count(db_url) < 8 and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.05)
    assert victim.poll() is None, "the crawl ended before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = count(db_url)
    proc = scrapy(["demo"], tmp_path, settings)
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
