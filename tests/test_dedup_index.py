"""The Redis index under concurrency and time: atomic check-and-insert across processes,
entries expiring after the window, the offline dedup command."""

from __future__ import annotations

import json
import multiprocessing as mp
import random
import time
from pathlib import Path

import redis

from pipelines.dedup.engine import DedupConfig, Deduper
from tests.crawl import scrapy
from tests.test_dedup_engine import OTHER, PARAGRAPHS, STORY

GROUPS = 120
WORKERS = 3


WORDS = (
    "council harbor budget ferry school river bridge police court mayor storm farm factory union "
    "hospital museum election railway airport festival library market tax housing water power road "
    "plan vote delay cost million report official said residents warned expected project district"
).split()


def group_text(group: int, worker: int) -> str:
    """Near-identical copies (a different last line per worker) of a story unique to ``group``."""
    rng = random.Random(group)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(30)) + "." for _ in range(6)]
    return "\n\n".join([*paragraphs, f"Filed by desk number {worker} of the evening shift team."])


def _worker(url: str, prefix: str, worker: int, barrier, results) -> None:  # noqa: ANN001 (mp proxies)
    client = redis.Redis.from_url(url)
    deduper = Deduper(client, DedupConfig(key_prefix=prefix, index_capacity=1000))
    texts = [group_text(g, worker) for g in range(GROUPS)]
    prints = [deduper.fingerprint(t, f"site{worker}") for t in texts]  # hash before the race
    barrier.wait()
    for group, fp in enumerate(prints):
        reply = deduper.index.check_and_insert(
            f"{worker:02x}{group:014x}", f"site{worker}", [], fp, rules=deduper._rules, max_candidates=64
        )
        results.put((group, worker, reply.verdict))


def test_concurrent_check_and_insert_keeps_exactly_one_per_group(redis_settings, key_prefix) -> None:
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(redis_settings["REDIS_URL"], key_prefix, w, barrier, results))
        for w in range(WORKERS)
    ]
    for p in procs:
        p.start()
    verdicts: dict[int, list[str]] = {}
    for _ in range(GROUPS * WORKERS):
        group, _worker_id, verdict = results.get(timeout=120)
        verdicts.setdefault(group, []).append(verdict)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert len(verdicts) == GROUPS
    for group, got in verdicts.items():
        assert sorted(got) == ["duplicate"] * (WORKERS - 1) + ["new"], f"group {group}: {got}"


def test_entries_older_than_the_window_no_longer_match(redis_client, key_prefix) -> None:
    deduper = Deduper(redis_client, DedupConfig(key_prefix=key_prefix, window_days=2 / 86400))
    assert deduper.check("a" * 16, STORY, "wire", ("http://wire/a",)).verdict == "new"
    assert deduper.check("b" * 16, STORY, "paper", ("http://paper/b",)).is_duplicate  # within the window
    time.sleep(3.2)
    assert deduper.check("c" * 16, STORY, "other", ("http://other/c",)).verdict == "new"
    assert deduper.check("a" * 16, STORY, "wire", ("http://wire/a",)).verdict != "self"


def test_offline_dedup_command_streams_records(tmp_path: Path, redis_settings, key_prefix) -> None:
    records = [
        {"id": "r1", "text": STORY, "site": "wire"},
        {"id": "r2", "text": "WELLPORT (Northern Wire) - " + STORY + "\n\nShare this article", "site": "paper"},
        {"id": "r3", "text": OTHER, "site": "paper"},
        {"id": "r4", "text": "\n\n".join(PARAGRAPHS[:3]), "site": "daily", "url": "https://daily.example/a?utm_source=x"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\nnot json\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = scrapy(["dedup", str(src), "-o", str(out), "--skip-bad"], tmp_path,
                  {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix})
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert rows["r1"]["duplicate_of"] is None and rows["r3"]["duplicate_of"] is None
    assert rows["r2"]["duplicate_of"] == "r1" and rows["r4"]["duplicate_of"] == "r1"
    assert rows["r4"]["method"] == "containment" and rows["r4"]["scores"]["contained"] >= 0.65
    assert "line 5: skipped (invalid JSON: Expecting value at column 1)" in proc.stderr
    assert "4 records, 2 duplicates, 1 bad lines (invalid_json=1)" in proc.stderr and "records/s" in proc.stderr
