"""Measuring never touches production: ``scrapy dedup FILE --index NAME`` (a separate index, no
database) and ``--dry-run`` (the engine's own check-and-insert on a throwaway copy of the index,
deleted afterwards). The crawler's index is compared key by key (``DUMP``) before and after."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import redis

from crawler.urls import article_id
from pipelines.dedup.scratch import SCRATCH_TTL_SECONDS, copy_index, drop_index
from tests.crawl import scrapy

HARBOUR_URL = "https://paper.example/harbour"
HARBOUR = ("The harbour board approved a new ferry timetable on Tuesday after months of complaints from "
           "commuters about late crossings, said board chair Ines Varga, who promised a review in spring. ") * 4
SCHOOL = ("Valley schools will open their libraries on Saturdays from March, the district said, after a "
          "parents' petition gathered more than two thousand signatures in under a month this winter. ") * 4


def record(rid: str, text: str, url: str = "") -> dict[str, str]:
    return {"id": rid, "text": text, **({"url": url} if url else {})}


def dedup(tmp_path: Path, settings: dict, rows: list[dict], *extra: str, name: str = "in") -> tuple[Any, list]:
    """``scrapy dedup`` on ``rows``; (process, decisions)."""
    src, out = tmp_path / f"{name}.jsonl", tmp_path / f"{name}-out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    proc = scrapy(["dedup", str(src), "-o", str(out), "--no-progress", *extra], tmp_path, settings)
    decisions = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return proc, decisions


def snapshot(client: redis.Redis, prefix: str) -> dict[bytes, bytes]:
    """Every key under ``prefix:`` with its serialized value."""
    return {key: client.dump(key) for key in client.scan_iter(f"{prefix}:*", count=1000)}


def leftovers(client: redis.Redis, prefix: str) -> list[bytes]:
    """Keys of throwaway copies of the index at ``prefix`` still in Redis."""
    return list(client.scan_iter(f"{prefix}-scratch-*", count=1000))


def settings_for(tmp_path: Path, redis_settings: dict, key_prefix: str, db: str = "db.sqlite3") -> dict:
    return {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "DATABASE_URL": f"sqlite:///{tmp_path / db}"}


def seeded(tmp_path: Path, settings: dict) -> None:
    """The crawler's index holds HARBOUR (a normal run: synced with the database, then seeded)."""
    proc, decisions = dedup(tmp_path, settings, [record("h1", HARBOUR, HARBOUR_URL)],
                            name="seed")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert decisions[0]["duplicate_of"] is None


def test_dry_run_decides_like_a_run_and_changes_nothing(
    tmp_path: Path, redis_client: redis.Redis, redis_settings: dict, key_prefix: str
) -> None:
    settings = settings_for(tmp_path, redis_settings, key_prefix)
    seeded(tmp_path, settings)
    before = snapshot(redis_client, key_prefix)
    database = (tmp_path / "db.sqlite3").read_bytes()
    rows = [record("h2", HARBOUR + " Ferries resume on Monday.", "https://other.example/ferries"),
            record("s1", SCHOOL, "https://valley.example/libraries"),
            record("s2", SCHOOL, "https://copy.example/libraries")]
    proc, dry = dedup(tmp_path, settings, rows, "--dry-run", name="dry")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and f"dry run: index {key_prefix!r} unchanged" in proc.stderr
    # checked against the crawler's index (h2: a copy of the seeded article, named by its index id)
    # and against the file's earlier records (s2)
    assert [(d["id"], d["duplicate_of"]) for d in dry] == [("h2", article_id(HARBOUR_URL)), ("s1", None),
                                                           ("s2", "s1")]
    assert snapshot(redis_client, key_prefix) == before  # every key, every value
    assert (tmp_path / "db.sqlite3").read_bytes() == database
    assert leftovers(redis_client, key_prefix) == []
    # the same file for real: the same decisions, and now the index holds them
    proc, real = dedup(tmp_path, settings, rows, name="real")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [(d["id"], d["duplicate_of"], d["method"]) for d in real] == [
        (d["id"], d["duplicate_of"], d["method"]) for d in dry]
    assert snapshot(redis_client, key_prefix) != before


def test_index_name_is_a_separate_index_without_a_database(
    tmp_path: Path, redis_client: redis.Redis, redis_settings: dict, key_prefix: str
) -> None:
    settings = settings_for(tmp_path, redis_settings, key_prefix)
    seeded(tmp_path, settings)
    before = snapshot(redis_client, key_prefix)
    name = f"{key_prefix}-eval"
    measuring = {**settings, "DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}"}
    rows = [record("a", HARBOUR, HARBOUR_URL), record("b", HARBOUR + " Update.")]
    try:
        proc, decisions = dedup(tmp_path, measuring, rows, "--index", name)
        assert proc.returncode == 0, proc.stderr[-2000:]
        # the crawler's index holds HARBOUR as h1, but NAME does not: "a" is new there
        assert [(d["id"], d["duplicate_of"]) for d in decisions] == [("a", None), ("b", "a")]
        assert f"index {name!r}" in proc.stderr
        assert snapshot(redis_client, key_prefix) == before
        assert not (tmp_path / "never.sqlite3").exists()  # the database is neither read nor written
        assert redis_client.hget(f"{name}:meta", "gen") == b"-"  # a standalone index, kept for the next call
        proc, again = dedup(tmp_path, measuring, rows, "--index", name, name="again")
        assert [d["method"] for d in again] == ["self", "seen"]
        # NAME measured without changing it: the dry run leaves NAME as it was
        kept = snapshot(redis_client, name)
        proc, dry = dedup(tmp_path, measuring, [record("c", SCHOOL)], "--index", name, "--dry-run", name="dry")
        assert proc.returncode == 0 and dry[0]["duplicate_of"] is None, proc.stderr[-2000:]
        assert snapshot(redis_client, name) == kept and leftovers(redis_client, name) == []
    finally:
        drop_index(redis_client, name)


def test_dry_run_on_a_new_name_measures_a_file_against_itself(
    tmp_path: Path, redis_client: redis.Redis, redis_settings: dict, key_prefix: str
) -> None:
    name = f"{key_prefix}-fresh"
    rows = [record("a", SCHOOL), record("b", SCHOOL), record("c", HARBOUR)]
    proc, decisions = dedup(tmp_path, settings_for(tmp_path, redis_settings, key_prefix), rows,
                            "--index", name, "--dry-run")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [d["duplicate_of"] for d in decisions] == [None, "a", None]
    assert f"index {name!r} is empty" in proc.stderr
    assert snapshot(redis_client, name) == {} and leftovers(redis_client, name) == []


def test_index_refuses_the_crawlers_index(
    tmp_path: Path, redis_client: redis.Redis, redis_settings: dict, key_prefix: str
) -> None:
    settings = settings_for(tmp_path, redis_settings, key_prefix)
    proc, _ = dedup(tmp_path, settings, [record("a", SCHOOL)], "--index", key_prefix)
    assert proc.returncode == 2 and "is the crawler's index (DEDUP_KEY_PREFIX)" in proc.stderr
    seeded(tmp_path, settings)  # a database-backed build under key_prefix
    before = snapshot(redis_client, key_prefix)
    other = {**settings, "DEDUP_KEY_PREFIX": f"{key_prefix}-other"}  # the crawler's index named by --index
    proc, _ = dedup(tmp_path, other, [record("a", SCHOOL)], "--index", key_prefix, name="other")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines() == [
        f"dedup: index {key_prefix!r} is a crawler's index (it serves a database): give --index a name of its own"]
    assert snapshot(redis_client, key_prefix) == before


def test_copy_index_copies_the_index_keys_only_with_a_bounded_life(redis_client: redis.Redis, key_prefix: str) -> None:
    redis_client.hset(f"{key_prefix}:meta", mapping={"params": "p", "gen": "-"})
    redis_client.set(f"{key_prefix}:seq", 7)
    redis_client.set(f"{key_prefix}:d:1", b"\x00record", ex=30 * 86400)
    redis_client.hset(f"{key_prefix}:b:3", "band", b"\x00\x00\x00\x01")
    redis_client.set(f"{key_prefix}:seen:abc", 1)  # the seen-store: not part of the index
    target = f"{key_prefix}-scratch-test"
    try:
        assert copy_index(redis_client, key_prefix, target) == 4
        copied = sorted(k.decode() for k in redis_client.scan_iter(f"{target}:*"))
        assert copied == [f"{target}:b:3", f"{target}:d:1", f"{target}:meta", f"{target}:seq"]
        assert redis_client.get(f"{target}:d:1") == b"\x00record"
        assert all(0 < redis_client.ttl(k) <= SCRATCH_TTL_SECONDS for k in copied)
        assert drop_index(redis_client, target) == 4
        assert redis_client.get(f"{key_prefix}:seq") == b"7"  # the source untouched
    finally:
        drop_index(redis_client, target)
