"""A grouped index (band hashes in shard groups, ``pipelines/dedup/groups.py``) on one real Redis.

The phases of racing checks are interleaved by hand, in the orders a cluster can produce: a
check whose band phase ran before its rival's finds nothing and learns of the rival only from
the note the rival leaves when it decides first. Without that note both would be kept.
(The same protocol on a real 3-master cluster: ``tests/test_redis_cluster.py``; every arrival
order of the demo stories in a grouped index: ``tests/test_demo_orders.py``.) A band group that
lost writes (its master failed over) makes the next run rebuild the index from the database.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from scrapy.settings import Settings
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.index_sync import sync_index
from crawler.items import Article
from pipelines.dedup import DedupPipeline
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.scratch import drop_index
from pipelines.drops import DuplicateDrop
from pipelines.storage import StoragePipeline
from tests.conftest import project_settings, settled

WORDS = [f"w{i}" for i in range(500)]


def story(seed: int, tail: str = "") -> str:
    picked = random.Random(seed).sample(WORDS, 240)
    return "\n".join(" ".join(picked[i:i + 8]) for i in range(0, 240, 8)) + (f"\n{tail}" if tail else "")


@pytest.fixture
def deduper(redis_client: redis.Redis) -> Iterator[Deduper]:
    prefix = f"t-bg-{uuid.uuid4().hex[:8]}"
    yield Deduper(redis_client, DedupConfig(key_prefix=prefix, index_capacity=1000, band_groups=4))
    drop_index(redis_client, prefix)


def args_of(deduper: Deduper, doc_id: str, text: str, site: str) -> list[object]:
    entry = deduper.fingerprint_entry(text, site, (f"https://{site}/{doc_id}",), doc_id)
    return deduper.index.script_args(doc_id, site, [], entry.fingerprint, deduper._rules,
                                     deduper.config.max_candidates, url_keys=entry.url_keys, keep=deduper._keep)


def first(deduper: Deduper, args: list[object]) -> tuple[int, int, int]:
    raw = deduper.index._call([*args, "first", "", b""])
    assert raw[0] == b"bands", raw
    return int(raw[1]), int(raw[2]), int(raw[3])


def decide(deduper: Deduper, args: list[object], num: int, found: bytes) -> list:
    return deduper.index._call([*args, "decide", num, found])


def test_bands_lie_in_their_groups_and_records_in_the_index(deduper: Deduper, redis_client: redis.Redis) -> None:
    for n in range(3):
        deduper.check(f"{n:016x}", story(n), f"site{n}.example")
    prefix = deduper.config.key_prefix
    kinds = {key.decode()[len(prefix) + 1:].rsplit(":", 1)[0] for key in redis_client.scan_iter(f"{prefix}:*")}
    assert {"d", "k", "g0:b", "g1:b", "g2:b", "g3:b"} <= kinds
    assert "b" not in kinds  # no band hash outside the groups
    assert "groups=4" in redis_client.hget(f"{prefix}:meta", "params").decode()


def test_a_copy_found_by_url_or_text_is_decided_in_one_call(deduper: Deduper) -> None:
    calls: list[object] = []
    call = deduper.index._call
    deduper.index._call = lambda args, client=None: (calls.append(args[22:23]), call(args, client))[1]  # type: ignore[method-assign]
    assert deduper.check("a" * 16, story(1), "one.example").verdict == "new"
    assert calls == [["first"], ["decide"]]
    calls.clear()
    assert deduper.check("b" * 16, story(1), "two.example").method == "exact"
    assert calls == [["first"]]


@pytest.mark.parametrize("bands_first", ["a", "b"])
@pytest.mark.parametrize("decides_first", ["a", "b"])
def test_two_racing_near_duplicates_keep_exactly_one(deduper: Deduper, bands_first: str, decides_first: str) -> None:
    """A and B near-duplicates, both past phase first; one's band phase runs before the other's
    (the second finds the first), then one decides before the other. When the one that found the
    other decides first, its rival is still a placeholder: it leaves a note, and the rival
    decides by that note alone (its own band phase found nothing)."""
    groups = deduper.index.band_groups
    assert groups is not None
    checks = {"a": args_of(deduper, "a" * 16, story(5), "a.example"),
              "b": args_of(deduper, "b" * 16, story(5, "A line of its own."), "b.example")}
    nums = {}
    for name, args in checks.items():
        nums[name], oldest, gen = first(deduper, args)
    later_bands = "b" if bands_first == "a" else "a"
    found = {name: groups.run(nums[name], oldest, gen, checks[name][16]) for name in (bands_first, later_bands)}
    assert found[bands_first] == b"" and found[later_bands]  # only the second band phase found the other
    decides_later = "b" if decides_first == "a" else "a"
    assert decide(deduper, checks[decides_first], nums[decides_first], found[decides_first])[0] == b"new"
    note = f"{deduper.index.prefix}:late:{nums[decides_later]}"
    assert bool(deduper.index.client.exists(note)) == (decides_first == later_bands)
    reply = decide(deduper, checks[decides_later], nums[decides_later], found[decides_later])
    assert (reply[0], reply[1]) == (b"duplicate", (decides_first * 16).encode())
    assert not deduper.index.client.exists(note)  # read once, then gone


def test_a_check_whose_placeholder_expired_starts_again(deduper: Deduper) -> None:
    groups = deduper.index.band_groups
    assert groups is not None
    a = args_of(deduper, "e" * 16, story(7), "a.example")
    num, oldest, gen = first(deduper, a)
    found = groups.run(num, oldest, gen, a[16])
    deduper.index.client.delete(f"{deduper.index.prefix}:d:{num}")  # as if it had lived its 600 s
    assert decide(deduper, a, num, found) == [b"retry"]
    assert deduper.check("e" * 16, story(7), "a.example").verdict == "new"  # the whole check: a new number


def test_a_band_group_that_lost_writes_makes_the_next_run_rebuild(
    redis_settings: dict[str, str], key_prefix: str, tmp_path: Path, redis_client: redis.Redis
) -> None:
    """A band group's master that failed over before its last appends reached the replica is
    behind the database: the next run's sync rebuilds the index, and the copy is found again."""
    settings = project_settings(**redis_settings, DEDUP_KEY_PREFIX=key_prefix, DEDUP_INDEX_CAPACITY=1000,
                                DEDUP_BAND_GROUPS=4, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                STORAGE_BATCH_SECONDS=0)

    def stages() -> tuple[DedupPipeline, StoragePipeline]:
        crawler = get_crawler(settings_dict=settings)
        crawler.stats.open_spider()
        return build_from_crawler(DedupPipeline, crawler), build_from_crawler(StoragePipeline, crawler)

    def article(n: int, text: str) -> Article:
        url = f"http://site{n}.example/a/{n}"
        return Article(id=f"{n:016x}", url=url, final_url=url, canonical_url="", site=f"site{n}",
                       fetched_at="2026-11-26T10:00:00+00:00", title=f"Story {n}", text=text)

    sync_index(Settings(settings))
    dedup, store = stages()
    for n in range(3):
        assert settled(store.process_item(dedup.process_item(article(n, story(20 + n))))) is not None
    dedup.close_spider()
    store.close_spider()
    assert sync_index(Settings(settings)).action == "ok"
    # group 2's keys as a replica promoted before the crawl's appends reached it holds them: none
    lost = list(redis_client.scan_iter(f"{key_prefix}:g2:*"))
    assert lost
    redis_client.delete(*lost)
    result = sync_index(Settings(settings))
    assert result.action == "rebuilt" and "band group" in result.reason, result
    assert sync_index(Settings(settings)).action == "ok"
    dedup, store = stages()
    with pytest.raises(DuplicateDrop):
        dedup.process_item(article(9, story(21, "A reprint's own closing line.")))
