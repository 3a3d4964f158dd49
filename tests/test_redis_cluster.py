"""Cluster mode of the dedup index on a real Redis Cluster (3 masters; 3 replicas for failover).

The index's records and decisions live under one hash tag, its band hashes in 16 band groups
spread over the masters (``pipelines/dedup/groups.py``). Tested here: the settings select
``RedisCluster``; the band groups lie on several masters, the rest in one slot, and a copy found
by its text is one call; every arrival order of the demo stories keeps the original;
4 processes racing over 200 near-duplicate groups keep exactly one article per group; a master
killed mid-crawl (its replica promoted), then a rerun: the demo ground truth is exact;
``scrapy dedup --dry-run`` checks against a copy of the index and leaves it unchanged.
"""

from __future__ import annotations

import itertools
import multiprocessing
import random
import subprocess
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from scrapy.settings import Settings
from sqlalchemy import create_engine, text

from crawler.connection import cluster_nodes, get_redis, is_cluster
from crawler.urls import article_id
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.rank import article_rank
from pipelines.dedup.scratch import drop_index
from tests.crawl import scrapy, scrapy_cmd, scrapy_env
from tests.groundtruth import ground_truth_problems
from tests.redis_cluster import LocalCluster
from tests.test_dedup_measure import HARBOUR, HARBOUR_URL, SCHOOL, dedup, record, seeded, settings_for
from tests.test_demo_orders import extracted  # noqa: F401 (the fixture: demo pages, extracted once)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    with LocalCluster(tmp_path_factory.mktemp("cluster"), masters=3) as local:
        yield local


def test_settings_select_a_cluster_client(cluster) -> None:
    assert cluster_nodes(Settings({"REDIS_CLUSTER_NODES": "h1:7000, h2:7001"})) == [("h1", 7000), ("h2", 7001)]
    assert cluster_nodes(Settings({"REDIS_URL": "redis+cluster://:pw@h1:7000/0"})) == [("h1", 7000)]
    assert cluster_nodes(Settings({"REDIS_URL": "redis://h1:6379/0"})) == []
    with pytest.raises(ValueError, match="host:port"):
        cluster_nodes(Settings({"REDIS_CLUSTER_NODES": "h1"}))
    for settings in ({"REDIS_CLUSTER_NODES": cluster.nodes}, {"REDIS_URL": cluster.url}):
        client = get_redis(Settings({**settings, "REDIS_SOCKET_TIMEOUT": 5.0}))
        assert is_cluster(client)
        assert client.ping()


def test_bands_spread_over_the_masters_and_the_decision_lives_in_one_slot(cluster) -> None:
    client = cluster.client()
    prefix = f"t-{uuid.uuid4().hex[:8]}"
    deduper = Deduper(client, DedupConfig(key_prefix=prefix, index_capacity=1000, common_line_pages=2))
    master = cluster.node(cluster.master_of(f"{{{prefix}}}"))
    words = [f"w{i}" for i in range(400)]
    verdicts = [deduper.check("f" * 16, "a first page loads the script " * 20, "x.example").verdict]
    for n in range(6):
        picked = random.Random(n // 2).sample(words, 200)
        body = "\n".join(" ".join(picked[i:i + 8]) for i in range(0, 200, 8)) + ("\nA tail line." if n % 2 else "")
        verdicts.append(deduper.check(f"{n:016x}", body, f"site{n}.example", (f"http://site{n}.example/a",)).verdict)
    before = master.info("commandstats")["cmdstat_evalsha"]["calls"]
    exact = deduper.check("e" * 16, body, "copy.example", ("http://copy.example/a",))  # the last text again
    after = master.info("commandstats")["cmdstat_evalsha"]["calls"]
    deduper.close()
    assert verdicts == ["new"] + ["new", "duplicate"] * 3
    assert exact.method == "exact" and after - before == 1  # decided by its text: one call, on the index's master
    keys = list(client.scan_iter(f"{{{prefix}}}:*"))
    kinds = {k.decode().split(":")[1] for k in keys}
    assert {"meta", "seq", "d", "k", "site", "cl"} <= kinds and "b" not in kinds
    assert len({client.keyslot(k) for k in keys}) == 1
    bands = list(client.scan_iter(f"{{{prefix}:g*}}:b:*"))  # 16 band groups, each its own hash tag
    assert len({cluster.master_of(k.decode()) for k in bands}) >= 2
    drop_index(client, prefix)
    assert not list(client.scan_iter(f"*{prefix}*"))


def test_dry_run_checks_against_a_copy_and_leaves_the_index_unchanged(cluster, tmp_path: Path) -> None:
    prefix = f"t-dry-{uuid.uuid4().hex[:8]}"
    client = cluster.client()
    settings = settings_for(tmp_path, {"REDIS_URL": cluster.url}, prefix)
    seeded(tmp_path, settings)  # the crawler's index ({prefix}:…) holds HARBOUR

    def snapshot() -> dict[bytes, bytes]:
        keys = [*client.scan_iter(f"{{{prefix}}}:*", count=1000), *client.scan_iter(f"{{{prefix}:g*", count=1000)]
        return {key: client.dump(key) for key in keys}

    before = snapshot()
    assert before and any(b":g" in key for key in before)  # the band groups' hashes are part of it
    rows = [record("h2", HARBOUR + " Ferries resume on Monday.", "https://other.example/ferries"),
            record("s1", SCHOOL, "https://valley.example/libraries"),
            record("s2", SCHOOL, "https://copy.example/libraries")]
    proc, dry = dedup(tmp_path, settings, rows, "--dry-run", name="dry")
    assert proc.returncode == 0 and "is empty" not in proc.stderr, proc.stderr[-2000:]
    assert [(d["id"], d["duplicate_of"]) for d in dry] == [("h2", article_id(HARBOUR_URL)), ("s1", None),
                                                           ("s2", "s1")]
    assert snapshot() == before
    assert list(client.scan_iter(f"{{{prefix}-scratch-*", count=1000)) == []
    drop_index(client, prefix)


def test_demo_stories_keep_the_original_in_every_order(cluster, extracted) -> None:  # noqa: F811
    truth, articles = extracted
    client = cluster.client()
    groups = defaultdict(list)
    for page in truth:
        if page["role"] in ("original", "reprint") and page["url"] in articles:
            groups[page["story"]].append(page)
    failures, orders = [], 0
    for story, pages in groups.items():
        for order in itertools.permutations(pages):
            orders += 1
            prefix = f"t-ord-{uuid.uuid4().hex[:8]}"
            deduper = Deduper(client, DedupConfig(key_prefix=prefix, index_capacity=1000))
            verdicts, ids = [], []
            for page in order:
                a = articles[page["url"]]
                at_canonical = a.canonical_url if a.canonical_url in (a.url, a.final_url) else ""
                d = deduper.check(a.id, a.text, a.site, (a.url, a.final_url, a.canonical_url),
                                  rank=article_rank(a.published, a.site, a.sitename, a.credits), canonical=at_canonical)
                verdicts.append(d.verdict)
                for merged in (*d.merged, *([d.replaces] if d.replaces else [])):
                    verdicts[ids.index(merged)] = "duplicate"
                ids.append(a.id)
            drop_index(client, prefix)
            kept = [p["role"] for p, v in zip(order, verdicts, strict=True) if v != "duplicate"]
            if kept != ["original"]:
                failures.append((story, [p["site"] for p in order], verdicts))
    assert orders >= 20
    assert not failures, f"{len(failures)} of {orders} orders failed: {failures}"


# --- the race: 4 processes, 200 groups of 4 near-duplicates, each group checked at the same moment --------

GROUPS, RACERS = 200, 4


def group_texts(seed: int) -> list[list[str]]:
    """``GROUPS`` stories of 250 words; variant ``r`` of each changes 6 words (Jaccard about 0.9)."""
    rng = random.Random(seed)
    vocabulary = [f"{a}{b}" for a in ("lo", "ra", "mi", "su", "te", "va", "no", "ki") for b in range(400)]
    stories = []
    for _ in range(GROUPS):
        words = rng.sample(vocabulary, 250)
        variants = []
        for r in range(RACERS):
            copy = list(words)
            for i in random.Random(seed * 1000 + r).sample(range(250), 6):
                copy[i] = f"edit{r}x{i}"
            variants.append(" ".join(copy))
        stories.append(variants)
    return stories


def racer(port: int, prefix: str, racer_no: int, seed: int, start: float, out) -> None:
    from redis.cluster import RedisCluster

    client = RedisCluster(host="127.0.0.1", port=port, socket_timeout=10)
    deduper = Deduper(client, DedupConfig(key_prefix=prefix, index_capacity=5000))
    stories = group_texts(seed)
    while time.time() < start:
        time.sleep(0.001)
    results = []
    for g, variants in enumerate(stories):
        doc_id = f"{g:08x}{racer_no:08x}"
        d = deduper.check(doc_id, variants[racer_no], f"racer{racer_no}.example", (f"http://racer{racer_no}.example/{g}",))
        results.append((doc_id, d.verdict, d.duplicate_of, d.merged, d.replaces))
    out.put(results)


def test_racing_processes_keep_exactly_one_per_group(cluster) -> None:
    prefix, seed = f"t-race-{uuid.uuid4().hex[:8]}", 23
    Deduper(cluster.client(), DedupConfig(key_prefix=prefix, index_capacity=5000))  # creates the index
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start = time.time() + 8  # every racer imported and connected by then
    procs = [ctx.Process(target=racer, args=(cluster.ports[0], prefix, r, seed, start, out)) for r in range(RACERS)]
    for p in procs:
        p.start()
    results = [row for _ in procs for row in out.get(timeout=300)]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    drop_index(cluster.client(), prefix)
    # follow every link: copy -> kept, merged -> survivor, replaced -> replacement
    points_to: dict[str, str] = {}
    for doc_id, _verdict, duplicate_of, merged, replaces in results:
        if duplicate_of:
            points_to[doc_id] = duplicate_of
        for m in (*merged, *([replaces] if replaces else [])):
            points_to[m] = duplicate_of or doc_id

    def root(doc_id: str) -> str:
        for _ in range(20):
            if doc_id not in points_to:
                return doc_id
            doc_id = points_to[doc_id]
        raise AssertionError(f"a cycle of links through {doc_id}")

    kept_by_group: dict[str, set[str]] = defaultdict(set)
    for doc_id, *_ in results:
        kept_by_group[doc_id[:8]].add(root(doc_id))
    assert len(results) == GROUPS * RACERS
    wrong = {g: sorted(k) for g, k in kept_by_group.items() if len(k) != 1 or next(iter(k))[:8] != g}
    assert not wrong, f"{len(wrong)} groups not kept exactly once: {list(wrong.items())[:5]}"
    kept_verdicts = [v for doc_id, v, *_ in results if root(doc_id) == doc_id]
    assert len(kept_verdicts) == GROUPS and set(kept_verdicts) == {"new"}


# --- failover: the index's master killed mid-crawl, its replica promoted, a rerun ------------------------


def table(db_url: str, name: str) -> list[dict]:
    with create_engine(db_url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"select * from {name}"))]  # noqa: S608 (fixed names)


def test_master_killed_mid_crawl_then_rerun_keeps_ground_truth(tmp_path: Path) -> None:
    from demo.network import DemoNetwork

    prefix = f"t-fo-{uuid.uuid4().hex[:8]}"
    with LocalCluster(tmp_path / "cluster", masters=3, replicas=1) as local, DemoNetwork() as net:
        settings = {"DEMO_SITE_URLS": net.urls(), "DATABASE_URL": f"sqlite:///{tmp_path}/demo.sqlite3",
                    "REDIS_CLUSTER_NODES": local.nodes, "REDIS_KEY_PREFIX": prefix, "REDIS_SOCKET_TIMEOUT": 2.0}
        index_master = local.master_of(f"{{{prefix}}}")
        crawl = subprocess.Popen(scrapy_cmd(["demo"], settings), cwd=Path(__file__).resolve().parent.parent,
                                 env=scrapy_env(tmp_path / "data"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True)
        client = local.client()
        deadline = time.monotonic() + 120
        while int(client.get(f"{{{prefix}}}:seq") or 0) < 15 and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert crawl.poll() is None, "the crawl ended before the index held 15 articles"
        local.kill(index_master)
        assert local.wait_failover(index_master, f"{{{prefix}}}") != index_master
        first_log, _ = crawl.communicate(timeout=240)
        assert "Traceback" not in first_log, first_log[-3000:]
        # checks during the failover stopped the crawl (DEDUP_ON_REDIS_DOWN = stop: pages missing,
        # exit 1 or 2), or the cluster client rode through it (redis-py retries on the promoted
        # replica): either way nothing it stored is wrong
        assert crawl.returncode in (0, 1, 2), first_log[-3000:]
        assert crawl.returncode == 0 or "RedisUnavailable" in first_log, first_log[-3000:]
        first = ground_truth_problems(net.ground_truth(), table(settings["DATABASE_URL"], "articles"),
                                      table(settings["DATABASE_URL"], "duplicates"))
        wrong = [p for p in first if "twice" in p or "both tables" in p or "unchecked" in p
                 or ("stored [" in p and "stored []" not in p)]
        assert not wrong, wrong
        rerun = scrapy(["demo"], tmp_path, settings)
        log = rerun.stdout + rerun.stderr
        assert rerun.returncode == 0, log[-3000:]
        problems = ground_truth_problems(net.ground_truth(), table(settings["DATABASE_URL"], "articles"),
                                         table(settings["DATABASE_URL"], "duplicates"))
        assert not problems, (problems, first_log[-2000:])
