"""The bulk loader of a rebuild writes exactly what replaying each row through the Lua check
script writes (real Redis): same records, hash fields, entry lists, generations, expiries."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from pipelines.dedup import bulkload
from pipelines.dedup.bulkload import BulkLoader, LoadRow
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.index import RedisIndex
from pipelines.dedup.rank import rank_bytes
from pipelines.dedup.scratch import drop_index

WORDS = [f"w{i}" for i in range(3000)]


def _rows(config: DedupConfig, client: redis.Redis) -> list[LoadRow]:
    """Kept articles, near and exact copies (with and without bands), nine copies under one URL
    and one text (more numbers than a field keeps), an id repeated, a row older than the window."""
    rng = random.Random(7)
    deduper = Deduper(client, config)
    now = time.time()
    rows: list[LoadRow] = []
    texts: list[str] = []
    for i in range(60):
        if i % 4 == 3:  # a trimmed copy of an earlier text
            text = "\n\n".join(texts[i - 2].split("\n\n")[:6])
        else:
            text = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(30)) for _ in range(8))
        texts.append(text)
        doc = f"{i:016x}"
        kept = i % 4 != 3
        entry = deduper.fingerprint_entry(text, f"site{i % 3}", (f"http://s{i % 3}.example/{i}",))
        rank = rank_bytes(f"2026-11-{1 + i % 28:02d}", [f"site {i % 3}"], ["wire"] if i % 5 == 0 else [])
        rows.append(LoadRow(doc, f"site{i % 3}", kept, doc if kept else f"{i - 2:016x}", True, now - 3600 + i,
                            entry.fingerprint, entry.url_keys, rank if i % 2 else b""))
    same = deduper.fingerprint_entry(texts[0], "site0", ("http://s0.example/same",))
    for k in range(9):  # one URL, one text: the fields keep the newest 6 numbers
        rows.append(LoadRow(f"{1000 + k:016x}", "site0", False, f"{0:016x}", k % 2 == 0, now - 1800 + k,
                            same.fingerprint, same.url_keys))
    rows.append(rows[5])  # indexed already: passed over
    old = rows[6]
    rows.append(LoadRow("00000000000fffff", old.site, True, "00000000000fffff", True, now - 40 * 86400,
                        old.fingerprint, ("00000000000000aa",)))  # outside the window: passed over
    deduper.close()
    return rows


def _dump(client: redis.Redis, prefix: str) -> dict[bytes, tuple[object, int]]:
    """Every index key under ``prefix`` (without it) with its value and its expiry time."""
    out: dict[bytes, tuple[object, int]] = {}
    for key in client.scan_iter(f"{prefix}:*", count=1000):
        name = key[len(prefix) + 1 :]
        if name.startswith(b"site:"):
            continue
        kind = client.type(key)
        value: object = client.hgetall(key) if kind == b"hash" else client.get(key)
        if name == b"meta":
            value = {k: v for k, v in value.items() if k not in (b"gen",)}  # the build's own name differs
        # the time read with the TTL (a dump of thousands of keys takes seconds on a busy machine)
        (seconds, _), ttl = client.pipeline(transaction=False).time().ttl(key).execute()
        out[name] = (value, seconds + ttl if ttl > 0 else ttl)
    return out


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys(), (sorted(a.keys() - b.keys())[:5], sorted(b.keys() - a.keys())[:5])
    for name in a:
        assert a[name][0] == b[name][0], name
        assert abs(a[name][1] - b[name][1]) <= 2, (name, a[name][1], b[name][1])  # expiry times, seconds apart


@pytest.fixture
def prefixes(redis_client: redis.Redis) -> Iterator[tuple[str, str]]:
    pair = (f"t-rp-{uuid.uuid4().hex[:8]}", f"t-bl-{uuid.uuid4().hex[:8]}")
    yield pair
    for prefix in pair:
        drop_index(redis_client, prefix)


def _build(client: redis.Redis, config: DedupConfig, prefix: str) -> RedisIndex:
    index = RedisIndex(client, prefix, config.index_params(), config.window_days * 86400, config.shards,
                       config.key_shards, groups=config.band_groups)
    index.reset(uuid.uuid4().hex, "db", 41)
    return index


@pytest.mark.parametrize("capacity", [20, 5000])  # many fields per hash; about one field per hash
@pytest.mark.parametrize("groups", [0, 4])  # the band hashes in the index's keys; in 4 band groups
def test_bulk_load_writes_what_the_replay_writes(redis_client: redis.Redis, prefixes: tuple[str, str],
                                                 capacity: int, groups: int) -> None:
    replayed, loaded = prefixes
    config = DedupConfig(key_prefix=replayed, index_capacity=capacity, band_groups=groups)
    rows = _rows(config, redis_client)
    index = _build(redis_client, config, replayed)
    n = index.replay([(r.doc_id, r.site, r.kept, r.kept_id, r.bands, r.ts) for r in rows],
                     [r.fingerprint for r in rows], [r.url_keys for r in rows], [r.rank for r in rows])
    loader = BulkLoader(redis_client, _build(redis_client, config, loaded))
    for start in range(0, len(rows), 25):
        loader.load(rows[start : start + 25])
    assert loader.finish() == n == len(rows) - 2
    _same(_dump(redis_client, replayed), _dump(redis_client, loaded))


def test_bulk_load_in_small_calls_and_early_writes(redis_client: redis.Redis, prefixes: tuple[str, str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashes written in several calls, several HSETs per hash, appends written before the end:
    still the replay's result."""
    monkeypatch.setattr(bulkload, "CALL_ROWS", 7)
    monkeypatch.setattr(bulkload, "CALL_FIELDS", 50)
    monkeypatch.setattr(bulkload, "MAX_FIELDS", 3)
    monkeypatch.setattr(bulkload, "SPILL_APPENDS", 400)
    replayed, loaded = prefixes
    config = DedupConfig(key_prefix=replayed, index_capacity=20)
    rows = _rows(config, redis_client)
    index = _build(redis_client, config, replayed)
    index.replay([(r.doc_id, r.site, r.kept, r.kept_id, r.bands, r.ts) for r in rows],
                 [r.fingerprint for r in rows], [r.url_keys for r in rows], [r.rank for r in rows])
    loader = BulkLoader(redis_client, _build(redis_client, config, loaded))
    for start in range(0, len(rows), 10):
        loader.load(rows[start : start + 10])
    loader.finish()
    assert loader._spilled  # the early writes happened
    _same(_dump(redis_client, replayed), _dump(redis_client, loaded))


@pytest.mark.parametrize("groups", [0, 4])
def test_a_bulk_loaded_index_decides_like_a_checked_one(redis_client: redis.Redis, prefixes: tuple[str, str],
                                                        groups: int) -> None:
    """A trimmed copy checked against the loaded build is a duplicate of its original."""
    _, loaded = prefixes
    config = DedupConfig(key_prefix=loaded, index_capacity=200, band_groups=groups)
    rows = _rows(config, redis_client)
    generation = uuid.uuid4().hex
    index = RedisIndex(redis_client, loaded, config.index_params(), config.window_days * 86400, config.shards,
                       config.key_shards, groups=groups)
    index.reset(generation, "db", 0)
    loader = BulkLoader(redis_client, index)
    loader.load(rows)
    loader.finish()
    deduper = Deduper(redis_client, config, generation)
    rng = random.Random(7)
    original = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(30)) for _ in range(8))  # rows[0]'s text
    decision = deduper.check("00000000000abcde", "\n\n".join(original.split("\n\n")[:6]), "elsewhere")
    assert decision.is_duplicate and decision.duplicate_of == rows[0].doc_id
    again = deduper.check(rows[1].doc_id, "anything", "site1")  # an id already indexed: a re-crawl
    assert again.verdict == "self"
