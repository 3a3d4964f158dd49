"""Race of the best-copy rule (``DEDUP_KEEP = "best"``) on a real Redis and a real database.

Three OS processes (multiprocessing, spawn) feed every member of the same 100 stories
(``tests.best_copy_stories``) through the project's own dedup and storage stages
(``DedupPipeline``, ``StoragePipeline`` built by Scrapy from one crawler each), into one Redis
key prefix and one database, on PostgreSQL and on SQLite. They go through the stories in rounds
of ten, starting each round together (a barrier), each in its own order within the round
(forward, reversed, a seeded shuffle), so all three decide on the same stories at the same time.
Each process runs Scrapy's asyncio reactor loop, so storage group-commits as in a crawl (small
batches: a replaced article is often in another process's open batch). Every member is fed by
all three (the same article id): repeats are "self"/"seen" in the index and idempotent in
storage.

Afterwards every story has exactly one row in ``articles``, its best member; every other member
is one row in ``duplicates`` pointing at it, with the scores of the pair and its own decision
(a replaced one: ``superseded_by``); no id is in both tables and no move is left waiting. The
workers must have interleaved: in index order the deciding worker changes far more often than
workers taking turns would make it (150-250 times among 400 records, measured).
``BEST_COPY_RACE_SEED`` replays a run (the corpus and the shuffles come from it; the
interleaving is the machine's).

The path is the storage stage itself rather than ``Store.write_batch`` with hand-made writes:
the race is between what the dedup stage puts in ``item.dedup``, what the storage stage makes of
drops (``item_dropped``: merges, then the copy) and its group commit, all of which the real
stages exercise.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import random
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import create_engine, select

from pipelines.dedup.entry import scores_between
from pipelines.storage.models import articles, duplicates, pending_merges
from pipelines.storage.store import prepare
from tests.best_copy_stories import build_stories
from tests.conftest import project_settings, redis_url

STORIES = 100
ORDERS = ("forward", "reversed", "shuffled")
ROUND = 10  # stories the workers feed at the same time: they start each round together
TIMEOUT = 120  # seconds a worker may take before the test gives up


def feeding_order(seed: int, order: str) -> list[list[tuple[int, int]]]:
    """One worker's rounds: (story, member) pairs of every member of ``ROUND`` stories at a time,
    stories in order, in the worker's own order within the round."""
    stories = build_stories(seed, STORIES)
    rounds = []
    for first in range(0, STORIES, ROUND):
        pairs = [(s.number, m) for s in stories[first:first + ROUND] for m in range(len(s.members))]
        if order == "reversed":
            pairs.reverse()
        elif order == "shuffled":
            random.Random(f"{seed}:{first}").shuffle(pairs)
        rounds.append(pairs)
    return rounds


def feed(worker: int, seed: int, settings: dict[str, Any], barrier: Any, results: Any) -> None:
    """One worker process: the dedup and storage stages of one crawler, fed every member in
    ``ORDERS[worker]``; puts a summary (or the traceback) on ``results``."""
    try:
        from scrapy.utils.reactor import install_reactor

        install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
        import asyncio

        summary = asyncio.get_event_loop().run_until_complete(_feed(worker, seed, settings, barrier))
        results.put((worker, summary))
    except BaseException:  # noqa: BLE001 (reported to the test, which fails with it)
        results.put((worker, {"error": traceback.format_exc()}))


async def _feed(worker: int, seed: int, settings: dict[str, Any], barrier: Any) -> dict[str, Any]:
    import asyncio

    from scrapy.utils.misc import build_from_crawler
    from scrapy.utils.test import get_crawler

    from pipelines.dedup import DedupPipeline
    from pipelines.drops import AlreadyStored, DuplicateDrop
    from pipelines.storage import StoragePipeline

    stories = build_stories(seed, STORIES)
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    dedup = build_from_crawler(DedupPipeline, crawler)
    storage = build_from_crawler(StoragePipeline, crawler)
    storage.open_spider()
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    inserted: list[int] = []  # numbers of the index records this worker's decisions inserted

    async def store(item: Any) -> None:
        try:
            await storage.process_item(item)
            outcomes["stored"] += 1
        except AlreadyStored:
            outcomes["already_stored"] += 1
        except Exception:  # noqa: BLE001 (the test fails with the first one)
            outcomes["failed"] += 1
            failures.append(traceback.format_exc())

    pending: set[asyncio.Task] = set()
    started = 0.0
    for pairs in feeding_order(seed, ORDERS[worker]):
        barrier.wait(timeout=60)  # (an open batch stays open meanwhile, as in a busy crawler)
        started = started or time.time()
        for story, member in pairs:
            article = stories[story].members[member]
            item = type(article)(**{**article.__dict__, "dedup": {}})  # a fresh item, as a new fetch gives
            try:
                kept = dedup.process_item(item)
            except DuplicateDrop as drop:  # what Scrapy does with a dropped item: the item_dropped signal
                outcomes["dropped"] += 1
                if drop.decision.verdict == "duplicate":
                    inserted.append(drop.decision.seq)
                storage.item_dropped(item, None, drop)
            else:
                outcomes["replaces" if kept.dedup.get("replaces") else kept.dedup["verdict"]] += 1
                if kept.dedup["verdict"] != "self":
                    inserted.append(kept.dedup["seq"])
                task = asyncio.ensure_future(store(kept))
                pending.add(task)
                task.add_done_callback(pending.discard)
            await asyncio.sleep(0)  # let committed batches finish their items, as the reactor would
    storage.batcher.flush()
    if pending:
        await asyncio.gather(*pending)
    finished = time.time()
    storage.close_spider()
    dedup.close_spider()
    if failures:
        raise RuntimeError(f"{len(failures)} items failed in storage, the first:\n{failures[0]}")
    return {"outcomes": dict(outcomes), "started": started, "finished": finished, "inserted": inserted,
            **storage.batcher.counts}


def run_race(db_url: str, redis_client: redis.Redis, prefix: str, seed: int) -> list[dict[str, Any]]:
    """Three workers against ``db_url`` and the Redis of ``redis_client`` under ``prefix``."""
    prepare(db_url)  # the schema, made once before the workers open it
    settings = project_settings(
        REDIS_URL=redis_url(redis_client), DEDUP_KEY_PREFIX=prefix, DATABASE_URL=db_url, DEDUP_KEEP="best",
        DEDUP_INDEX_CAPACITY=10_000, STORAGE_BATCH_SIZE=6, STORAGE_BATCH_SECONDS=0.02, LOG_LEVEL="WARNING",
    )
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(ORDERS)), ctx.Queue()
    procs = [ctx.Process(target=feed, args=(w, seed, settings, barrier, results), daemon=True)
             for w in range(len(ORDERS))]
    for proc in procs:
        proc.start()
    summaries: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + TIMEOUT
    try:
        while len(summaries) < len(procs):
            try:
                worker, summary = results.get(timeout=1)
                summaries[worker] = summary
            except queue.Empty:
                dead = [w for w, p in enumerate(procs) if p.exitcode is not None and w not in summaries]
                assert not dead and time.monotonic() < deadline, (
                    f"seed {seed}: workers {dead} exited without a summary, or the race took over {TIMEOUT} s "
                    f"(exit codes {[p.exitcode for p in procs]})")
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
    errors = [f"worker {w} ({ORDERS[w]}):\n{s['error']}" for w, s in sorted(summaries.items()) if "error" in s]
    assert not errors, f"seed {seed}: " + "\n".join(errors)
    return [summaries[w] for w in range(len(ORDERS))]


def check_tables(db_url: str, seed: int, summaries: list[dict[str, Any]]) -> None:
    """One kept row per story (its best member), every other member one duplicate of it with the
    pair's scores, no id in both tables, no waiting merge."""
    stories = build_stories(seed, STORIES)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        kept = {r.id: r for r in conn.execute(select(articles.c.id, articles.c.index_entry))}
        dups = list(conn.execute(select(duplicates)).mappings())
        waiting = [dict(r) for r in conn.execute(select(pending_merges)).mappings()]
    engine.dispose()
    where = f"seed {seed} (BEST_COPY_RACE_SEED={seed} replays it), workers: {_brief(summaries)}"
    story_of = {m.id: s for s in stories for m in s.members}
    name = {m.id: f"story {s.number} ({s.shape}) {m.url.split(f'/{s.number}/', 1)[1]}" for s in stories
            for m in s.members}
    problems = []
    for story in stories:
        stored = [m.id for m in story.members if m.id in kept]
        if stored != [story.best]:
            problems.append(f"story {story.number} ({story.shape}): stored {[name[i] for i in stored]}, "
                            f"best is {name[story.best]}")
    unknown = set(kept) - set(story_of)
    if unknown:
        problems.append(f"articles not of any story: {sorted(unknown)}")
    by_id = Counter(row["article_id"] for row in dups)
    for row in dups:
        member, story = row["article_id"], story_of.get(row["article_id"])
        if story is None:
            problems.append(f"duplicate not of any story: {member}")
            continue
        if member in kept:
            problems.append(f"{name[member]} is in articles and in duplicates")
        if row["duplicate_of"] != story.best:
            problems.append(f"{name[member]} is a duplicate of {name.get(row['duplicate_of'], row['duplicate_of'])}"
                            f" ({row['method']}, {row['relation']}), not of the best member")
        # no two members of a story are ever kept at once, so nothing is a late merge: a replacement
        # recorded as one lost its reason
        # (and a member's row records its own decision, not a re-crawl's "seen")
        if (row["relation"] == "late_merge" or row["method"] == "seen"
                or row["relation"].startswith("superseded_") != bool(row["superseded_by"])):
            problems.append(f"{name[member]}: method {row['method']!r}, relation {row['relation']!r}, "
                            f"superseded_by {row['superseded_by']}")
        best_entry = kept[story.best].index_entry if story.best in kept else None
        if row["index_entry"] and best_entry:
            want = scores_between(row["index_entry"], best_entry)
            got = {k: row[k] for k in ("jaccard", "contained", "contains")}
            if want is None or any(abs(got[k] - want[k]) > 1e-4 for k in want):
                problems.append(f"{name[member]} ({row['method']}, {row['relation']}): scores {got}, "
                                f"against the kept article {want}")
    for story in stories:
        for m in story.members:
            if m.id != story.best and by_id[m.id] != 1:
                problems.append(f"{name[m.id]}: {by_id[m.id]} duplicates rows")
    if waiting:
        problems.append(f"late merges left waiting: {waiting}")
    assert not problems, f"{len(problems)} problems, {where}:\n" + "\n".join(problems[:40])


def _brief(summaries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in s.items() if k != "inserted"} for s in summaries]


def _race_seed() -> int:
    value = os.environ.get("BEST_COPY_RACE_SEED")
    return int(value) if value else random.SystemRandom().randrange(1, 10**9)


def _run(db_url: str, redis_client: redis.Redis, key_prefix: str) -> None:
    seed = _race_seed()
    print(f"best-copy race seed {seed} (BEST_COPY_RACE_SEED={seed} replays it)")
    summaries = run_race(db_url, redis_client, key_prefix, seed)
    assert all(s["failed_writes"] == 0 for s in summaries), f"seed {seed}: {_brief(summaries)}"
    check_tables(db_url, seed, summaries)
    # the three decided at once: in index order, the worker that inserted a record changes far more
    # often than the at most 3 times a round of workers taking turns would give
    order = [w for _, w in sorted((n, w) for w, s in enumerate(summaries) for n in s["inserted"])]
    switches = sum(a != b for a, b in zip(order, order[1:], strict=False))
    print(f"{len(order)} index records, the deciding worker changed {switches} times")
    assert switches > 6 * (STORIES // ROUND), f"seed {seed}: {switches} switches"


def test_three_workers_keep_the_best_copy_on_postgresql(pg_url: str, redis_client: redis.Redis,
                                                        key_prefix: str) -> None:
    _run(pg_url, redis_client, key_prefix)


def test_three_workers_keep_the_best_copy_on_sqlite(tmp_path: Path, redis_client: redis.Redis,
                                                    key_prefix: str) -> None:
    _run(f"sqlite:///{tmp_path / 'race.sqlite3'}", redis_client, key_prefix)
