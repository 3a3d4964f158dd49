"""``scrapy review restore|distinct`` round trip on real Redis + SQLite: a restored copy is in
storage; a distinct pair is not merged on the next crawl; both actions show in the next report."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from demo.network import DemoNetwork
from tests.conftest import redis_url
from tests.crawl import scrapy


def run(args: list[str], tmp: Path, settings: dict) -> str:
    proc = scrapy(args, tmp, settings)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return proc.stdout


def table(db_url: str, name: str) -> dict[str, dict]:
    """Rows by article id."""
    with create_engine(db_url).connect() as conn:
        found = [dict(r._mapping) for r in conn.execute(text(f"select * from {name}"))]  # noqa: S608 (fixed names)
    return {r.get("article_id") or r["id"]: r for r in found}


@pytest.fixture(scope="module")
def network() -> DemoNetwork:
    with DemoNetwork() as net:  # one network: article ids follow URLs, URLs include the ports
        yield net


@pytest.fixture
def crawl_env(tmp_path: Path, redis_client: redis.Redis, network: DemoNetwork):
    """Settings for crawls with their own database and key prefix."""
    prefix = f"t-review-{uuid.uuid4().hex[:8]}"
    db_url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    url = redis_url(redis_client)
    settings = {"DEMO_SITE_URLS": network.urls(), "DATABASE_URL": db_url, "REDIS_URL": url,
                "DEDUP_KEY_PREFIX": prefix}
    yield settings
    keys = list(redis_client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        redis_client.delete(*keys)


def single_copy_pairs(duplicates: dict[str, dict]) -> list[tuple[str, str]]:
    """(kept id, copy id) of stories with exactly one dropped near/containment copy."""
    by_kept: dict[str, list[dict]] = {}
    for dup in duplicates.values():
        by_kept.setdefault(dup["duplicate_of"], []).append(dup)
    return sorted((k, d[0]["article_id"]) for k, d in by_kept.items()
                  if len(d) == 1 and d[0]["method"] in ("near", "containment"))


def test_restore_and_distinct_round_trip(tmp_path: Path, crawl_env: dict) -> None:
    db = crawl_env["DATABASE_URL"]
    run(["demo"], tmp_path, crawl_env)
    duplicates = table(db, "duplicates")
    assert len(duplicates) >= 3

    # restore: by duplicates.id; the copy moves into articles
    restored = sorted(duplicates.values(), key=lambda d: d["id"])[0]
    out = run(["review", "restore", str(restored["id"])], tmp_path, crawl_env)
    assert restored["article_id"] in out
    articles, duplicates = table(db, "articles"), table(db, "duplicates")
    assert articles[restored["article_id"]]["dedup_method"] == "restored"
    assert articles[restored["article_id"]]["text"] == restored["text"]
    assert restored["article_id"] not in duplicates

    # distinct on a kept article and its copy: the copy is restored too
    kept_id, copy_id = next((k, c) for k, c in sorted((d["duplicate_of"], d["article_id"])
                                                       for d in duplicates.values()) if k != restored["article_id"])
    run(["review", "distinct", kept_id, copy_id, "--note", "different stories"], tmp_path, crawl_env)
    articles, duplicates = table(db, "articles"), table(db, "duplicates")
    assert kept_id in articles and copy_id in articles and copy_id not in duplicates

    # the next crawl merges neither pair again and drops neither restored copy
    run(["demo"], tmp_path, crawl_env)
    articles, duplicates = table(db, "articles"), table(db, "duplicates")
    for article_id in (restored["article_id"], kept_id, copy_id):
        assert article_id in articles and article_id not in duplicates

    # both actions are in the next report
    model = json.loads(run(["report", "--format", "json"], tmp_path, crawl_env))
    actions = [(r["action"], r["a"], r["b"]) for r in model["reviews"]]
    assert ("restore", restored["article_id"], restored["duplicate_of"]) in actions
    assert ("distinct", kept_id, copy_id) in actions and ("restore", copy_id, kept_id) in actions
    assert {r["note"] for r in model["reviews"]} >= {"different stories", f"undone by distinct {kept_id} {copy_id}"}
    assert all(c["article_id"] not in (restored["article_id"], copy_id)
               for cl in model["clusters"] for c in cl["copies"])


def test_distinct_pair_is_not_merged_by_a_fresh_crawl(tmp_path: Path, crawl_env: dict, redis_client) -> None:
    """The dedup stage itself honours a distinct pair: recorded before either article is crawled
    (fresh index and database), the two are both stored by the crawl."""
    first = {**crawl_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'first.sqlite3'}",
             "DEDUP_KEY_PREFIX": crawl_env["DEDUP_KEY_PREFIX"] + "-first"}
    try:
        run(["demo"], tmp_path, first)
        pairs = single_copy_pairs(table(first["DATABASE_URL"], "duplicates"))
    finally:
        keys = list(redis_client.scan_iter(f"{first['DEDUP_KEY_PREFIX']}:*", count=1000))
        if keys:
            redis_client.delete(*keys)
    assert pairs
    kept_id, copy_id = pairs[0]
    out = run(["review", "distinct", kept_id, copy_id], tmp_path, crawl_env)
    assert "not in storage yet" in out
    run(["demo"], tmp_path, crawl_env)
    articles, duplicates = table(crawl_env["DATABASE_URL"], "articles"), table(crawl_env["DATABASE_URL"], "duplicates")
    assert kept_id in articles and copy_id in articles
    assert not any({d["article_id"], d["duplicate_of"]} == {kept_id, copy_id} for d in duplicates.values())
